from __future__ import annotations

import io

import pytest
from PIL import Image, ImageStat

from renderer.fallback_image import (
    MOTIFS,
    PALETTES,
    design_for,
    fallback_jpeg,
    palette_for,
    render_fallback,
)


def test_fallback_is_an_rgb_image_of_the_card_size_by_default() -> None:
    image = render_fallback("restaurant-1:invite-1")

    assert (image.mode, image.size) == ("RGB", (1200, 630))


@pytest.mark.parametrize("size", [(1200, 630), (600, 315), (1201, 631), (64, 64)])
def test_fallback_takes_any_size(size: tuple[int, int]) -> None:
    assert render_fallback("seed", width=size[0], height=size[1]).size == size


def test_fallback_jpeg_is_a_jpeg_of_the_requested_size() -> None:
    with Image.open(io.BytesIO(fallback_jpeg("seed", 800, 420))) as image:
        assert (image.format, image.size) == ("JPEG", (800, 420))


def test_same_seed_gives_identical_bytes() -> None:
    assert fallback_jpeg("restaurant-7:invite-3") == fallback_jpeg("restaurant-7:invite-3")
    first, second = render_fallback("abc"), render_fallback("abc")
    assert first.tobytes() == second.tobytes()


def test_different_seeds_give_different_images() -> None:
    images = {fallback_jpeg(f"restaurant-{index}") for index in range(12)}

    assert len(images) == 12


def test_the_seed_picks_the_palette_deterministically() -> None:
    assert palette_for("restaurant-7") is palette_for("restaurant-7")
    assert palette_for("restaurant-7") in PALETTES


def test_seeds_spread_over_every_palette_and_motif() -> None:
    designs = [design_for(f"seed-{index}") for index in range(300)]

    assert {design.palette for design in designs} == set(PALETTES)
    assert {design.motif for design in designs} == set(MOTIFS)


@pytest.mark.parametrize("seed", ["a", "b", "c", "d", "e", "f"])
def test_fallback_is_designed_not_a_flat_box(seed: str) -> None:
    image = render_fallback(seed)
    spread = ImageStat.Stat(image.convert("L")).stddev[0]
    colours = image.getcolors(maxcolors=100_000)

    assert spread > 8
    assert colours is None or len(colours) > 500


@pytest.mark.parametrize("seed", ["a", "b", "c", "d", "e", "f"])
def test_lower_left_stays_darker_than_upper_right_for_text(seed: str) -> None:
    image = render_fallback(seed).convert("L")
    lower_left = ImageStat.Stat(image.crop((0, 420, 400, 630))).mean[0]
    upper_right = ImageStat.Stat(image.crop((800, 0, 1200, 210))).mean[0]

    assert lower_left < upper_right


def test_callers_may_draw_on_the_returned_image_without_changing_the_next_one() -> None:
    first = render_fallback("seed")
    first.paste((255, 0, 0), (0, 0, 1200, 630))

    assert render_fallback("seed").getpixel((600, 300)) != (255, 0, 0)
