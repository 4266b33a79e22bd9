from __future__ import annotations

import hashlib
import io
import random

import pytest
from PIL import Image, ImageDraw, ImageStat, UnidentifiedImageError

from renderer.og_layout import HEIGHT, WIDTH
from renderer.og_photo import (
    OG_PHOTO_DESIGN,
    PREPARED_QUALITY,
    RESAMPLE,
    prepare_og_photo,
    shading,
)

GREY = (180, 180, 180)


def _jpeg(image: Image.Image, *, quality: int = 90) -> bytes:
    output = io.BytesIO()
    image.save(output, "JPEG", quality=quality)
    return output.getvalue()


def _photo(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (120, 80, 50))
    pen, rng = ImageDraw.Draw(image), random.Random(3)
    for _ in range(40):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(20, 200)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        pen.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    return _jpeg(image)


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _luminance(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    return float(ImageStat.Stat(image.convert("L").crop(box)).mean[0])


@pytest.mark.parametrize("size", [(1440, 1080), (1440, 2000), (480, 320), (3000, 900)])
def test_prepared_background_is_a_plain_1200x630_baseline_jpeg(size: tuple[int, int]) -> None:
    image = _decoded(prepare_og_photo(_photo(*size)))

    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (WIDTH, HEIGHT))
    assert not image.info.get("progressive")
    assert not image.info.get("progression")
    assert "exif" not in image.info


def test_preparing_is_deterministic() -> None:
    photo = _photo(1440, 1080)

    assert prepare_og_photo(photo) == prepare_og_photo(photo)


@pytest.mark.parametrize(
    ("size", "probe"),
    [((3000, 630), (600, 315)), ((630, 3000), (600, 315))],
    ids=["wide", "tall"],
)
def test_the_photo_is_cover_cropped_to_its_centre(
    size: tuple[int, int], probe: tuple[int, int]
) -> None:
    # Three bands, red | green | blue, across the long side: only the green one is kept.
    photo = Image.new("RGB", size, (220, 30, 30))
    third = max(size) // 3
    green = (third, 0, 2 * third, size[1]) if size[0] > size[1] else (0, third, size[0], 2 * third)
    photo.paste((30, 220, 30), green)
    photo.paste((30, 30, 220), (green[2], 0, *size) if size[0] > size[1] else (0, green[3], *size))

    image = _decoded(prepare_og_photo(_jpeg(photo)))

    red, green_level, blue = image.getpixel(probe)  # type: ignore[misc]
    assert green_level > max(red, blue)


def test_the_shading_is_baked_in_where_text_goes() -> None:
    image = _decoded(prepare_og_photo(_jpeg(Image.new("RGB", (1440, 1080), GREY))))

    under_name = _luminance(image, (0, 520, 400, 630))
    middle_right = _luminance(image, (850, 250, 1150, 330))
    assert under_name < 0.35 * GREY[0]
    assert middle_right > 0.85 * GREY[0]


def test_only_jpeg_photos_are_accepted() -> None:
    png = io.BytesIO()
    Image.new("RGB", (1440, 1080)).save(png, "PNG")

    with pytest.raises(UnidentifiedImageError):
        prepare_og_photo(png.getvalue())


def test_a_photo_too_large_to_decode_is_refused_from_its_header() -> None:
    small = _jpeg(Image.new("RGB", (16, 16)), quality=80)
    start_of_frame = small.index(b"\xff\xc0")
    claimed = (4000).to_bytes(2, "big") + (7000).to_bytes(2, "big")  # 28 MP
    huge = small[: start_of_frame + 5] + claimed + small[start_of_frame + 9 :]

    with pytest.raises(ValueError, match="too large"):
        prepare_og_photo(huge)


# Stored backgrounds are kept per OG_PHOTO_DESIGN: whoever changes what is baked in must give
# it a new name, or cards keep the old look. Add the new row here when you do.
DESIGNS = {
    "og-photo-1": (
        "9ca8e6307905e247295e2d456923e85e9698c9cc63e5277215b4ddc196de3179",
        "LANCZOS",
        90,
    ),
}


def test_what_is_baked_in_is_named_by_the_design_version() -> None:
    baked = (hashlib.sha256(shading().tobytes()).hexdigest(), RESAMPLE.name, PREPARED_QUALITY)

    assert DESIGNS.get(OG_PHOTO_DESIGN) == baked, "changed the baked-in look? bump OG_PHOTO_DESIGN"
