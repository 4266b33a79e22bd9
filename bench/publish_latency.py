"""End to end, with real processes: from a create's 201 to its page readable at the edge, and
from an RSVP's 200 to rsvps.json at the edge showing it.

Processes: `tablefor api` (uvicorn, 2 workers), `tablefor worker`, `tablefor edge` (Varnish +
nginx), PostgreSQL and Redis, all on this machine; the fake Places service answers enrichment.
Readiness is polled at the edge every 2 ms. Baseline, measured in the same run: a cache-hit GET
of a published page at the edge (the floor any "readable" measurement stands on).

Targets (issue 3): create-to-published P95 <= 300 ms; RSVP-to-published P95 <= 2 s.
Run: .venv/bin/python -m bench.publish_latency [--invites 100] [--rsvps 40]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.support import RunningSystem, load_average, percentile, running_system, table

WHEN = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()


def create_to_published(system: RunningSystem, client: httpx.Client, count: int) -> list[float]:
    times = []
    for n in range(count):
        body = {"restaurant_name": f"Bench Place {n}", "city": "Bengaluru", "starts_at": WHEN}
        response = client.post(f"{system.url}/api/invites", json=body, headers=system.auth)
        created = time.perf_counter()
        response.raise_for_status()
        page = f"{system.url}/i/{response.json()['slug']}"
        _poll(lambda page=page: client.get(page).status_code == 200)
        times.append((time.perf_counter() - created) * 1000)
    return times


def rsvp_to_published(system: RunningSystem, client: httpx.Client, count: int) -> list[float]:
    body = {"restaurant_name": "Toit", "city": "Bengaluru", "starts_at": WHEN, "party_size": 50}
    slug = client.post(f"{system.url}/api/invites", json=body, headers=system.auth).json()["slug"]
    summary = f"{system.url}/i/{slug}/rsvps.json"
    _poll(lambda: client.get(summary).status_code == 200)
    time.sleep(1.0)  # let enrichment's republish pass
    times = []
    for n in range(count):
        answer = {"response": "IN", "name": f"Guest{n}"}
        client.post(f"{system.url}/api/invites/{slug}/rsvp", json=answer).raise_for_status()
        answered = time.perf_counter()
        _poll(lambda n=n: client.get(summary).json()["counts"]["IN"] == n + 1)
        times.append((time.perf_counter() - answered) * 1000)
    return times


def edge_hit(system: RunningSystem, client: httpx.Client) -> list[float]:
    body = {"restaurant_name": "Hit", "city": "Bengaluru", "starts_at": WHEN}
    slug = client.post(f"{system.url}/api/invites", json=body, headers=system.auth).json()["slug"]
    _poll(lambda: client.get(f"{system.url}/i/{slug}").status_code == 200)
    times = []
    for _ in range(200):
        started = time.perf_counter()
        client.get(f"{system.url}/i/{slug}")
        times.append((time.perf_counter() - started) * 1000)
    return times


def _poll(done: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():  # type: ignore[operator]
            return
        time.sleep(0.002)
    raise SystemExit("timed out waiting for a publish")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--invites", type=int, default=100)
    options.add_argument("--rsvps", type=int, default=40)
    args = options.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_system(Path(tmp)) as system,
        httpx.Client(timeout=10) as client,
    ):
        baseline = edge_hit(system, client)
        created = create_to_published(system, client, args.invites)
        answered = rsvp_to_published(system, client, args.rsvps)
    floor = percentile(baseline, 50)
    rows = [
        _row("edge cache hit (baseline)", baseline, None, floor),
        _row("create → page readable", created, 300, floor),
        _row("RSVP → rsvps.json shows it", answered, 2000, floor),
    ]
    print(f"publish latency through the edge; {load_average()}")
    print(table(["measure", "n", "p50 ms", "p95 ms", "max ms", "target p95", "p50/baseline"], rows))


def _row(label: str, values: list[float], target: float | None, floor: float) -> list[str]:
    return [
        label,
        str(len(values)),
        f"{percentile(values, 50):.1f}",
        f"{percentile(values, 95):.1f}",
        f"{max(values):.1f}",
        f"<= {target:.0f}" if target else "-",
        f"{percentile(values, 50) / floor:.0f}x",
    ]


if __name__ == "__main__":
    main()
