"""What the benchmarks share: a fresh database, real processes, wrk, and table printing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

from cdn.edge import free_port
from core.creators import add_creator
from core.db.migrate import migrate
from core.settings import limit_variables
from tablefor.services import resolved_environment

REPO = Path(__file__).resolve().parents[1]
HIGH_LIMITS = limit_variables(10_000_000)


@contextlib.contextmanager
def bench_database() -> Iterator[tuple[str, str]]:
    """A migrated database of its own on the configured (or embedded) servers; dropped after."""
    environ = {**os.environ, "TABLEFOR_DATA_DIR": str(REPO / "var" / "bench")}
    with resolved_environment(environ) as resolved:
        server, redis_url = resolved["DATABASE_URL"], resolved["REDIS_URL"]
        name = f"tablefor_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
        try:
            asyncio.run(migrate(url))
            yield url, redis_url
        finally:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def bench_env(database_url: str, redis_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    run = uuid.uuid4().hex[:8]
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TABLEFOR_QUEUE": f"bench-{run}",
        "TABLEFOR_REDIS_PREFIX": f"bench-{run}",
        "TABLEFOR_DATA_DIR": str(data_dir),
        "TABLEFOR_LOG_LEVEL": "info",  # as production runs: a JSON line per request
        **HIGH_LIMITS,
        **extra,
    }


def token_for(database_url: str) -> str:
    _, _, token = asyncio.run(
        add_creator(database_url, f"bench-{uuid.uuid4().hex[:6]}@example.com", "Bench")
    )
    return token


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    # A benchmark stopped with SIGTERM (`timeout`, CI) still stops what it started.
    signal.signal(signal.SIGTERM, _interrupt)
    with open(log, "ab") as out:
        command = [sys.executable, "-m", "tablefor", *args]
        child = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield child
        finally:
            child.terminate()
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()


def wait_http(url: str, timeout: float = 60, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code < 500:
                return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise SystemExit(f"{url} did not come up\n{tail}")


@dataclass(frozen=True)
class LoadResult:
    label: str
    connections: int
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    non_2xx: int


_WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "errors": %d, '
    .. '"non_2xx": %d, "p50": %d, "p95": %d, "p99": %d}\\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk(
    url: str,
    *,
    label: str,
    connections: int,
    seconds: int,
    script: str = "",
    threads: int = 1,
    env: dict[str, str] | None = None,
) -> LoadResult:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (scripts/setup installs it)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + _WRK_REPORT)
    try:
        result = subprocess.run(
            [
                "wrk",
                f"-t{min(threads, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                lua.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **(env or {})},
        )
    finally:
        os.unlink(lua.name)
    line = next(line for line in result.stdout.splitlines() if line.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    return LoadResult(
        label=label,
        connections=connections,
        requests_per_s=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        errors=data["errors"],
        non_2xx=data["non_2xx"],
    )


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class RunningSystem:
    url: str
    env: dict[str, str]
    token: str
    database_url: str
    data_dir: Path

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextlib.contextmanager
def running_system(
    directory: Path, *, api_workers: int = 2, **extra: str
) -> Iterator[RunningSystem]:
    """API + worker + edge as `tablefor dev` runs them, with the fake Places service."""
    from devkit.fake_places.server import FakePlacesServer

    with (
        bench_database() as (database_url, redis_url),
        FakePlacesServer(api_key="bench-key") as places,
    ):
        edge_port, api_port = free_port(), free_port()
        url = f"http://127.0.0.1:{edge_port}"
        env = bench_env(
            database_url,
            redis_url,
            directory / "data",
            TABLEFOR_PUBLIC_URL=url,
            TABLEFOR_PURGE="varnish",
            TABLEFOR_VARNISH_URL=url,
            GOOGLE_PLACES_API_KEY="bench-key",
            GOOGLE_PLACES_BASE_URL=places.base_url,
            TABLEFOR_NOMINATIM_DISABLED="true",
            **extra,
        )
        token = token_for(database_url)
        with contextlib.ExitStack() as stack:
            stack.enter_context(
                process(
                    ["api", "--port", str(api_port), "--workers", str(api_workers)],
                    env,
                    directory / "api.log",
                )
            )
            stack.enter_context(process(["worker"], env, directory / "worker.log"))
            stack.enter_context(
                process(
                    ["edge", "--port", str(edge_port), "--api-port", str(api_port)],
                    env,
                    directory / "edge.log",
                )
            )
            wait_http(f"{url}/api/readyz", log=directory / "edge.log")
            yield RunningSystem(url, env, token, database_url, directory / "data")
