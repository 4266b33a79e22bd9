"""The designed background used when a restaurant has no photo, derived from a seed.

The look is a warm candle-lit glow: a diagonal wash from shadow to base colour, two Gaussian
glows, all from one of a few curated palettes, shadow drawn back over the places where text
goes, and a faint line motif (a plate with cutlery, ripples or dots) laid over it. Everything
derives from SHA-256 of the seed, so the same seed gives the same bytes on every run and machine.

Convolutions (blur, resize filters) cost 10-20 ms per 1200×630 frame on the worker machines, so
nothing here uses them per render: Gaussians are separable, hence a product of two stretched
1-D profiles; the lighting is built at quarter size and enlarged with NEAREST, invisible where
colours change by about one level per block; the motifs are drawn once and cached.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw

Color = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    name: str
    shadow: Color  # lower left, behind the text
    base: Color  # upper right
    glow: Color  # the large light
    second_glow: Color  # a smaller light in a contrasting warm tone
    accent: Color  # highlights drawn over the background: motif lines, dates, rules


def _hex(value: str) -> Color:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _palette(name: str, colors: str) -> Palette:
    shadow, base, glow, second_glow, accent = (_hex(color) for color in colors.split())
    return Palette(name, shadow, base, glow, second_glow, accent)


PALETTES: tuple[Palette, ...] = (
    _palette("saffron dusk", "#1a0a0c #4a141c #d9692f #f2b450 #f6c667"),
    _palette("emerald thali", "#03120e #0d3a2e #2f8a68 #d6a24c #ebc77a"),
    _palette("midnight masala", "#07081c #1d1d55 #6a48a8 #e08a66 #f4b98a"),
    _palette("terracotta", "#170905 #4c2010 #c4622f #f0a868 #ffd9a8"),
    _palette("plum wine", "#12060e #3c0f31 #a3345f #ee8f68 #f7c1a0"),
    _palette("teal brass", "#031016 #0b3140 #277588 #d89c52 #f0c987"),
    _palette("espresso", "#0e0906 #2e1f16 #8a5a38 #d4a46a #f3ddb5"),
    _palette("rose gold", "#150910 #3e1628 #b0546a #eea184 #fad0b0"),
)

MOTIFS = ("plate", "ripples", "dots")

# The lighting is built at a quarter of the size: its steepest slope changes a colour by about
# one level per four pixels, so NEAREST upscaling leaves no visible blocks.
_LIGHTING_SCALE = 4


@dataclass(frozen=True)
class Design:
    palette: Palette
    motif: str
    glows: tuple[tuple[float, float, float, float], ...]  # centre x, centre y, radius, strength


def design_for(seed: str) -> Design:
    """Everything the seed decides, as fractions of the frame so any size looks the same."""
    digest = hashlib.sha256(seed.encode()).digest()
    unit = [byte / 255 for byte in digest[2:]]
    # The glows sit right and high, leaving the lower left (where text goes) in shadow.
    main_glow = (0.62 + 0.3 * unit[0], 0.1 + 0.3 * unit[1], 0.26 + 0.1 * unit[2], 0.72)
    second_glow = (0.25 + 0.45 * unit[3], 0.0 + 0.2 * unit[4], 0.14 + 0.08 * unit[5], 0.45)
    return Design(
        palette=PALETTES[digest[0] % len(PALETTES)],
        motif=MOTIFS[digest[1] % len(MOTIFS)],
        glows=(main_glow, second_glow),
    )


def palette_for(seed: str) -> Palette:
    return design_for(seed).palette


def render_fallback(seed: str, *, width: int = 1200, height: int = 630) -> Image.Image:
    """A new RGB image; callers may draw on it."""
    design = design_for(seed)
    small = _lit_background(design, -(-width // _LIGHTING_SCALE), -(-height // _LIGHTING_SCALE))
    scaled_box = (0, 0, width / _LIGHTING_SCALE, height / _LIGHTING_SCALE)
    image = small.resize((width, height), Image.Resampling.NEAREST, box=scaled_box)
    _draw_motif(image, design)
    return image


def fallback_jpeg(seed: str, width: int = 1200, height: int = 630) -> bytes:
    output = io.BytesIO()
    render_fallback(seed, width=width, height=height).save(output, "JPEG", quality=85)
    return output.getvalue()


def _lit_background(design: Design, width: int, height: int) -> Image.Image:
    # Blending whole colours through 8-bit masks keeps every step under one level per channel;
    # mapping one 8-bit field through a colour ramp instead showed bands.
    palette, size = design.palette, (width, height)
    image = Image.composite(
        Image.new("RGB", size, palette.base), Image.new("RGB", size, palette.shadow), _wash(size)
    )
    for glow, color in zip(design.glows, (palette.glow, palette.second_glow), strict=True):
        image.paste(Image.new("RGB", size, color), (0, 0), _glow(glow, width, height))
    image.paste(Image.new("RGB", size, palette.shadow), (0, 0), _scrim(size))
    return image


@functools.lru_cache(maxsize=4)
def _scrim(size: tuple[int, int]) -> Image.Image:
    """Shadow laid back over the light where text goes: a band along the top and the lower
    half, so that white text reads on any palette without darkening the finished image."""
    width, height = size

    def down(t: float) -> float:
        under_title = 150 * max(0.0, 1 - t / 0.4) ** 2
        under_name = 215 * math.pow(max(0.0, (t - 0.3) / 0.7), 1.3)
        return max(under_title, under_name)

    return ImageChops.lighter(
        _stretch_column(_profile(height, down), width),
        _stretch_row(_profile(width, lambda t: 70 * max(0.0, 1 - t / 0.7)), height),
    )


@functools.lru_cache(maxsize=4)
def _wash(size: tuple[int, int]) -> Image.Image:
    """Opacity of the base colour over the shadow: 0 at the lower left, 1 at the upper right."""
    width, height = size
    return ImageChops.add(
        _stretch_row(_profile(width, lambda t: 150 * t), height),
        _stretch_column(_profile(height, lambda t: 105 * (1 - t)), width),
    )


def _glow(glow: tuple[float, float, float, float], width: int, height: int) -> Image.Image:
    centre_x, centre_y, radius, strength = glow
    sigma_x, sigma_y = radius, radius * width / height  # round in pixels, not in fractions

    def across(t: float) -> float:
        return 255 * math.exp(-(((t - centre_x) / sigma_x) ** 2) / 2)

    def down(t: float) -> float:
        return 255 * strength * math.exp(-(((t - centre_y) / sigma_y) ** 2) / 2)

    return ImageChops.multiply(
        _stretch_row(_profile(width, across), height),
        _stretch_column(_profile(height, down), width),
    )


def _profile(length: int, value_at: Callable[[float], float]) -> bytes:
    return bytes(min(255, round(value_at(i / max(1, length - 1)))) for i in range(length))


def _stretch_row(profile: bytes, height: int) -> Image.Image:
    row = Image.frombytes("L", (len(profile), 1), profile)
    return row.resize((len(profile), height), Image.Resampling.NEAREST)


def _stretch_column(profile: bytes, width: int) -> Image.Image:
    column = Image.frombytes("L", (1, len(profile)), profile)
    return column.resize((width, len(profile)), Image.Resampling.NEAREST)


def _draw_motif(image: Image.Image, design: Design) -> None:
    position, mask = _motif_mask(design.motif, image.width, image.height)
    tint = Image.new("RGB", mask.size, design.palette.accent)
    image.paste(tint, position, mask)


@functools.lru_cache(maxsize=16)
def _motif_mask(motif: str, width: int, height: int) -> tuple[tuple[int, int], Image.Image]:
    """Where the motif goes and its opacity, drawn at twice the size and halved for smooth edges.

    Only the motif's bounding box is kept so that pasting it skips the empty part of the frame.
    """
    mask = Image.new("L", (width * 2, height * 2), 0)
    draw_motif = {"plate": _draw_plate, "ripples": _draw_ripples, "dots": _draw_dots}[motif]
    draw_motif(ImageDraw.Draw(mask), width * 2, height * 2)
    mask = mask.reduce(2)
    box = mask.getbbox() or (0, 0, 1, 1)
    return box[:2], mask.crop(box)


def _draw_plate(pen: ImageDraw.ImageDraw, width: int, height: int) -> None:
    centre_x, centre_y, radius = width * 0.7, height * 0.46, height * 0.31
    stroke = max(2, round(height / 200))
    for ring, opacity in ((1.0, 46), (0.78, 30), (0.74, 18)):
        r = radius * ring
        pen.ellipse(
            (centre_x - r, centre_y - r, centre_x + r, centre_y + r), outline=opacity, width=stroke
        )
    gap = radius * 0.32
    _draw_fork(pen, centre_x - radius - gap, centre_y, radius, stroke)
    _draw_knife(pen, centre_x + radius + gap, centre_y, radius, stroke)


_CUTLERY_OPACITY = 30  # filled shapes read stronger than the plate's hairlines


def _draw_fork(
    pen: ImageDraw.ImageDraw, x: float, centre_y: float, size: float, stroke: int
) -> None:
    top, neck, bottom = centre_y - size * 0.85, centre_y - size * 0.35, centre_y + size * 0.85
    half = size * 0.11
    for tine in range(4):
        tine_x = x - half + tine * (2 * half / 3)
        pen.line((tine_x, top, tine_x, neck), fill=_CUTLERY_OPACITY, width=stroke)
    pen.arc(
        (x - half, neck - half, x + half, neck + half), 0, 180, fill=_CUTLERY_OPACITY, width=stroke
    )
    pen.rounded_rectangle(
        (x - stroke * 1.5, neck + half, x + stroke * 1.5, bottom),
        radius=stroke * 1.5,
        fill=_CUTLERY_OPACITY,
    )


def _draw_knife(
    pen: ImageDraw.ImageDraw, x: float, centre_y: float, size: float, stroke: int
) -> None:
    top, bottom = centre_y - size * 0.85, centre_y + size * 0.85
    blade_width, blade_end = size * 0.12, centre_y + size * 0.05
    pen.chord(
        (x - blade_width, top, x + blade_width, top + size * 0.5), 180, 360, fill=_CUTLERY_OPACITY
    )
    pen.rectangle((x - blade_width, top + size * 0.25, x, blade_end), fill=_CUTLERY_OPACITY)
    pen.rounded_rectangle(
        (x - stroke * 2, blade_end, x + stroke * 1.5, bottom),
        radius=stroke * 1.5,
        fill=_CUTLERY_OPACITY,
    )


def _draw_ripples(pen: ImageDraw.ImageDraw, width: int, height: int) -> None:
    # Rings spreading from beyond the top right corner, fading as they widen.
    centre_x, centre_y = width * 1.02, -height * 0.08
    stroke = max(2, round(height / 300))
    for ring in range(14):
        radius = height * (0.18 + ring * 0.085)
        opacity = max(8, 48 - ring * 3)
        pen.ellipse(
            (centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius),
            outline=opacity,
            width=stroke,
        )


def _draw_dots(pen: ImageDraw.ImageDraw, width: int, height: int) -> None:
    # A dot grid over the right half that fades out towards the text on the left.
    spacing = height / 18
    radius = spacing * 0.09
    columns, rows = int(width / spacing), int(height / spacing)
    for column in range(columns):
        x = (column + 0.5) * spacing
        fade = (x / width - 0.45) / 0.55
        if fade <= 0:
            continue
        for row in range(rows + 1):
            y = (row + 0.5) * spacing
            pen.ellipse(
                (x - radius, y - radius, x + radius, y + radius), fill=round(10 + 44 * fade)
            )
