"""POST /api/invites under load, served as production runs it.

Server: uvicorn (uvloop + httptools) via `tablefor api`, 2 worker processes, PostgreSQL and
Redis on this same machine. Load: wrk, one thread, at 1, 16 and 64 connections, with a
realistic pasted booking (so the parser runs on every request). Baseline, measured in the same
run: GET /api/healthz on the same server (no database, no Redis: the HTTP stack's ceiling).

Targets (issue 2): P95 <= 25 ms at concurrency 16 and >= 500 creates per second.

Last, creates at concurrency 16 again while 4 more connections post the heaviest text a client
may send to POST /api/parse (20,000 characters, the parser's slowest per KB): what one hostile
client costs everyone else (issue 9).
Run: .venv/bin/python -m bench.create_invites [--seconds 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench.support import (
    LoadResult,
    bench_database,
    bench_env,
    free_port,
    load_average,
    process,
    table,
    token_for,
    wait_http,
    wrk,
)

# A booking date within the two years ahead an invite may be (api/invite_actions.py).
NEXT_YEAR = datetime.now(UTC).year + 1

BOOKING = (
    f"Hey! I have made a booking on 12 Dec {NEXT_YEAR}, 07:30 PM for 4 guest(s) at Toit, "
    "Indiranagar, Bangalore with offer Flat 20% Off on Total Bill. Please reach on time. "
    "Checkout the restaurant details here: https://swiggy.onelink.me/BVRZ?af_dp=swiggydiners%3A%2F%2Fdetails"
    "%2F1271281%3Fsource%3Dsharing"
)
HOSTILE_TEXT = "@" * 20_000  # each '@' is looked at as a possible "at <place>"


def post_script(body: dict[str, str] | None = None) -> str:
    """A create as the creator whose token is in BENCH_TOKEN; or `body`, posted anonymously."""
    encoded = json.dumps(body or {"text": BOOKING, "title": "Friday dinner"}).replace("'", "\\'")
    script = (
        'wrk.method = "POST"\n'
        f"wrk.body = '{encoded}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    if body is None:
        script += 'wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")\n'
    return script


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--seconds", type=int, default=10)
    options.add_argument("--workers", type=int, default=2)
    args = options.parse_args()

    with bench_database() as (database_url, redis_url), tempfile.TemporaryDirectory() as tmp:
        env = bench_env(database_url, redis_url, Path(tmp) / "data")
        token = token_for(database_url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        api = ["api", "--port", str(port), "--workers", str(args.workers)]
        with process(api, env, Path(tmp) / "api.log"):
            wait_http(f"{base}/api/readyz", log=Path(tmp) / "api.log")
            wrk(
                f"{base}/api/invites",
                label="warm-up",
                connections=4,
                seconds=2,
                script=post_script(),
                env={"BENCH_TOKEN": token},
            )
            rows = []
            for connections in (1, 16, 64):
                base_line = wrk(
                    f"{base}/api/healthz",
                    label="healthz",
                    connections=connections,
                    seconds=args.seconds,
                )
                created = wrk(
                    f"{base}/api/invites",
                    label="create",
                    connections=connections,
                    seconds=args.seconds,
                    script=post_script(),
                    env={"BENCH_TOKEN": token},
                )
                rows.append(_row(created, base_line))
            beside_hostile, hostile = _beside_hostile_parses(base, token, args.seconds)
        with psycopg.connect(database_url) as conn:
            invites = conn.execute("SELECT count(*) FROM invites").fetchone()
    print(f"POST /api/invites — uvicorn, {args.workers} workers; {load_average()}")
    print(
        table(
            [
                "conc",
                "creates/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
                "non-2xx",
                "healthz/s",
                "create/healthz",
            ],
            rows,
        )
    )
    print(f"invites written: {invites[0] if invites else 0}")
    sixteen = next(r for r in rows if r[0] == "16")
    print(
        f"targets: p95 at 16 <= 25 ms -> {sixteen[3]} ms; "
        f">= 500 creates/s -> best {max(float(r[1]) for r in rows):.0f}/s"
    )
    print(
        f"beside {hostile.connections} connections posting {len(HOSTILE_TEXT):,}-character "
        f"pastes to /api/parse ({hostile.requests_per_s:.0f} parses/s, "
        f"P95 {hostile.p95_ms:.1f} ms): creates at 16 {beside_hostile.requests_per_s:.0f}/s, "
        f"P50 {beside_hostile.p50_ms:.1f} ms, P95 {beside_hostile.p95_ms:.1f} ms, "
        f"P99 {beside_hostile.p99_ms:.1f} ms (without: P95 {sixteen[3]} ms)"
    )


def _beside_hostile_parses(base: str, token: str, seconds: int) -> tuple[LoadResult, LoadResult]:
    """Creates at 16 connections while 4 others post the longest, slowest texts to parse."""
    with ThreadPoolExecutor(1) as background:
        hostile = background.submit(
            wrk,
            f"{base}/api/parse",
            label="hostile parse",
            connections=4,
            seconds=seconds,
            script=post_script({"text": HOSTILE_TEXT}),
        )
        created = wrk(
            f"{base}/api/invites",
            label="create",
            connections=16,
            seconds=seconds,
            script=post_script(),
            env={"BENCH_TOKEN": token},
        )
        return created, hostile.result()


def _row(created: LoadResult, base_line: LoadResult) -> list[str]:
    return [
        str(created.connections),
        f"{created.requests_per_s:.0f}",
        f"{created.p50_ms:.1f}",
        f"{created.p95_ms:.1f}",
        f"{created.p99_ms:.1f}",
        str(created.errors),
        str(created.non_2xx),
        f"{base_line.requests_per_s:.0f}",
        f"{created.requests_per_s / base_line.requests_per_s:.2f}",
    ]


if __name__ == "__main__":
    main()
