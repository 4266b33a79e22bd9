"""Benchmark of the Open Graph renderer against Satori + resvg on the same card.

    .venv/bin/python bench/og_image.py [--n 200] [--satori-n N] [--save-dir DIR] [--no-satori]

Times render_og_image (JPEG out) for a card over a background prepared once with
prepare_og_photo (the production path, and the target: median ≤ 10 ms), the same with text never
seen before on every render (nothing from the layout and glyph caches), over a raw 1600×1200
photo (the old path, which prepares the photo on every call), over the designed fallback and
with a Hindi restaurant name; and the photo, fallback and Hindi cards drawn by Satori (SVG) and
resvg (PNG out) from bench/satori, which is installed with `npm ci` the first time.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import PIL
from PIL import Image, ImageChops, ImageDraw, ImageFilter, features

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from renderer.fallback_image import render_fallback  # noqa: E402
from renderer.fonts import load_fonts  # noqa: E402
from renderer.og_image import OgCard, render_og_image  # noqa: E402
from renderer.og_photo import prepare_og_photo  # noqa: E402

SATORI_DIRECTORY = ROOT / "bench" / "satori"
TARGET_MS = 10.0
TARGET_CASE = "prepared"
# Our rows that Satori draws too; its photo card takes the raw photo on every render.
SATORI_CASE = {"prepared": "photo", "photo": "photo"}

LATIN = OgCard(
    title="Priya's birthday dinner",
    host_name="Priya",
    restaurant_name="The Bombay Canteen",
    locality="Jubilee Hills, Hyderabad",
    when="Sat 12 Dec · 8:00 PM",
    party="Table for 6",
    seed="restaurant-42:invite-7",
)
HINDI = OgCard(
    title="प्रिया का जन्मदिन",
    host_name="प्रिया",
    restaurant_name="सागर रत्न",
    locality="कनॉट प्लेस, नई दिल्ली",
    when="Sat 12 Dec · 8:00 PM",
    party="Table for 6",
    seed="restaurant-9:invite-3",
)


def dinner_photo(width: int = 1600, height: int = 1200) -> bytes:
    """A stand-in for a restaurant photo, with as much detail: wood grain, plates, bokeh."""
    rng = random.Random(7)
    image = Image.new("RGB", (width, height), (58, 36, 24))
    pen = ImageDraw.Draw(image)
    for y in range(0, height, 6):
        shade = 60 + rng.randint(-12, 12)
        pen.line(
            (0, y, width, y + rng.randint(-20, 20)), fill=(shade + 30, shade, shade - 25), width=5
        )
    for _ in range(5):
        x, y, r = (
            rng.randint(100, width - 100),
            rng.randint(300, height - 100),
            rng.randint(120, 260),
        )
        pen.ellipse((x - r, y - r, x + r, y + r), fill=(235, 230, 220))
        pen.ellipse((x - r * 0.7, y - r * 0.7, x + r * 0.7, y + r * 0.7), fill=(200, 120, 40))
        for _ in range(30):
            a, b = x + rng.randint(-r // 2, r // 2), y + rng.randint(-r // 2, r // 2)
            pen.ellipse(
                (a - 8, b - 8, a + 8, b + 8), fill=(rng.randint(150, 230), rng.randint(60, 160), 20)
            )
    lights = Image.new("RGB", (width, height))
    glow = ImageDraw.Draw(lights)
    for _ in range(25):
        x, y, r = rng.randint(0, width), rng.randint(0, height // 3), rng.randint(20, 70)
        glow.ellipse((x - r, y - r, x + r, y + r), fill=(255, 190, 110))
    image = ImageChops.screen(
        image.filter(ImageFilter.GaussianBlur(1.2)), lights.filter(ImageFilter.GaussianBlur(12))
    )
    output = io.BytesIO()
    image.save(output, "JPEG", quality=88)
    return output.getvalue()


def unseen_cards() -> Callable[[], OgCard]:
    """A new card on each call, every line but the date and party never seen before: the
    layout and glyph caches can only help with those two and the brand."""
    counter = itertools.count()

    def next_card() -> OgCard:
        index = next(counter)
        return OgCard(
            title=f"Ananya's birthday dinner #{index}",
            host_name=f"Ananya {index}",
            restaurant_name=f"Masala Library {index}",
            locality=f"Bandra Kurla Complex {index}, Mumbai",
            when=LATIN.when,
            party=LATIN.party,
            seed=f"restaurant-{index}",
        )

    return next_card


def decode_and_encode(background: bytes) -> bytes:
    """What any card over a prepared background costs at least: decoding and encoding it."""
    with Image.open(io.BytesIO(background)) as image:
        image.load()
        output = io.BytesIO()
        image.save(output, "JPEG", quality=84, subsampling="4:2:0", optimize=False)
    return output.getvalue()


def timed(
    cases: dict[str, Callable[[], object]], n: int, warm_up: int = 5
) -> dict[str, tuple[float, float]]:
    """Median and p95 in ms of each case; the cases take turns so that a noisy neighbour on
    the machine slows them all alike rather than one of them."""
    for render in cases.values():
        for _ in range(warm_up):
            render()  # sized fonts, cached constant layers and lines, the allocator
    durations: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(n):
        for name, render in cases.items():
            start = time.perf_counter_ns()
            render()
            durations[name].append((time.perf_counter_ns() - start) / 1e6)
    return {name: _median_and_p95(values) for name, values in durations.items()}


def _median_and_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[
        min(len(ordered) - 1, -(-len(ordered) * 95 // 100) - 1)
    ]


def run_satori(n: int, photo_path: Path, save_dir: Path | None) -> dict[str, dict[str, float]]:
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        raise SystemExit("node and npm are needed for the Satori comparison (or pass --no-satori)")
    if not (SATORI_DIRECTORY / "node_modules").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=SATORI_DIRECTORY, check=True)
    command = [node, "og.mjs", "--n", str(n), "--photo", str(photo_path)]
    if save_dir:
        command += ["--save-dir", str(save_dir)]
    finished = subprocess.run(
        command, cwd=SATORI_DIRECTORY, check=True, capture_output=True, text=True
    )
    result: dict[str, dict[str, float]] = json.loads(finished.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200, help="renders per case (default 200)")
    parser.add_argument("--satori-n", type=int, help="renders per Satori case (default: --n)")
    parser.add_argument("--save-dir", type=Path, help="write one output of each case here")
    parser.add_argument("--no-satori", action="store_true", help="skip the Node comparison")
    arguments = parser.parse_args()
    n, save_dir = arguments.n, arguments.save_dir
    if save_dir:
        save_dir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()

    fonts = load_fonts()
    photo = dinner_photo()
    prepare = timed({"prepare": lambda: prepare_og_photo(photo)}, max(10, n // 10), warm_up=1)
    prepared = prepare_og_photo(photo)
    unseen = unseen_cards()
    cases: dict[str, Callable[[], bytes]] = {
        "prepared": lambda: render_og_image(LATIN, fonts=fonts, background=prepared),
        "unseen": lambda: render_og_image(unseen(), fonts=fonts, background=prepared),
        "photo": lambda: render_og_image(LATIN, fonts=fonts, photo=photo),
        "fallback": lambda: render_og_image(LATIN, fonts=fonts),
        "hindi": lambda: render_og_image(HINDI, fonts=fonts),
    }
    extras: dict[str, Callable[[], object]] = {
        "background": lambda: render_fallback(LATIN.seed),
        "floor": lambda: decode_and_encode(prepared),
    }
    times = timed({**cases, **extras}, n)
    ours = {name: (*times[name], len(render())) for name, render in cases.items()}
    load_after = os.getloadavg()
    if save_dir:
        (save_dir / "prepared-background.jpg").write_bytes(prepared)
        for name, render in cases.items():
            (save_dir / f"pillow-{name}.jpg").write_bytes(render())

    satori: dict[str, dict[str, float]] = {}
    if not arguments.no_satori:
        with tempfile.TemporaryDirectory() as scratch:
            photo_path = Path(scratch) / "photo.jpg"
            photo_path.write_bytes(photo)
            satori = run_satori(arguments.satori_n or n, photo_path, save_dir)

    print(
        f"{n} renders per case after warm-up · {os.cpu_count()} CPUs · "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after · "
        f"Python {platform.python_version()} · Pillow {PIL.__version__} "
        f"(raqm {features.version('raqm')}, libjpeg-turbo "
        f"{'yes' if features.check_feature('libjpeg_turbo') else 'NO'}) · "
        f"photo 1600×1200 JPEG {len(photo) // 1000} KB, "
        f"prepared background {len(prepared) // 1000} KB"
    )
    print_table(ours, satori)
    median, p95, _ = ours[TARGET_CASE]
    verdict = "meets" if median <= TARGET_MS else "MISSES"
    print(
        f"\nTARGET ({TARGET_CASE}: a photo card over a prepared background): "
        f"median {median:.1f} ms, p95 {p95:.1f} ms — {verdict} the target of median ≤ "
        f"{TARGET_MS:.0f} ms"
    )
    print(
        f"prepare_og_photo, once per restaurant photo (1600×1200): "
        f"median {prepare['prepare'][0]:.1f} ms, p95 {prepare['prepare'][1]:.1f} ms"
    )
    background_only, floor = times["background"], times["floor"]
    print(
        f"render_fallback alone (background, no text, no JPEG): "
        f"median {background_only[0]:.1f} ms, p95 {background_only[1]:.1f} ms"
    )
    print(
        f"floor for the prepared card (decode the background, encode; no text): "
        f"median {floor[0]:.1f} ms, p95 {floor[1]:.1f} ms"
    )


def print_table(
    ours: dict[str, tuple[float, float, int]], satori: dict[str, dict[str, float]]
) -> None:
    header = (
        f"{'case':<9} {'Pillow med':>10} {'p95':>7} {'JPEG KB':>8}  "
        f"{'Satori med':>10} {'p95':>7} {'PNG KB':>7}  {'Satori/Pillow':>13}"
    )
    print(header)
    print("-" * len(header))
    for name, (median, p95, size) in ours.items():
        row = f"{name:<9} {median:>10.1f} {p95:>7.1f} {size / 1000:>8.0f}  "
        theirs = satori.get(SATORI_CASE.get(name, name))
        if theirs:
            row += (
                f"{theirs['median_ms']:>10.1f} {theirs['p95_ms']:>7.1f} "
                f"{theirs['bytes'] / 1000:>7.0f}  {theirs['median_ms'] / median:>12.1f}×"
            )
        print((row + ("  ← target" if name == TARGET_CASE else "")).rstrip())
    print(
        "(times in ms; Pillow writes JPEG, Satori + resvg write PNG; prepared: over a background "
        "from prepare_og_photo; unseen: the same with new text on every render; photo: raw "
        "photo prepared on every render; Satori draws its photo card from the raw photo)"
    )


if __name__ == "__main__":
    main()
