"""The Open Graph image of an invite: a 1200×630 JPEG with the restaurant, the date and the host.

Pure: the card, the fonts and the photo bytes come in, JPEG bytes go out, the same bytes for the
same inputs. Convolutions (resize filters, blurs) cost 10-20 ms per frame on the worker
machines, so the photo is scaled with NEAREST after the decoder has dropped whole factors of two
(exact when photos are 1200 or 2400 px wide), and every constant layer (shading, frame, ribbon,
letter-spaced labels, pill shapes) is built once and cached.
"""

from __future__ import annotations

import functools
import io
import math
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import msgspec
from PIL import Image, ImageChops, ImageDraw

from renderer.fallback_image import Color, palette_for, render_fallback
from renderer.fonts import FontSet, TextRun, Weight, ellipsize, wrap_lines

WIDTH, HEIGHT = 1200, 630
MAX_BYTES = 300_000
# Lower rungs only ever serve photos that compress like noise.
QUALITY_LADDER = (84, 76, 68, 58, 46, 34)
MAX_PHOTO_PIXELS = 24_000_000  # our photos are a few megapixels; refuse before decoding

MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 72, 56, 60
SAFE_BOX = (MARGIN_X, MARGIN_TOP, WIDTH - MARGIN_X, HEIGHT - MARGIN_BOTTOM)
CONTENT_WIDTH = WIDTH - 2 * MARGIN_X
TOP_BLOCK_WIDTH = CONTENT_WIDTH - 230  # keeps the top lines clear of the cancelled ribbon
NAME_SIZES = (84, 76, 68, 60, 54, 48)
NAME_MAX_LINES = 2
PILL_HEIGHT, PILL_PADDING, PILL_TEXT_SIZE = 50, 22, 26
ROW_TOP = HEIGHT - MARGIN_BOTTOM - PILL_HEIGHT
GAP = 14  # the least space between the ink of two blocks
RULE_SPACE = 30  # the accent rule sits this far above the name's ink
MAX_TEXT_CHARS = 200  # far beyond what two lines hold at the smallest size
MAX_STACKED_MARKS = 4  # Devanagari needs three (nukta, vowel sign, anusvara)
BRAND = "tablefor"

WHITE: Color = (255, 255, 255)
MUTED: Color = (236, 226, 212)
ON_ACCENT: Color = (30, 18, 10)
PHOTO_ACCENT: Color = (244, 197, 110)
CANCELLED_ACCENT: Color = (196, 196, 196)
RIBBON_RED: Color = (214, 48, 49)
SHADE: Color = (12, 7, 4)


class OgCard(msgspec.Struct, frozen=True, kw_only=True):
    title: str | None
    host_name: str | None
    restaurant_name: str
    locality: str | None
    when: str
    party: str | None
    cancelled: bool = False
    seed: str


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


def render_og_image(card: OgCard, *, fonts: FontSet, photo: bytes | None) -> bytes:
    if photo is not None:
        accent = CANCELLED_ACCENT if card.cancelled else PHOTO_ACCENT
        background = _photo_background(photo)
        # The fallback keeps its own shadow where text goes; a photo needs darkening there.
        background.paste(_solid(SHADE), (0, 0), _shading())
        encoded = _encode_within_limit(_draw_card(card, fonts, background, accent))
        if encoded is not None:
            return encoded
    # No photo, or one that compresses like noise even at the lowest quality.
    accent = CANCELLED_ACCENT if card.cancelled else palette_for(card.seed).accent
    background = render_fallback(card.seed, width=WIDTH, height=HEIGHT)
    encoded = _encode_within_limit(_draw_card(card, fonts, background, accent))
    assert encoded is not None, "the designed fallback always fits"
    return encoded


def _draw_card(card: OgCard, fonts: FontSet, background: Image.Image, accent: Color) -> Image.Image:
    image = background.convert("L").convert("RGB") if card.cancelled else background
    _paste_frame(image, accent)
    _draw_layout(image, layout_card(card, fonts, accent=accent), fonts, accent)
    _paste_eyebrow(image, card, fonts, accent)
    if card.cancelled:
        ribbon, position = _ribbon(fonts)
        image.paste(ribbon, position, ribbon)
    return image


# --- layout --------------------------------------------------------------------------------


def layout_card(card: OgCard, fonts: FontSet, *, accent: Color = PHOTO_ACCENT) -> CardLayout:
    """Where every line goes; pure, so tests can check the boxes.

    The bottom row, the locality and the top block sit at fixed places; the restaurant name
    takes the largest size that fits between them.
    """
    texts, pills = _bottom_row(card, fonts, accent)
    origin = (MARGIN_X, ROW_TOP - 36)
    locality = _one_line("locality", _clean(card.locality), LOCALITY, fonts, origin, CONTENT_WIDTH)
    top_block = _top_block(card, fonts)
    lowest = locality.box[1] - GAP if locality else ROW_TOP - GAP
    highest = max((text.box[3] for text in top_block), default=MARGIN_TOP + 24) + GAP + RULE_SPACE
    baseline = ROW_TOP - (98 if locality else 46)
    name = _name_lines(_clean(card.restaurant_name), fonts, baseline, (highest, lowest))
    texts += [*([locality] if locality else []), *name, *top_block]
    return CardLayout(tuple(texts), tuple(pills), _rule_above(name, baseline))


def _name_lines(
    name: str, fonts: FontSet, baseline: float, limits: tuple[float, float]
) -> list[PlacedText]:
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

    return _refit_until_inked_inside(place, CONTENT_WIDTH, SAFE_BOX[2]) if text else []


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


def _rule_above(name: list[PlacedText], baseline: float) -> tuple[int, int, int, int]:
    top = round(name[0].box[1] if name else baseline - NAME.size)
    return (MARGIN_X, top - RULE_SPACE, MARGIN_X + 56, top - RULE_SPACE + 4)


def _top_block(card: OgCard, fonts: FontSet) -> list[PlacedText]:
    title, host = _clean(card.title), _clean(card.host_name)
    hosted_by = f"Hosted by {host}" if host else ""
    lines = (
        [("title", title, TITLE, 138), ("host", hosted_by, HOST, 188)]
        if title
        else [("title", hosted_by, TITLE, 138)]
    )
    placed = [
        _one_line(role, text, style, fonts, (MARGIN_X, baseline), TOP_BLOCK_WIDTH)
        for role, text, style, baseline in lines
    ]
    return [text for text in placed if text]


def _bottom_row(card: OgCard, fonts: FontSet, accent: Color) -> tuple[list[PlacedText], list[Pill]]:
    """The date and party pills, left, and the brand, right; pills that do not fit are cut."""
    baseline = ROW_TOP + PILL_HEIGHT // 2 + 10
    brand_width = fonts.measure(fonts.runs(BRAND, BRAND_MARK.weight), BRAND_MARK.size)
    brand_left = math.floor(SAFE_BOX[2] - brand_width)
    texts = [_placed("brand", BRAND, BRAND_MARK, fonts, (brand_left, baseline))]
    pills: list[Pill] = []
    x = MARGIN_X
    for role, value, style, fill, opacity in (
        ("when", card.when, WHEN, accent, 255),
        ("party", card.party, PARTY, WHITE, 40),
    ):
        room = brand_left - 32 - x - 2 * PILL_PADDING
        origin = (x + PILL_PADDING, baseline)
        placed = _one_line(role, _clean(value), style, fonts, origin, room) if room > 60 else None
        if placed is None:
            continue
        # Marks below a descender can reach under the pill: lift such a line inside it.
        [placed] = _moved([placed], min(0.0, ROW_TOP + PILL_HEIGHT - 2 - placed.box[3]))
        right = round(max(placed.origin[0] + placed.width, placed.box[2]) + PILL_PADDING)
        pills.append(Pill((x, ROW_TOP, right, ROW_TOP + PILL_HEIGHT), fill, opacity))
        texts.append(placed)
        x = right + 14
    return texts, pills


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


# --- drawing -------------------------------------------------------------------------------


def _draw_layout(image: Image.Image, layout: CardLayout, fonts: FontSet, accent: Color) -> None:
    for pill in layout.pills:
        left, top, right, bottom = pill.box
        mask = _pill_mask(right - left, bottom - top, pill.opacity)
        image.paste(_solid(pill.color, mask.size), (left, top), mask)
    ImageDraw.Draw(image).rectangle(layout.rule, fill=accent)
    for text in layout.texts:
        fonts.draw(image, list(text.runs), text.style.size, text.origin, text.style.color)


def _paste_eyebrow(image: Image.Image, card: OgCard, fonts: FontSet, accent: Color) -> None:
    label, color = (
        ("THIS DINNER IS CANCELLED", RIBBON_RED) if card.cancelled else ("YOU'RE INVITED", accent)
    )
    mask = _tracked_label(fonts, label, 19, 4)
    image.paste(_solid(color, mask.size), (MARGIN_X, MARGIN_TOP), mask)


def _paste_frame(image: Image.Image, accent: Color) -> None:
    # Only the four thin strips holding the hairline are pasted, not the whole frame.
    for position, strip in _frame_strips():
        image.paste(_solid(accent, strip.size), position, strip)


# --- photo ---------------------------------------------------------------------------------


def _photo_background(photo: bytes) -> Image.Image:
    with Image.open(io.BytesIO(photo), formats=["JPEG"]) as source:
        if source.width * source.height > MAX_PHOTO_PIXELS:
            raise ValueError(f"photo of {source.width}×{source.height} is too large")
        box = _cover_box(source.size)
        scale = min((box[2] - box[0]) / WIDTH, (box[3] - box[1]) / HEIGHT)
        # The decoder scales by 1/2, 1/4 or 1/8 while decoding, nearly for free.
        source.draft("RGB", (int(source.width / scale), int(source.height / scale)))
        rgb = source if source.mode == "RGB" else source.convert("RGB")
        return rgb.resize((WIDTH, HEIGHT), Image.Resampling.NEAREST, box=_cover_box(source.size))


def _cover_box(size: tuple[int, int]) -> tuple[float, float, float, float]:
    """The centred part of an image of `size` with the card's aspect ratio."""
    width, height = size
    if width * HEIGHT > height * WIDTH:
        crop_width = height * WIDTH / HEIGHT
        return ((width - crop_width) / 2, 0, (width + crop_width) / 2, height)
    crop_height = width * HEIGHT / WIDTH
    return (0, (height - crop_height) / 2, width, (height + crop_height) / 2)


def _encode_within_limit(image: Image.Image) -> bytes | None:
    for quality in QUALITY_LADDER:
        output = io.BytesIO()
        image.save(output, "JPEG", quality=quality, subsampling="4:2:0", progressive=False)
        if output.tell() <= MAX_BYTES:
            return output.getvalue()
    return None


# --- cached constant layers ----------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _solid(color: Color, size: tuple[int, int] = (WIDTH, HEIGHT)) -> Image.Image:
    return Image.new("RGB", size, color)


@functools.lru_cache(maxsize=1)
def _shading() -> Image.Image:
    """How much to darken each pixel: most under the bottom text, some under the top block
    and towards the left edge; the middle right, where photos show best, stays clear."""

    def down(t: float) -> float:
        under_name = 0.88 * math.pow(max(0.0, (t - 0.28) / 0.72), 1.4)
        under_title = 0.62 * math.pow(max(0.0, 1 - t / 0.42), 1.6)
        return max(under_name, under_title)

    def across(t: float) -> float:
        return 0.3 * max(0.0, 1 - t / 0.75)

    return ImageChops.lighter(
        _stretched_ramp(HEIGHT, down, vertical=True), _stretched_ramp(WIDTH, across, vertical=False)
    )


def _stretched_ramp(length: int, curve: Callable[[float], float], *, vertical: bool) -> Image.Image:
    levels = bytes(round(255 * curve(i / (length - 1))) for i in range(length))
    line = Image.frombytes("L", (1, length) if vertical else (length, 1), levels)
    return line.resize((WIDTH, HEIGHT), Image.Resampling.NEAREST)


@functools.lru_cache(maxsize=1)
def _frame_strips() -> tuple[tuple[tuple[int, int], Image.Image], ...]:
    inset, band, supersample = 22, 40, 4
    frame = Image.new("L", (WIDTH * supersample, HEIGHT * supersample), 0)
    ImageDraw.Draw(frame).rounded_rectangle(
        (
            inset * supersample,
            inset * supersample,
            (WIDTH - inset) * supersample,
            (HEIGHT - inset) * supersample,
        ),
        radius=18 * supersample,
        outline=96,
        width=round(1.5 * supersample),
    )
    frame = frame.reduce(supersample)
    edge = inset + band // 2
    boxes = (
        (0, 0, WIDTH, edge),
        (0, HEIGHT - edge, WIDTH, HEIGHT),
        (0, edge, edge, HEIGHT - edge),
        (WIDTH - edge, edge, WIDTH, HEIGHT - edge),
    )
    return tuple(((box[0], box[1]), frame.crop(box)) for box in boxes)


@functools.lru_cache(maxsize=128)
def _pill_mask(width: int, height: int, opacity: int) -> Image.Image:
    supersample = 4
    mask = Image.new("L", (width * supersample, height * supersample), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (0, 0, width * supersample - 1, height * supersample - 1),
        radius=height * supersample // 2,
        fill=opacity,
    )
    return mask.reduce(supersample)


@functools.lru_cache(maxsize=16)
def _tracked_label(fonts: FontSet, label: str, size: int, tracking: int) -> Image.Image:
    """A letter-spaced Latin label as a mask; Pillow has no letter spacing, so per character."""
    font = fonts.font(fonts.faces(Weight.BOLD)[0], size)
    advances = [font.getlength(char) + tracking for char in label]
    mask = Image.new("L", (round(sum(advances)), round(size * 1.3)), 0)
    pen, x = ImageDraw.Draw(mask), 0.0
    for char, advance in zip(label, advances, strict=True):
        pen.text((x, size), char, font=font, fill=255, anchor="ls")
        x += advance
    return mask


@functools.lru_cache(maxsize=4)
def _ribbon(fonts: FontSet) -> tuple[Image.Image, tuple[int, int]]:
    """A red band across the top right corner, as RGBA, and where to paste it."""
    band_length, band_height, from_corner = 520, 58, 112
    band = Image.new("RGBA", (band_length, band_height), (*RIBBON_RED, 255))
    label = _tracked_label(fonts, "CANCELLED", 24, 5)
    band.paste(
        WHITE, ((band_length - label.width) // 2, (band_height - label.height) // 2 + 2), label
    )
    rotated = band.rotate(-45, resample=Image.Resampling.BICUBIC, expand=True)
    centre = (WIDTH - from_corner, from_corner)
    return rotated, (centre[0] - rotated.width // 2, centre[1] - rotated.height // 2)
