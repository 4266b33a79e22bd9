"""PostgreSQL or Redis unreachable: prompt 503s (or graceful degradation), then recovery.

The outage is real: the API reaches the shared servers through a TCP forwarder that the test
cuts (connections refused and dropped) and restores.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from core.settings import Settings
from tests.conftest import api_client
from tests.support.tcpproxy import TcpProxy, postgres_target, redis_target

WHEN = (datetime.now(UTC) + timedelta(days=5)).isoformat()
BODY = {"restaurant_name": "Toit", "starts_at": WHEN}


@pytest.fixture
async def pg_proxy(database_url: str) -> AsyncIterator[TcpProxy]:
    proxy = TcpProxy(*postgres_target(database_url))
    await proxy.start()
    yield proxy
    await proxy.cut()


@pytest.fixture
async def redis_proxy(env: dict[str, str]) -> AsyncIterator[TcpProxy]:
    proxy = TcpProxy(*redis_target(env["REDIS_URL"]))
    await proxy.start()
    yield proxy
    await proxy.cut()


def through_pg_proxy(env: dict[str, str], database_url: str, proxy: TcpProxy) -> Settings:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(database_url)
    netloc = f"{parts.username or 'postgres'}@127.0.0.1:{proxy.port}"
    url = urlunsplit(parts._replace(netloc=netloc, query=""))
    return Settings.from_env({**env, "DATABASE_URL": url, "TABLEFOR_DB_CONNECT_TIMEOUT": "1"})


async def test_database_down_answers_503_promptly_and_recovers(
    env: dict[str, str], database_url: str, pg_proxy: TcpProxy, auth: dict[str, str]
) -> None:
    async with api_client(through_pg_proxy(env, database_url, pg_proxy)) as api:
        assert (await api.post("/api/invites", json=BODY, headers=auth)).status_code == 201

        await pg_proxy.cut()
        started = time.monotonic()
        down = await api.post("/api/invites", json=BODY, headers=auth)
        elapsed = time.monotonic() - started
        ready = await api.get("/api/readyz")

        assert down.status_code == 503, down.text
        assert down.headers["content-type"] == "application/problem+json"
        assert int(down.headers["retry-after"]) > 0
        assert elapsed < 5
        assert ready.status_code == 503
        assert ready.json()["checks"]["postgresql"] == "unreachable"

        await pg_proxy.restore()
        recovered = None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            recovered = await api.post("/api/invites", json=BODY, headers=auth)
            if recovered.status_code == 201:
                break
        assert recovered is not None and recovered.status_code == 201
        assert (await api.get("/api/readyz")).status_code == 200


async def test_redis_down_still_creates_and_records_the_work(
    env: dict[str, str], redis_proxy: TcpProxy, auth: dict[str, str], database_url: str
) -> None:
    """Limits fall back to per-process counting; the invite's work waits in PostgreSQL."""
    settings = Settings.from_env({**env, "REDIS_URL": f"redis://127.0.0.1:{redis_proxy.port}"})
    async with api_client(settings) as api:
        await redis_proxy.cut()
        created = await api.post("/api/invites", json=BODY, headers=auth)
        keyed = await api.post(
            "/api/invites", json=BODY, headers={**auth, "Idempotency-Key": "k-1"}
        )
        ready = await api.get("/api/readyz")

        assert created.status_code == 201, created.text
        assert keyed.status_code == 503
        assert keyed.headers["retry-after"]
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"postgresql": "ok", "redis": "unreachable"}

        await redis_proxy.restore()
        assert (await api.get("/api/readyz")).status_code == 200
        again = await api.post(
            "/api/invites", json=BODY, headers={**auth, "Idempotency-Key": "k-1"}
        )
        assert again.status_code == 201

    with psycopg.connect(database_url) as conn:
        owed = conn.execute(
            "SELECT count(*) FROM invites WHERE published_version < version "
            "AND enrich_state = 'pending'"
        ).fetchone()
    assert owed == (2,)
