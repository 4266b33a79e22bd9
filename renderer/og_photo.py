"""A restaurant photo made ready to be the background of Open Graph cards, once per photo.

Scaling, cropping and darkening a photo is the same work for every invite at a restaurant and
the slowest part of a card, so it is done once when the photo is stored (enrichment) and kept
as a 1200×630 JPEG; each card then only decodes it, draws text and encodes
(see `render_og_image(..., background=...)`). Since this runs once, it can afford a good filter.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable

from PIL import Image, ImageChops

from renderer.fallback_image import Color
from renderer.og_layout import HEIGHT, WIDTH

# Change whenever the baked-in crop, filter or shading changes: stored backgrounds made with
# another design must be prepared again.
OG_PHOTO_DESIGN = "og-photo-1"
MAX_PHOTO_PIXELS = 24_000_000  # our photos are a few megapixels; refuse before decoding
# High enough that the second encoding of the finished card adds no visible loss; baseline and
# 4:2:0 because that decodes fastest, which is what every card pays for.
PREPARED_QUALITY = 90
RESAMPLE = Image.Resampling.LANCZOS
SHADE: Color = (12, 7, 4)


def prepare_og_photo(photo: bytes) -> bytes:
    """The OG background for a photo JPEG: cover-cropped to 1200×630 and shaded, as a JPEG.

    Deterministic. Raises `PIL.UnidentifiedImageError` for anything but a JPEG and
    `ValueError` for one with more than MAX_PHOTO_PIXELS pixels.
    """
    output = io.BytesIO()
    shaded_photo(photo).save(
        output,
        "JPEG",
        quality=PREPARED_QUALITY,
        subsampling="4:2:0",
        progressive=False,
        optimize=True,
    )
    return output.getvalue()


def shaded_photo(photo: bytes) -> Image.Image:
    """The background `prepare_og_photo` encodes, as a new RGB image."""
    background = _covering(photo)
    background.paste(SHADE, (0, 0), shading())
    return background


def _covering(photo: bytes) -> Image.Image:
    with Image.open(io.BytesIO(photo), formats=["JPEG"]) as source:
        if source.width * source.height > MAX_PHOTO_PIXELS:
            raise ValueError(f"photo of {source.width}×{source.height} is too large")
        box = _cover_box(source.size)
        scale = min((box[2] - box[0]) / WIDTH, (box[3] - box[1]) / HEIGHT)
        # The decoder scales by 1/2, 1/4 or 1/8 while decoding, never below the size asked for.
        source.draft("RGB", (math.ceil(source.width / scale), math.ceil(source.height / scale)))
        rgb = source if source.mode == "RGB" else source.convert("RGB")
        return rgb.resize((WIDTH, HEIGHT), RESAMPLE, box=_cover_box(rgb.size))


def _cover_box(size: tuple[int, int]) -> tuple[float, float, float, float]:
    """The centred part of an image of `size` with the card's aspect ratio."""
    width, height = size
    if width * HEIGHT > height * WIDTH:
        crop_width = height * WIDTH / HEIGHT
        return ((width - crop_width) / 2, 0, (width + crop_width) / 2, height)
    crop_height = width * HEIGHT / WIDTH
    return (0, (height - crop_height) / 2, width, (height + crop_height) / 2)


@functools.lru_cache(maxsize=1)
def shading() -> Image.Image:
    """How much to darken each pixel, as an 'L' mask (do not draw on it): most under the
    bottom text, some under the top block and towards the left edge; the middle right, where
    photos show best, stays clear."""

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
