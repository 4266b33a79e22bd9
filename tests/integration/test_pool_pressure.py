"""A slow storage (or CDN) must not be able to exhaust the database: publishing holds no
connection while it writes, so with every write delayed, all publishes wait on storage at once
and the database keeps answering everyone else."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

import httpx
import pytest

from core.db.pool import connection
from core.settings import Settings
from tests.integration.test_publishing import create_invite, invite_id
from tests.support.processes import eventually
from tests.support.slow_storage import SlowStorage
from workers import publishing
from workers.deps import opened_publisher

pytestmark = pytest.mark.usefixtures("fake_places")

PUBLISHES = 16
POOL = 4  # far fewer connections than publishes in flight
DELAY = 2.0  # seconds per stored object


async def test_slow_storage_leaves_the_pool_free_and_creates_fast(
    api: httpx.AsyncClient, auth: dict[str, str], worker_env: dict[str, str], database_url: str
) -> None:
    settings = Settings.from_env(
        {**worker_env, "TABLEFOR_DB_POOL_MIN": "1", "TABLEFOR_DB_POOL_MAX": str(POOL)}
    )
    slugs = [(await create_invite(api, auth))["slug"] for _ in range(PUBLISHES)]
    async with opened_publisher(settings) as publisher:
        slow = SlowStorage(publisher.storage, delay=DELAY)
        delayed = dataclasses.replace(publisher, storage=slow)
        running = [
            asyncio.create_task(publishing.publish(delayed, invite_id(database_url, slug)))
            for slug in slugs
        ]
        # Every publish is in storage at once: none is holding one of the few connections.
        await eventually(lambda: slow.in_flight == PUBLISHES, timeout=10, what="all in storage")
        async with connection(publisher.pool) as conn:  # the worker's own pool still answers
            started = time.perf_counter()
            await conn.execute("SELECT 1")
            probe = time.perf_counter() - started
        latencies = [await _timed_create(api, auth) for _ in range(10)]
        assert not any(task.done() for task in running)  # the storm was still on
        results: list[Any] = await asyncio.gather(*running)

    assert slow.most_in_flight >= PUBLISHES
    assert probe < 0.5
    assert max(latencies) < 0.5, latencies  # creates answer as usual (tens of ms here)
    assert all(result.version is not None and not result.up_to_date for result in results)


async def _timed_create(api: httpx.AsyncClient, auth: dict[str, str]) -> float:
    started = time.perf_counter()
    await create_invite(api, auth)
    return time.perf_counter() - started
