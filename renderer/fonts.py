"""Fonts for the rendered images, with the font fallback Pillow does not have, and the
measuring that wraps and ellipsizes text to a width.

Shaping with raqm and rasterizing cost 0.05-1 ms per call, and a worker sees the same dates,
party sizes and restaurant names again and again, so a font set keeps (in bounded LRU caches)
how runs measure and the rasterized ink of each run it has drawn, as "stamps" that are pasted.

Pillow draws a string with exactly one font, so mixed text ("Dinner at सागर रत्न") is split into
runs, each drawn with the first font whose character map covers it. Characters that no loaded font
covers (emoji unless an emoji font is passed, CJK, …) are dropped: a missing glyph would otherwise
be drawn as an empty box.
"""

from __future__ import annotations

import enum
import functools
import io
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont, features

BUNDLED_FONT_DIRECTORY = Path(__file__).parent / "fonts"

# Noto Color Emoji holds bitmaps for this one size only; other sizes are scaled from it.
EMOJI_BITMAP_SIZE = 109
# Characters that glue an emoji sequence together though the text fonts map them too.
_EMOJI_JOINERS = frozenset("\u200d\ufe0f")


class Weight(enum.Enum):
    REGULAR = "Regular"
    BOLD = "Bold"


# In fallback order: Noto Sans Devanagari has digits and punctuation but no Latin letters.
_FAMILY_FILES = ("NotoSans-{weight}.ttf", "NotoSansDevanagari-{weight}.ttf")


@dataclass(frozen=True, eq=False)
class FontFace:
    """One font file held in memory; `bitmap_size` is set for fixed-size colour fonts."""

    name: str
    data: bytes = field(repr=False)
    cmap: frozenset[int] = field(repr=False)
    bitmap_size: int | None = None


@dataclass(frozen=True)
class TextRun:
    text: str
    face: FontFace


@dataclass(frozen=True, eq=False)
class Stamp:
    """The rasterized ink of a run, pasted at the pen's whole-pixel position plus `offset`.

    Shared by every render that draws the run: never draw on its images."""

    offset: tuple[int, int]
    mask: Image.Image  # coverage
    colors: Image.Image | None = None  # RGB, for colour bitmap glyphs; else drawn in the fill


# Measurements are a few hundred bytes each. Stamps are one byte per pixel of ink box: most
# are 26-40 px lines of 5-20 KB, a full-width 84 px name ~90 KB; 512 of them ~10 MB.
MEASURE_CACHE_SIZE = 8192
STAMP_CACHE_SIZE = 512


class FontSet:
    """Faces in fallback order for each weight, a cache of sized Pillow fonts, and caches of
    what they measured and drew."""

    def __init__(self, *, regular: tuple[FontFace, ...], bold: tuple[FontFace, ...]) -> None:
        self._faces = {Weight.REGULAR: regular, Weight.BOLD: bold}
        self._sized: dict[tuple[FontFace, int], ImageFont.FreeTypeFont] = {}
        # Per font set rather than per module, so that the caches go with the fonts they hold.
        self._cached_runs = functools.lru_cache(MEASURE_CACHE_SIZE)(self._split)
        self._cached_length = functools.lru_cache(MEASURE_CACHE_SIZE)(self._shaped_length)
        self._cached_bbox = functools.lru_cache(MEASURE_CACHE_SIZE)(self._shaped_bbox)
        self._cached_stamp = functools.lru_cache(STAMP_CACHE_SIZE)(self._rasterized)

    def faces(self, weight: Weight) -> tuple[FontFace, ...]:
        return self._faces[weight]

    def font(self, face: FontFace, size: int) -> ImageFont.FreeTypeFont:
        load_size = face.bitmap_size or size
        key = (face, load_size)
        if key not in self._sized:
            self._sized[key] = ImageFont.truetype(
                io.BytesIO(face.data), load_size, layout_engine=ImageFont.Layout.RAQM
            )
        return self._sized[key]

    def runs(self, text: str, weight: Weight) -> list[TextRun]:
        """Split `text` into runs of one face each, dropping what no face can draw.

        A character stays in the current run whenever that face covers it, so spaces, digits and
        punctuation shared by both scripts do not break a Devanagari phrase apart (shaping and
        kerning only work within a run).
        """
        found: tuple[TextRun, ...] = self._cached_runs(text, weight)
        return list(found)

    def _split(self, text: str, weight: Weight) -> tuple[TextRun, ...]:
        runs: list[TextRun] = []
        current: FontFace | None = None
        chars: list[str] = []
        for char in text:
            if current is not None and self._continues(current, char, weight):
                chars.append(char)
                continue
            face = self._first_covering(char, weight)
            if face is None:
                continue
            if current is not None and chars:
                runs.append(TextRun("".join(chars), current))
            current, chars = face, [char]
        if current is not None and chars:
            runs.append(TextRun("".join(chars), current))
        return tuple(runs)

    def drawable(self, text: str, weight: Weight) -> str:
        """Only what the fonts can draw, so that dropped emoji leave no doubled or edge spaces."""
        return " ".join("".join(run.text for run in self.runs(text, weight)).split())

    def measurer(self, weight: Weight, size: int) -> Measure:
        return lambda text: self.measure(self.runs(text, weight), size)

    def _continues(self, face: FontFace, char: str, weight: Weight) -> bool:
        if ord(char) not in face.cmap:
            return False
        if face.bitmap_size is None or char in _EMOJI_JOINERS:
            return True
        # Emoji fonts also map spaces and digits, at emoji width: leave those to the text fonts.
        return self._first_covering(char, weight) is face

    def _first_covering(self, char: str, weight: Weight) -> FontFace | None:
        return next((face for face in self._faces[weight] if ord(char) in face.cmap), None)

    def measure(self, runs: list[TextRun], size: int) -> float:
        return sum(self._run_length(run, size) for run in runs)

    def extent(
        self, runs: list[TextRun], size: int, origin: tuple[float, float]
    ) -> tuple[float, tuple[float, float, float, float]]:
        """The advance of the runs and the box their ink covers, drawn from `origin` (the left
        end of the baseline); ink can reach past the advance, as with J or f."""
        x, baseline = origin
        left, top, right, bottom = x, baseline, x, baseline
        for run in runs:
            scale = self._scale(run.face, size)
            run_left, run_top, run_right, run_bottom = self._bbox(run, size)
            left = min(left, x + run_left * scale)
            top = min(top, baseline + run_top * scale)
            right = max(right, x + run_right * scale)
            bottom = max(bottom, baseline + run_bottom * scale)
            x += self._run_length(run, size)
        return x - origin[0], (left, top, right, bottom)

    def draw(
        self,
        image: Image.Image,
        runs: list[TextRun],
        size: int,
        origin: tuple[float, float],
        fill: tuple[int, int, int],
    ) -> None:
        """Draw the runs with their left baseline at `origin`, as ImageDraw.text would."""
        x, baseline = origin
        for run in runs:
            # ImageDraw.text renders at the sub-pixel part of the position: so does the stamp.
            whole_x, whole_y = int(x), int(baseline)
            stamp = self.stamp(run, size, (x - whole_x, baseline - whole_y))
            if stamp is not None:
                position = (whole_x + stamp.offset[0], whole_y + stamp.offset[1])
                image.paste(self._ink(stamp, fill, image.mode), position, stamp.mask)
            x += self._run_length(run, size)

    @staticmethod
    def _ink(stamp: Stamp, fill: tuple[int, int, int], mode: str) -> Image.Image:
        if stamp.colors is None:
            return _solid(fill, stamp.mask.size, mode)
        return stamp.colors if stamp.colors.mode == mode else stamp.colors.convert(mode)

    def stamp(self, run: TextRun, size: int, fraction: tuple[float, float]) -> Stamp | None:
        """The ink of `run` drawn at `fraction` of a pixel from the origin; None if no ink."""
        stamp: Stamp | None = self._cached_stamp(run, size, fraction)
        return stamp

    def _rasterized(self, run: TextRun, size: int, fraction: tuple[float, float]) -> Stamp | None:
        if run.face.bitmap_size is not None:
            return self._bitmap_stamp(run, size, fraction)
        left, top, right, bottom = self._bbox(run, size)
        # Room for the sub-pixel start and for antialiasing just outside the metric box; the
        # pen stays at a positive position so that its sub-pixel part is kept as it is.
        pad_x, pad_y = min(0, math.floor(left)) - 2, min(0, math.floor(top)) - 2
        canvas = Image.new("L", (math.ceil(right) - pad_x + 3, math.ceil(bottom) - pad_y + 3))
        ImageDraw.Draw(canvas).text(
            (fraction[0] - pad_x, fraction[1] - pad_y),
            run.text,
            font=self.font(run.face, size),
            fill=255,
            anchor="ls",
        )
        ink = canvas.getbbox()
        if ink is None:
            return None
        return Stamp((pad_x + ink[0], pad_y + ink[1]), canvas.crop(ink))

    def _bitmap_stamp(self, run: TextRun, size: int, fraction: tuple[float, float]) -> Stamp:
        # Colour bitmap glyphs only exist at one size: draw them there, then scale the result.
        font = self.font(run.face, size)
        left, top, right, bottom = (
            round(edge) for edge in font.getbbox(run.text, "RGBA", anchor="ls")
        )
        glyphs = Image.new("RGBA", (max(1, right - left), max(1, bottom - top)))
        ImageDraw.Draw(glyphs).text(
            (-left, -top), run.text, font=font, anchor="ls", embedded_color=True
        )
        scale = self._scale(run.face, size)
        scaled_size = (max(1, round(glyphs.width * scale)), max(1, round(glyphs.height * scale)))
        scaled = glyphs.resize(scaled_size, Image.Resampling.BILINEAR)
        offset = (round(fraction[0] + left * scale), round(fraction[1] + top * scale))
        return Stamp(offset, scaled.getchannel("A"), scaled.convert("RGB"))

    def _run_length(self, run: TextRun, size: int) -> float:
        length: float = self._cached_length(run, size)
        return length

    def _shaped_length(self, run: TextRun, size: int) -> float:
        return self.font(run.face, size).getlength(run.text) * self._scale(run.face, size)

    def _bbox(self, run: TextRun, size: int) -> tuple[float, float, float, float]:
        bbox: tuple[float, float, float, float] = self._cached_bbox(run, size)
        return bbox

    def _shaped_bbox(self, run: TextRun, size: int) -> tuple[float, float, float, float]:
        return self.font(run.face, size).getbbox(run.text, anchor="ls")

    @staticmethod
    def _scale(face: FontFace, size: int) -> float:
        return size / face.bitmap_size if face.bitmap_size else 1.0


@functools.lru_cache(maxsize=64)
def _solid(color: tuple[int, int, int], size: tuple[int, int], mode: str) -> Image.Image:
    # Pasting an image through a mask is twice as fast as pasting a colour through it.
    solid = Image.new("RGB", size, color)
    return solid if mode == "RGB" else solid.convert(mode)


# --- fitting text into a width ------------------------------------------------------------

ELLIPSIS = "…"
Measure = Callable[[str], float]


def wrap_lines(text: str, measure: Measure, width: float, max_lines: int) -> tuple[list[str], str]:
    """Greedy lines by words (by characters inside a word wider than a line); returns the rest."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        line, rest = _take_line(rest, measure, width)
        lines.append(line)
    return lines, rest


def _take_line(text: str, measure: Measure, width: float) -> tuple[str, str]:
    if measure(text) <= width:
        return text, ""  # most text fits: one measurement rather than one per word
    words = text.split(" ")
    line = words[0]
    if measure(line) > width:
        parts = clusters(line)
        count = max(1, _longest_fitting(len(parts), lambda n: measure("".join(parts[:n])) <= width))
        head = "".join(parts[:count])  # at least one cluster, so that wrapping always ends
        return head, text[len(head) :].lstrip()
    taken = 1
    while taken < len(words) and measure(" ".join(words[: taken + 1])) <= width:
        taken += 1
    return " ".join(words[:taken]), " ".join(words[taken:]).lstrip()


def ellipsize(text: str, measure: Measure, width: float) -> str:
    """`text` if it fits, else as much as fits followed by "…", cut between words if that
    keeps most of the line, else between characters."""
    if measure(text) <= width:
        return text
    words = text.split(" ")
    count = _longest_fitting(len(words), lambda n: measure(_cut(" ".join(words[:n]))) <= width)
    by_words = _cut(" ".join(words[:count]))
    if count and measure(by_words) >= 0.7 * width:
        return by_words
    parts = clusters(text)
    count = _longest_fitting(len(parts), lambda n: measure(_cut("".join(parts[:n]))) <= width)
    return _cut("".join(parts[:count]))


def _cut(text: str) -> str:
    return text.rstrip(" ,;:-–—·") + ELLIPSIS


def _longest_fitting(upper: int, fits: Callable[[int], bool]) -> int:
    """The largest n in [0, upper] with fits(n), for a `fits` that is monotone; binary search."""
    low, high = 0, upper
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def clusters(text: str) -> list[str]:
    """Roughly grapheme clusters: never split a mark from its base or a conjunct at a virama."""
    found: list[str] = []
    for char in text:
        joins = found and (
            unicodedata.category(char) in ("Mn", "Mc", "Me")
            or char in "\u200c\u200d\ufe0e\ufe0f"
            or found[-1][-1] in "\u094d\u200d"
        )
        if joins:
            found[-1] += char
        else:
            found.append(char)
    return found


def load_fonts(directory: Path | None = None, *, emoji_font: Path | None = None) -> FontSet:
    """Read the fonts once (at worker start); nothing else in `renderer` touches files.

    `emoji_font` is an optional Noto Color Emoji file; without it emoji are dropped from text.
    """
    require_complex_shaping()
    directory = directory or BUNDLED_FONT_DIRECTORY
    emoji = (_read_face(emoji_font, bitmap_size=EMOJI_BITMAP_SIZE),) if emoji_font else ()
    return FontSet(
        regular=_read_faces(directory, Weight.REGULAR) + emoji,
        bold=_read_faces(directory, Weight.BOLD) + emoji,
    )


def require_complex_shaping() -> None:
    """Fail loudly where Pillow would silently fall back to basic layout and break Hindi."""
    missing = [name for name in ("raqm", "fribidi", "harfbuzz") if not features.check(name)]
    if missing:
        raise RuntimeError(
            f"Pillow lacks {', '.join(missing)}: Devanagari cannot be shaped "
            "(install the system package libfribidi0)"
        )


def _read_faces(directory: Path, weight: Weight) -> tuple[FontFace, ...]:
    return tuple(_read_face(directory / name.format(weight=weight.value)) for name in _FAMILY_FILES)


def _read_face(path: Path, *, bitmap_size: int | None = None) -> FontFace:
    data = path.read_bytes()
    return FontFace(path.stem, data, _character_map(data), bitmap_size)


def _character_map(data: bytes) -> frozenset[int]:
    # Only mapped, visible code points: a font mapping a control character does not draw it.
    cmap = TTFont(io.BytesIO(data), lazy=True).getBestCmap()
    return frozenset(
        code_point for code_point in cmap if unicodedata.category(chr(code_point)) != "Cc"
    )
