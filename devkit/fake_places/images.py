"""Image bytes for the fake Places server: real JPEG photos, and a PNG decompression bomb."""

from __future__ import annotations

import functools
import hashlib
import io
import struct
import zlib

from PIL import Image, ImageDraw

PHOTO_SIZE = (1600, 1200)
BOMB_SIDE = 20_000
_SHAPES = 6


def photo_jpeg(ref: str, width: int = PHOTO_SIZE[0]) -> bytes:
    """A real JPEG, the same for the same ref: a gradient and shapes drawn from the ref's hash."""
    seed = hashlib.sha256(ref.encode()).digest()
    size = PHOTO_SIZE
    top, bottom = (Image.new("RGB", size, _colour(seed, at)) for at in (0, 3))
    image = Image.composite(bottom, top, Image.linear_gradient("L").resize(size))
    draw = ImageDraw.Draw(image)
    for i in range(_SHAPES):
        x, y, extent, shade = seed[6 + 4 * i : 10 + 4 * i]
        left, upper = x * size[0] // 256, y * size[1] // 256
        box = (left, upper, left + 80 + 2 * extent, upper + 80 + extent)
        shape = draw.ellipse if shade % 2 else draw.rectangle
        shape(box, fill=_colour(seed, (i + shade) % 29))
    if width < size[0]:
        image = image.resize((width, round(size[1] * width / size[0])), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@functools.cache
def bomb_png(side: int = BOMB_SIDE) -> bytes:
    """A valid 1-bit PNG of side × side black pixels: about 50 KB that decode to 400 megapixels
    (deflate cannot squeeze more than ~1000:1, so a complete image cannot be smaller)."""
    row = b"\x00" + bytes((side + 7) // 8)  # filter type "none", then the packed pixels
    squeeze = zlib.compressobj(9)
    block = 100  # rows per compress() call: fast, and memory stays small
    data = b"".join(squeeze.compress(row * block) for _ in range(side // block))
    data += squeeze.compress(row * (side % block)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"".join(
        (b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"IDAT", data), _chunk(b"IEND", b""))
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _colour(seed: bytes, at: int) -> tuple[int, int, int]:
    red, green, blue = seed[at : at + 3]
    return red, green, blue
