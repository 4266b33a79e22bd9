"""Photos from providers are untrusted bytes: check them, decode them safely, re-encode them.

We accept only JPEG, PNG and WebP recognised by content, read the pixel size from the header and
refuse anything too large *before* decoding (a 100-megapixel PNG can be 12 KB), and never store
the provider's bytes: every variant is our own baseline JPEG without EXIF, ICC or XMP, so GPS
tags and other metadata never reach the CDN.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 8_000_000
MAX_PIXELS = 40_000_000
MIN_WIDTH = 480
VARIANT_WIDTHS = (480, 960, 1440)
JPEG_QUALITY = 82
# Big JPEGs are decoded at a reduced scale (DCT scaling) but never below this width, so the
# widest variant still comes from real pixels.
DECODE_WIDTH = max(VARIANT_WIDTHS)
_WHITE = (255, 255, 255, 255)
_SWAPPING_ORIENTATIONS = frozenset({5, 6, 7, 8})  # EXIF orientations that turn the image 90°
_ORIENTATION_TAG = 0x0112
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

# Pillow's own bomb check runs inside Image.open, before we see the size: lower its limit to our
# cap so that anything it warns about is something we refuse anyway. Only ever lowered, so a
# stricter limit set elsewhere in the process stays.
if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True, slots=True)
class SafePhoto:
    """A decoded RGB photo, upright, at least `min_width` wide (possibly reduced from the
    original by JPEG draft decoding, never below the widest variant)."""

    image: Image.Image
    width: int
    height: int


def safe_photo(
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    min_width: int = MIN_WIDTH,
) -> SafePhoto | None:
    """The photo in `data`, or None if it is not a usable, safe JPEG/PNG/WebP."""
    if len(data) > max_bytes:
        return None
    try:
        with _bombs_as_errors(), Image.open(io.BytesIO(data), formats=FORMATS) as image:
            return _decode(image, max_pixels=max_pixels, min_width=min_width)
    # Hostile or broken input makes Pillow raise almost anything (OSError, ValueError,
    # SyntaxError, EOFError, struct.error, DecompressionBomb*...): all of it means "unusable".
    except Exception:
        return None


def encode_variants(
    photo: SafePhoto, widths: tuple[int, ...] = VARIANT_WIDTHS
) -> dict[int, tuple[bytes, int, int]]:
    """Width → (baseline JPEG bytes, width, height), for each width the photo is wide enough for."""
    return {
        width: _encode(_resized(photo, width))
        for width in sorted(set(widths))
        if 0 < width <= photo.width
    }


@contextlib.contextmanager
def _bombs_as_errors() -> Iterator[None]:
    # Scoped to the decode rather than set for the whole process. catch_warnings swaps the
    # global filter list, so two threads decoding at once may leave this one filter installed
    # after both finish; that is harmless: it is the behaviour we want everywhere.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _decode(image: Image.Image, *, max_pixels: int, min_width: int) -> SafePhoto | None:
    width, height = image.size  # from the header: nothing is decoded yet
    if width * height > max_pixels or _upright_width(image) < min_width:
        return None
    if image.format == "JPEG":
        image.draft("RGB", _draft_size(image))
    image.load()
    upright = _flattened(_in_srgb(ImageOps.exif_transpose(image)))
    if upright.width < min_width:
        return None
    return SafePhoto(upright, upright.width, upright.height)


def _upright_width(image: Image.Image) -> int:
    orientation = image.getexif().get(_ORIENTATION_TAG)
    return image.height if orientation in _SWAPPING_ORIENTATIONS else image.width


def _draft_size(image: Image.Image) -> tuple[int, int]:
    scale = min(1.0, DECODE_WIDTH / _upright_width(image))
    return math.ceil(image.width * scale), math.ceil(image.height * scale)


def _in_srgb(image: Image.Image) -> Image.Image:
    """Pixels converted from an embedded colour profile, since we drop the profile itself."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: the raw values are the best guess left
    return converted if converted is not None else image


def _flattened(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        background = Image.new("RGBA", image.size, _WHITE)
        background.alpha_composite(image.convert("RGBA"))
        return background.convert("RGB")
    return image.convert("RGB")


def _resized(photo: SafePhoto, width: int) -> Image.Image:
    if width == photo.width:
        return photo.image
    height = max(1, round(photo.height * width / photo.width))
    return photo.image.resize((width, height), Image.Resampling.LANCZOS)


def _encode(image: Image.Image) -> tuple[bytes, int, int]:
    buffer = io.BytesIO()
    # No exif/icc_profile/xmp arguments: Pillow writes only the metadata it is given.
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False)
    return buffer.getvalue(), image.width, image.height
