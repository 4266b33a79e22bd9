"""Where each line of the Open Graph card goes: sizes, wrapping, ellipses and ink boxes.

Pure and cached: a worker lays out the same dates, party sizes, localities and restaurant names
again and again, so each placed line is kept (per text, style, place and font set) and a card
seen before costs only the lookups. Nothing cached is mutable.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import msgspec

from renderer.fallback_image import Color
from renderer.fonts import FontSet, TextRun, Weight, ellipsize, wrap_lines

WIDTH, HEIGHT = 1200, 630
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 72, 56, 60
SAFE_BOX = (MARGIN_X, MARGIN_TOP, WIDTH - MARGIN_X, HEIGHT - MARGIN_BOTTOM)
CONTENT_WIDTH = WIDTH - 2 * MARGIN_X
TOP_BLOCK_WIDTH = CONTENT_WIDTH - 230  # keeps the top lines clear of the cancelled ribbon
NAME_SIZES = (84, 76, 68, 60, 54, 48)
NAME_MAX_LINES = 2
PILL_HEIGHT, PILL_PADDING = 50, 22
ROW_TOP = HEIGHT - MARGIN_BOTTOM - PILL_HEIGHT
GAP = 14  # the least space between the ink of two blocks
RULE_SPACE = 30  # the accent rule sits this far above the name's ink
MAX_TEXT_CHARS = 200  # far beyond what two lines hold at the smallest size
MAX_STACKED_MARKS = 4  # Devanagari needs three (nukta, vowel sign, anusvara)
BRAND = "tablefor"
# Enough for every distinct line a busy worker meets between two repeats of a date or party.
LINE_CACHE_SIZE = 2048

WHITE: Color = (255, 255, 255)
MUTED: Color = (236, 226, 212)
ON_ACCENT: Color = (30, 18, 10)
PHOTO_ACCENT: Color = (244, 197, 110)


class OgCard(msgspec.Struct, frozen=True, kw_only=True):
    title: str | None
    host_name: str | None
    restaurant_name: str
    locality: str | None
    when: str
    party: str | None
    cancelled: bool = False
    seed: str
    # The background photo's credit, where the image shows one (renderer/attribution.py).
    credit: str | None = None


@dataclass(frozen=True)
class TextStyle:
    weight: Weight
    size: int
    color: Color


TITLE = TextStyle(Weight.BOLD, 40, WHITE)
HOST = TextStyle(Weight.REGULAR, 26, MUTED)
NAME = TextStyle(Weight.BOLD, NAME_SIZES[0], WHITE)
LOCALITY = TextStyle(Weight.REGULAR, 30, MUTED)
WHEN = TextStyle(Weight.BOLD, 26, ON_ACCENT)
PARTY = TextStyle(Weight.REGULAR, 26, WHITE)
BRAND_MARK = TextStyle(Weight.BOLD, 24, MUTED)
CREDIT = TextStyle(Weight.REGULAR, 17, MUTED)
CREDIT_BASELINE = HEIGHT - 30  # under the bottom row, inside the frame
CREDIT_WIDTH = CONTENT_WIDTH // 2

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PlacedText:
    role: str
    runs: tuple[TextRun, ...]
    style: TextStyle
    origin: tuple[float, float]  # left end of the baseline
    width: float  # the advance
    box: Box  # the ink, which can reach past the advance


@dataclass(frozen=True)
class Pill:
    box: tuple[int, int, int, int]
    color: Color
    opacity: int  # 0-255


@dataclass(frozen=True)
class CardLayout:
    texts: tuple[PlacedText, ...]
    pills: tuple[Pill, ...]
    rule: tuple[int, int, int, int]  # the short accent bar above the restaurant name

    def placed(self, role: str) -> list[PlacedText]:
        return [text for text in self.texts if text.role == role]


def layout_card(card: OgCard, fonts: FontSet, *, accent: Color = PHOTO_ACCENT) -> CardLayout:
    """Where every line goes; pure, so tests can check the boxes.

    The bottom row, the locality and the top block sit at fixed places; the restaurant name
    takes the largest size that fits between them.
    """
    texts, pills = _bottom_row(_clean(card.when), _clean(card.party), fonts, accent)
    origin = (MARGIN_X, ROW_TOP - 36)
    locality = _one_line("locality", _clean(card.locality), LOCALITY, fonts, origin, CONTENT_WIDTH)
    top_block = _top_block(_clean(card.title), _clean(card.host_name), fonts)
    lowest = locality.box[1] - GAP if locality else ROW_TOP - GAP
    highest = max((text.box[3] for text in top_block), default=MARGIN_TOP + 24) + GAP + RULE_SPACE
    baseline = ROW_TOP - (98 if locality else 46)
    name = _name_lines(_clean(card.restaurant_name), fonts, baseline, (highest, lowest))
    credit = _credit_line(_clean(card.credit), fonts)
    placed = (*texts, *([locality] if locality else []), *name, *top_block, *credit)
    return CardLayout(placed, pills, _rule_above(name, baseline))


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def _credit_line(credit: str, fonts: FontSet) -> tuple[PlacedText, ...]:
    """The photo's credit, small, right-aligned under the brand; cut short if very long."""
    measured = _one_line("credit", credit, CREDIT, fonts, (0, CREDIT_BASELINE), CREDIT_WIDTH)
    if measured is None:
        return ()
    left = math.floor(SAFE_BOX[2] - max(measured.width, measured.box[2] - measured.origin[0]))
    placed = _one_line("credit", credit, CREDIT, fonts, (left, CREDIT_BASELINE), CREDIT_WIDTH)
    if placed is not None and placed.box[2] > SAFE_BOX[2]:  # ink pushed right of its origin
        over = math.ceil(placed.box[2] - SAFE_BOX[2])
        placed = _one_line(
            "credit", credit, CREDIT, fonts, (left - over, CREDIT_BASELINE), CREDIT_WIDTH
        )
    return (placed,) if placed else ()


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def _name_lines(
    name: str, fonts: FontSet, baseline: float, limits: tuple[float, float]
) -> tuple[PlacedText, ...]:
    """The name in the first setting whose ink fits between the limits (top, bottom), its
    last baseline at `baseline` or higher when marks or descenders reach below the limit."""
    text = fonts.drawable(name, NAME.weight)
    # Devanagari stacks marks above the headline and below the base, so its lines need more air.
    leading = 1.32 if _has_devanagari(text) else 1.1

    def place(width: float) -> list[PlacedText]:
        placed: list[PlacedText] = []
        for size, lines in _name_settings(text, fonts, width):
            first = baseline - size * leading * (len(lines) - 1)
            placed = _stacked(
                [
                    _placed("name", line, replace(NAME, size=size), fonts, (MARGIN_X, first))
                    for line in lines
                ],
                size * leading,
            )
            placed = _moved(placed, min(0.0, limits[1] - max(text.box[3] for text in placed)))
            if placed[0].box[1] >= limits[0]:
                break
        return placed

    return tuple(_refit_until_inked_inside(place, CONTENT_WIDTH, SAFE_BOX[2]) if text else ())


def _name_settings(text: str, fonts: FontSet, width: float) -> Iterator[tuple[int, list[str]]]:
    """Ever smaller settings: each size at which the name wraps into the allowed lines, then
    the smallest size with the name cut to fewer and fewer lines."""
    for size in NAME_SIZES:
        lines, rest = wrap_lines(text, fonts.measurer(NAME.weight, size), width, NAME_MAX_LINES)
        if not rest:
            yield size, lines
    size = NAME_SIZES[-1]
    measure = fonts.measurer(NAME.weight, size)
    for max_lines in range(NAME_MAX_LINES, 0, -1):
        lines, rest = wrap_lines(text, measure, width, max_lines - 1)
        yield size, [*lines, ellipsize(rest, measure, width)] if rest else lines


def _stacked(lines: list[PlacedText], advance: float) -> list[PlacedText]:
    """Lines `advance` apart, or further where an accent or mark would touch the line above."""
    stacked = lines[:1]
    for index, line in enumerate(lines[1:], start=1):
        down = index * advance
        clash = stacked[-1].box[3] + 4 - (line.box[1] + down)
        stacked += _moved([line], down + max(0.0, clash))
    return stacked


def _moved(texts: list[PlacedText], down: float) -> list[PlacedText]:
    if down == 0:
        return texts
    return [
        replace(
            text,
            origin=(text.origin[0], text.origin[1] + down),
            box=(text.box[0], text.box[1] + down, text.box[2], text.box[3] + down),
        )
        for text in texts
    ]


def _refit_until_inked_inside(
    place: Callable[[float], list[PlacedText]], width: float, right_edge: float
) -> list[PlacedText]:
    """Lines are fitted by their advance, but a few glyphs (J, f, some matras) ink beyond it:
    refit narrower by the overshoot until the ink is inside too."""
    while width > 0:
        placed = place(width)
        overshoot = max((text.box[2] - right_edge for text in placed), default=0.0)
        if overshoot <= 0:
            return placed
        width -= math.ceil(overshoot)
    return []


def _rule_above(name: tuple[PlacedText, ...], baseline: float) -> tuple[int, int, int, int]:
    top = round(name[0].box[1] if name else baseline - NAME.size)
    return (MARGIN_X, top - RULE_SPACE, MARGIN_X + 56, top - RULE_SPACE + 4)


def _top_block(title: str, host: str, fonts: FontSet) -> list[PlacedText]:
    hosted_by = f"Hosted by {host}" if host else ""
    lines = (
        [("title", title, TITLE, 138), ("host", hosted_by, HOST, 188)]
        if title
        else [("title", hosted_by, TITLE, 138)]
    )
    placed = [
        line
        for role, text, style, baseline in lines
        if (line := _one_line(role, text, style, fonts, (MARGIN_X, baseline), TOP_BLOCK_WIDTH))
    ]
    if len(placed) == 2:  # marks stacked below the title can reach the host's line
        first, second = placed
        placed[1:] = _moved([second], max(0.0, first.box[3] + 4 - second.box[1]))
    return placed


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def _bottom_row(
    when: str, party: str, fonts: FontSet, accent: Color
) -> tuple[tuple[PlacedText, ...], tuple[Pill, ...]]:
    """The date and party pills, left, and the brand, right; pills that do not fit are cut."""
    baseline = ROW_TOP + PILL_HEIGHT // 2 + 10
    brand_width = fonts.measure(fonts.runs(BRAND, BRAND_MARK.weight), BRAND_MARK.size)
    brand_left = math.floor(SAFE_BOX[2] - brand_width)
    texts = [_placed("brand", BRAND, BRAND_MARK, fonts, (brand_left, baseline))]
    pills: list[Pill] = []
    x = MARGIN_X
    for role, value, style, fill, opacity in (
        ("when", when, WHEN, accent, 255),
        ("party", party, PARTY, WHITE, 40),
    ):
        room = brand_left - 32 - x - 2 * PILL_PADDING
        origin = (x + PILL_PADDING, baseline)
        placed = _one_line(role, value, style, fonts, origin, room) if room > 60 else None
        if placed is None:
            continue
        # Marks below a descender can reach under the pill: lift such a line inside it.
        [placed] = _moved([placed], min(0.0, ROW_TOP + PILL_HEIGHT - 2 - placed.box[3]))
        right = round(max(placed.origin[0] + placed.width, placed.box[2]) + PILL_PADDING)
        pills.append(Pill((x, ROW_TOP, right, ROW_TOP + PILL_HEIGHT), fill, opacity))
        texts.append(placed)
        x = right + 14
    return tuple(texts), tuple(pills)


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def _one_line(
    role: str,
    text: str,
    style: TextStyle,
    fonts: FontSet,
    origin: tuple[float, float],
    max_width: float,
) -> PlacedText | None:
    measure, drawable = fonts.measurer(style.weight, style.size), fonts.drawable(text, style.weight)
    if not drawable:
        return None

    def place(width: float) -> list[PlacedText]:
        return [_placed(role, ellipsize(drawable, measure, width), style, fonts, origin)]

    placed = _refit_until_inked_inside(place, max_width, origin[0] + max_width)
    return placed[0] if placed else None


def _placed(
    role: str, text: str, style: TextStyle, fonts: FontSet, origin: tuple[float, float]
) -> PlacedText:
    runs = fonts.runs(text, style.weight)
    advance, (left, top, right, bottom) = fonts.extent(runs, style.size, origin)
    # Glyphs such as J reach left of their origin: move the line so that its ink starts at x.
    shift = max(0.0, origin[0] - left)
    return PlacedText(
        role,
        tuple(runs),
        style,
        (origin[0] + shift, origin[1]),
        advance,
        (left + shift, top, right + shift, bottom),
    )


# --- cleaning text -------------------------------------------------------------------------


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def _clean(text: str | None) -> str:
    """One line of visible text: controls and line breaks become spaces, runs of spaces one
    space, and marks stacked beyond what any language needs (as in "Zalgo" text) go."""
    if not text:
        return ""
    kept: list[str] = []
    stacked_marks = 0
    for char in unicodedata.normalize("NFC", text[: MAX_TEXT_CHARS * 2]):
        category = unicodedata.category(char)
        stacked_marks = stacked_marks + 1 if category[0] == "M" else 0
        if stacked_marks > MAX_STACKED_MARKS:
            continue
        invisible = category[0] in "CZ" and char not in "\u200c\u200d"
        kept.append(" " if invisible else char)
    return " ".join("".join(kept).split())[:MAX_TEXT_CHARS]


def _has_devanagari(text: str) -> bool:
    return any("\u0900" <= char <= "\u097f" for char in text)
