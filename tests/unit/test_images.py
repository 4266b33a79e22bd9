from __future__ import annotations

import io
import struct
import warnings
import zlib
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile

from devkit.fake_places.images import bomb_png
from workers.providers.images import SafePhoto, encode_variants, safe_photo

RED, BLUE = (220, 20, 20), (20, 20, 220)
GPS_MARK = "SECRET-GPS-LOCATION"


def picture(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: orientation shows in where the colours end up."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    return image.convert(mode)


def encoded(image: Image.Image, form: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, form, **params)
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares width × height but carries only one row of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = zlib.compress(b"\x00" + bytes(3 * width))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every pixel decode Pillow starts (its ImageFile.load), to prove none happened."""
    calls: list[str] = []
    original = ImageFile.ImageFile.load

    def spy(image: ImageFile.ImageFile) -> Any:
        calls.append(image.format or "?")
        return original(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return calls


@pytest.mark.parametrize("form", ["JPEG", "PNG", "WEBP"])
def test_real_jpeg_png_and_webp_photos_are_accepted(form: str) -> None:
    photo = safe_photo(encoded(picture(800, 600), form))

    assert photo is not None
    assert (photo.width, photo.height, photo.image.mode) == (800, 600, "RGB")


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: turn 90° clockwise to show
    photo = safe_photo(encoded(picture(800, 600), "JPEG", exif=exif))

    assert photo is not None
    assert (photo.width, photo.height) == (600, 800)
    top, bottom = photo.image.getpixel((300, 100)), photo.image.getpixel((300, 700))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 150 > top[2]  # the stored left half (red) is now on top
    assert bottom[2] > 150 > bottom[0]


def test_variants_carry_no_exif_gps_icc_or_xmp() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = GPS_MARK
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (12.0, 58.0, 17.0), 27: GPS_MARK})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{GPS_MARK}</x:xmpmeta>'.encode()
    original = encoded(picture(1000, 750), "JPEG", exif=exif, icc_profile=icc, xmp=xmp)
    assert GPS_MARK.encode() in original and b"ICC_PROFILE" in original

    photo = safe_photo(original)
    assert photo is not None
    for body, _, _ in encode_variants(photo).values():
        assert GPS_MARK.encode() not in body
        for marker in (b"Exif", b"ICC_PROFILE", b"http://ns.adobe.com/xap"):
            assert marker not in body
        with Image.open(io.BytesIO(body)) as variant:
            assert not variant.getexif()
            assert "icc_profile" not in variant.info and "xmp" not in variant.info


def test_variants_are_baseline_jpegs() -> None:
    photo = safe_photo(encoded(picture(1000, 750), "JPEG", progressive=True))
    assert photo is not None

    for body, _, _ in encode_variants(photo).values():
        with Image.open(io.BytesIO(body)) as variant:
            assert variant.format == "JPEG"
            assert "progressive" not in variant.info and "progression" not in variant.info


def test_a_png_bomb_is_refused_from_its_header_without_decoding(decodes: list[str]) -> None:
    bomb = bomb_png()  # 20000 × 20000 in about 50 KB
    assert len(bomb) < 100_000

    assert safe_photo(bomb) is None
    assert decodes == []
    # The spy does see decodes: an ordinary PNG goes through it.
    assert safe_photo(encoded(picture(800, 600), "PNG")) is not None
    assert set(decodes) == {"PNG"}


def test_a_photo_over_the_pixel_cap_is_refused_without_decoding(decodes: list[str]) -> None:
    assert safe_photo(png_header(7000, 7000)) is None
    assert safe_photo(encoded(picture(2000, 1500), "JPEG"), max_pixels=1_000_000) is None
    assert decodes == []


def test_pillows_bomb_warning_becomes_a_refusal_not_a_warning() -> None:
    # 7000 × 7000 is over our cap but under Pillow's error limit, so Pillow only warns.
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert safe_photo(png_header(7000, 7000)) is None

    assert [w for w in seen if issubclass(w.category, Image.DecompressionBombWarning)] == []


@pytest.mark.parametrize(
    "data",
    [
        b"<!doctype html><html><body>Not a photo</body></html>",
        b"",
        b"\xff\xd8\xff\xe0 a JPEG header and then nothing",
        encoded(picture(800, 600), "GIF"),
        encoded(picture(800, 600), "BMP"),
    ],
    ids=["html", "empty", "truncated-jpeg", "gif", "bmp"],
)
def test_anything_but_a_real_jpeg_png_or_webp_is_refused(data: bytes) -> None:
    assert safe_photo(data) is None


def test_a_truncated_photo_is_refused() -> None:
    whole = encoded(picture(800, 600), "PNG")

    assert safe_photo(whole[: len(whole) // 2]) is None


def test_a_photo_narrower_than_the_minimum_is_refused() -> None:
    assert safe_photo(encoded(picture(400, 300), "JPEG")) is None
    assert safe_photo(encoded(picture(400, 300), "JPEG"), min_width=320) is not None


def test_the_minimum_width_is_checked_after_orientation() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 8  # 600 × 400 stored, 400 × 600 shown
    assert safe_photo(encoded(picture(600, 400), "JPEG", exif=exif)) is None


def test_the_byte_cap_is_enforced() -> None:
    data = encoded(picture(800, 600), "JPEG")

    assert safe_photo(data, max_bytes=len(data) - 1) is None
    assert safe_photo(data, max_bytes=len(data)) is not None


def test_transparency_is_flattened_on_white() -> None:
    clear = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    photo = safe_photo(encoded(clear, "PNG"))

    assert photo is not None
    assert photo.image.mode == "RGB"
    assert photo.image.getpixel((10, 10)) == (255, 255, 255)


def test_big_jpegs_are_decoded_at_a_reduced_scale_but_not_below_the_widest_variant() -> None:
    photo = safe_photo(encoded(picture(4000, 3000), "JPEG"))

    assert photo is not None
    assert (photo.width, photo.height) == (2000, 1500)  # DCT scaling by 1/2


def test_variants_exist_only_for_widths_up_to_the_photos_own() -> None:
    photo = safe_photo(encoded(picture(1000, 750), "PNG"))
    assert photo is not None

    variants = encode_variants(photo)

    assert sorted(variants) == [480, 960]
    assert [(w, h) for _, w, h in variants.values()] == [(480, 360), (960, 720)]
    for width, (body, w, h) in variants.items():
        with Image.open(io.BytesIO(body)) as variant:
            assert variant.size == (w, h) and w == width


def test_a_variant_at_the_photos_own_width_is_kept() -> None:
    photo = SafePhoto(picture(960, 640), 960, 640)

    assert sorted(encode_variants(photo, (480, 960, 1440))) == [480, 960]


def test_the_same_input_gives_the_same_bytes() -> None:
    data = encoded(picture(1600, 1200), "WEBP")
    first, second = safe_photo(data), safe_photo(data)
    assert first is not None and second is not None

    assert encode_variants(first) == encode_variants(second)
