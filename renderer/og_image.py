"""The Open Graph image of an invite: a 1200×630 JPEG with the restaurant, the date and the host.

Pure: the card, the fonts and the background or photo bytes come in, JPEG bytes go out, the same
bytes for the same inputs. The fast path takes a background made once per restaurant photo by
`renderer.og_photo.prepare_og_photo`, already scaled and shaded: decoding it and encoding the
card take ~5 ms of a 10 ms budget. The rest stays small through caching: the layout of each
line and the rasterized ink of each run (og_layout.py, fonts.py), and every constant layer
(frame, labels, pill shapes, ribbon) as masks cropped to their ink.
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw

from renderer.fallback_image import Color, palette_for, render_fallback
from renderer.fonts import FontSet, Weight
from renderer.og_layout import (
    HEIGHT,
    MARGIN_TOP,
    MARGIN_X,
    PHOTO_ACCENT,
    WHITE,
    WIDTH,
    CardLayout,
    OgCard,
    layout_card,
)
from renderer.og_photo import shaded_photo

__all__ = ["HEIGHT", "MAX_BYTES", "WIDTH", "OgCard", "layout_card", "render_og_image"]

MAX_BYTES = 300_000
# Lower rungs only ever serve photos that compress like noise.
QUALITY_LADDER = (84, 76, 68, 58, 46, 34)

CANCELLED_ACCENT: Color = (196, 196, 196)
RIBBON_RED: Color = (214, 48, 49)


def render_og_image(
    card: OgCard,
    *,
    fonts: FontSet,
    photo: bytes | None = None,
    background: bytes | None = None,
) -> bytes:
    """The card as a baseline JPEG of at most MAX_BYTES.

    `background` is a JPEG from `prepare_og_photo` (the fast path); `photo` is a raw photo
    JPEG, prepared here on every call (slow). With both, `background` is used; with neither,
    or when a photo compresses like noise, the designed fallback of `card.seed` is.
    """
    image = _backdrop(photo, background)
    if image is not None:
        accent = CANCELLED_ACCENT if card.cancelled else PHOTO_ACCENT
        encoded = _encode_within_limit(_draw_card(card, fonts, image, accent))
        if encoded is not None:
            return encoded
    accent = CANCELLED_ACCENT if card.cancelled else palette_for(card.seed).accent
    image = render_fallback(card.seed, width=WIDTH, height=HEIGHT)
    encoded = _encode_within_limit(_draw_card(card, fonts, image, accent))
    assert encoded is not None, "the designed fallback always fits"
    return encoded


def _backdrop(photo: bytes | None, background: bytes | None) -> Image.Image | None:
    if background is not None:
        return _prepared(background)
    return shaded_photo(photo) if photo is not None else None


def _prepared(background: bytes) -> Image.Image:
    source = Image.open(io.BytesIO(background), formats=["JPEG"])
    if source.size != (WIDTH, HEIGHT):  # from the header, before decoding
        raise ValueError(f"background of {source.width}×{source.height} is not {WIDTH}×{HEIGHT}")
    source.load()
    return source if source.mode == "RGB" else source.convert("RGB")


def _draw_card(card: OgCard, fonts: FontSet, background: Image.Image, accent: Color) -> Image.Image:
    image = background.convert("L").convert("RGB") if card.cancelled else background
    _paste_frame(image, accent)
    _draw_layout(image, layout_card(card, fonts, accent=accent), fonts, accent)
    _paste_eyebrow(image, card, fonts, accent)
    if card.cancelled:
        ribbon, position = _ribbon(fonts)
        image.paste(ribbon, position, ribbon)
    return image


def _draw_layout(image: Image.Image, layout: CardLayout, fonts: FontSet, accent: Color) -> None:
    for pill in layout.pills:
        left, top, right, bottom = pill.box
        mask = _pill_mask(right - left, bottom - top, pill.opacity)
        image.paste(_solid(pill.color, mask.size), (left, top), mask)
    left, top, right, bottom = layout.rule
    image.paste(accent, (left, top, right + 1, bottom + 1))  # the box includes its far edges
    for text in layout.texts:
        fonts.draw(image, list(text.runs), text.style.size, text.origin, text.style.color)


def _paste_eyebrow(image: Image.Image, card: OgCard, fonts: FontSet, accent: Color) -> None:
    label, color = (
        ("THIS DINNER IS CANCELLED", RIBBON_RED) if card.cancelled else ("YOU'RE INVITED", accent)
    )
    mask = _tracked_label(fonts, label, 19, 4)
    image.paste(_solid(color, mask.size), (MARGIN_X, MARGIN_TOP), mask)


def _paste_frame(image: Image.Image, accent: Color) -> None:
    for position, piece in _frame_pieces():
        image.paste(_solid(accent, piece.size), position, piece)


def _encode_within_limit(image: Image.Image) -> bytes | None:
    for quality in QUALITY_LADDER:
        output = io.BytesIO()
        # Optimised Huffman tables would save ~10 % of bytes for ~2 ms, a fifth of the budget.
        image.save(
            output,
            "JPEG",
            quality=quality,
            subsampling="4:2:0",
            progressive=False,
            optimize=False,
        )
        if output.tell() <= MAX_BYTES:
            return output.getvalue()
    return None


# --- cached constant layers ----------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _solid(color: Color, size: tuple[int, int]) -> Image.Image:
    # Pasting an image through a mask is twice as fast as pasting a colour through it.
    return Image.new("RGB", size, color)


@functools.lru_cache(maxsize=1)
def _frame_pieces() -> tuple[tuple[tuple[int, int], Image.Image], ...]:
    """The hairline frame as eight masks cropped to their ink: four corners and four edges.

    Pasting costs by area, and the ink is a 2-px line: this pastes ~12k pixels, not ~150k.
    """
    inset, radius, supersample = 22, 18, 4
    frame = Image.new("L", (WIDTH * supersample, HEIGHT * supersample), 0)
    ImageDraw.Draw(frame).rounded_rectangle(
        (
            inset * supersample,
            inset * supersample,
            (WIDTH - inset) * supersample,
            (HEIGHT - inset) * supersample,
        ),
        radius=radius * supersample,
        outline=96,
        width=round(1.5 * supersample),
    )
    frame = frame.reduce(supersample)
    corner = inset + radius + 2
    pieces = []
    for box in _frame_boxes(corner):
        piece = frame.crop(box)
        ink = piece.getbbox()
        if ink is not None:
            pieces.append(((box[0] + ink[0], box[1] + ink[1]), piece.crop(ink)))
    return tuple(pieces)


def _frame_boxes(corner: int) -> tuple[tuple[int, int, int, int], ...]:
    right, bottom = WIDTH - corner, HEIGHT - corner
    return (
        (0, 0, corner, corner),
        (right, 0, WIDTH, corner),
        (0, bottom, corner, HEIGHT),
        (right, bottom, WIDTH, HEIGHT),
        (corner, 0, right, corner),
        (corner, bottom, right, HEIGHT),
        (0, corner, corner, bottom),
        (right, corner, WIDTH, bottom),
    )


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
