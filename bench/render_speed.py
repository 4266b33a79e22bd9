"""Rendering speed of an invite's objects (pure functions, one process, no I/O).

Measures the page HTML (Jinja2, autoescaped), rsvps.json and invite.ics for an enriched invite
with 20 answers, as renders per second and median/P95 microseconds. Baseline, measured in the
same run: encoding the same invite data as JSON with msgspec (the least any render must do).
The OG image has its own benchmark: bench/og_image.py.

Run: .venv/bin/python -m bench.render_speed [--runs 2000]
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from datetime import UTC, datetime

import msgspec

from bench.support import load_average, percentile, table
from renderer.ics import render_ics
from renderer.model import Answer, Invite, OgImageRef, Photo, PhotoSource, Restaurant, Site
from renderer.page import render_page
from renderer.rsvps_json import render_rsvps_json
from workers.publishing import links_for
from workers.site import load_templates


def invite() -> Invite:
    return Invite(
        id=1,
        slug="AbCdEfGhIjKlMn",
        title="Asha’s birthday dinner",
        message="Let's celebrate!\nDress code: smart casual.",
        host_name="Asha",
        cancelled=False,
        starts_at=datetime(2026, 12, 12, 14, 30, tzinfo=UTC),
        timezone="Asia/Kolkata",
        party_size=12,
        offer="Flat 20% Off on Total Bill",
        revision=2,
        revised_at=datetime(2026, 11, 24, tzinfo=UTC),
        version=9,
        restaurant=Restaurant(
            name="The Happy Yard",
            area="Jubilee Hills",
            city="Hyderabad",
            address="Road No. 36, Jubilee Hills, Hyderabad, Telangana 500033, India",
            rating=4.3,
            rating_count=5120,
            price_level="PRICE_LEVEL_MODERATE",
            maps_uri="https://maps.google.com/?cid=1",
            website="https://example.com",
            latitude=17.43,
            longitude=78.41,
            photo=Photo(
                sources=tuple(
                    PhotoSource(url=f"/r/1/abc-{w}.jpg", width=w) for w in (480, 960, 1440)
                ),
                width=1440,
                height=960,
                credit="A. Photographer",
            ),
        ),
        answers=tuple(
            Answer(name=f"Guest Number{n}", response=("IN", "MAYBE", "OUT")[n % 3], guests=n % 2)
            for n in range(20)
        ),
    )


def measure(render: Callable[[], bytes], runs: int) -> list[float]:
    for _ in range(50):
        render()
    gc.collect()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        times.append((time.perf_counter() - started) * 1e6)
    return times


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=2000)
    args = options.parse_args()
    data = invite()
    templates = load_templates()
    site = Site(public_url="https://tablefor.in", js_url="/assets/app.0123456789ab.js")
    og = OgImageRef(url="https://tablefor.in/i/x/og-1.jpg", width=1200, height=630, alt="x")
    links = links_for("https://tablefor.in", "AbCdEfGhIjKlMn")
    page_url = links.page
    cases = {
        "baseline: msgspec JSON of the invite": lambda: msgspec.json.encode(data),
        "page HTML": lambda: render_page(data, site=site, og=og, links=links, templates=templates),
        "rsvps.json": lambda: render_rsvps_json(data),
        "invite.ics": lambda: render_ics(data, page_url=page_url),
    }
    results = {name: measure(render, args.runs) for name, render in cases.items()}
    floor = percentile(results["baseline: msgspec JSON of the invite"], 50)
    rows = [
        [
            name,
            f"{1e6 / percentile(times, 50):,.0f}",
            f"{percentile(times, 50):.1f}",
            f"{percentile(times, 95):.1f}",
            f"{percentile(times, 50) / floor:.0f}x",
        ]
        for name, times in results.items()
    ]
    print(f"renderer, {args.runs} runs each after warm-up; {load_average()}")
    print(table(["object", "renders/s", "p50 µs", "p95 µs", "vs baseline"], rows))
    size = len(render_page(data, site=site, og=og, links=links, templates=templates))
    print(f"page size {size} bytes")


if __name__ == "__main__":
    main()
