"""The worker counts the edge's spool into PostgreSQL: exactly once, viewers once a day."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from cdn.opens import SEALED, sealed_files, spool_line
from core.db import locks
from core.db.pool import WORKER_ROLE, Connection, create_pool
from core.settings import Settings
from workers.opens import ingest_once, prune_once

TODAY = datetime.now(UTC).date()
WHEN = (datetime.now(UTC) + timedelta(days=5)).isoformat()


@pytest.fixture
async def pool(settings: Settings) -> AsyncIterator[AsyncConnectionPool[Connection]]:
    opened = create_pool(settings.database, role=WORKER_ROLE)
    await opened.open(wait=True)
    yield opened
    await opened.close()


async def create(api: httpx.AsyncClient, auth: dict[str, str]) -> str:
    response = await api.post(
        "/api/invites", json={"restaurant_name": "Toit", "starts_at": WHEN}, headers=auth
    )
    assert response.status_code == 201, response.text
    slug: str = response.json()["slug"]
    return slug


def spool(directory: Path, name: str, *views: tuple[str, str], day: date = TODAY) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}{SEALED}"
    path.write_text("".join(spool_line(day, slug, viewer) for slug, viewer in views))
    return path


async def stats_of(api: httpx.AsyncClient, auth: dict[str, str], slug: str) -> dict[str, object]:
    response = await api.get(f"/api/invites/{slug}", headers=auth)
    stats: dict[str, object] = response.json()["stats"]
    return stats


async def test_spooled_views_become_opens_and_unique_opens(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    pool: AsyncConnectionPool[Connection],
    tmp_path: Path,
) -> None:
    first, second = await create(api, auth), await create(api, auth)
    a, b = "00000000000000aa", "00000000000000bb"
    spool(tmp_path, "1-1", (first, a), (first, a), (first, b), (second, a))
    spool(tmp_path, "2-1", (first, a), (first, b), ("NoSuchInvite01", a))

    report = await ingest_once(pool, tmp_path)

    assert (report.files, report.opens, report.unique_opens) == (2, 6, 3)
    assert sealed_files(tmp_path) == []
    assert await stats_of(api, auth, first) == {
        "opens": 5,
        "unique_opens": 2,
        "answers": {"IN": 0, "MAYBE": 0, "OUT": 0},
        "conversion": 0.0,
    }
    assert (await stats_of(api, auth, second))["unique_opens"] == 1


async def test_the_same_viewer_on_another_day_is_another_unique_open(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    pool: AsyncConnectionPool[Connection],
    tmp_path: Path,
) -> None:
    slug = await create(api, auth)
    spool(tmp_path, "1-1", (slug, "00000000000000aa"), day=TODAY - timedelta(days=1))
    spool(tmp_path, "2-1", (slug, "00000000000000aa"))

    await ingest_once(pool, tmp_path)

    assert (await stats_of(api, auth, slug))["unique_opens"] == 2


async def test_a_file_is_counted_once_even_if_it_comes_back(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    pool: AsyncConnectionPool[Connection],
    tmp_path: Path,
) -> None:
    """A worker that dies after committing but before deleting leaves the file behind."""
    slug = await create(api, auth)
    spool(tmp_path, "1-1", (slug, "00000000000000aa"))
    await ingest_once(pool, tmp_path)

    spool(tmp_path, "1-1", (slug, "00000000000000aa"))
    again = await ingest_once(pool, tmp_path)

    assert (again.files, again.opens) == (1, 0)
    assert sealed_files(tmp_path) == []
    assert (await stats_of(api, auth, slug))["opens"] == 1


async def test_one_worker_counts_at_a_time(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    pool: AsyncConnectionPool[Connection],
    database_url: str,
    tmp_path: Path,
) -> None:
    slug = await create(api, auth)
    spool(tmp_path, "1-1", (slug, "00000000000000aa"))
    with psycopg.connect(database_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (locks.OPENS,))
        waiting = await ingest_once(pool, tmp_path)
        other.execute("SELECT pg_advisory_unlock(%s)", (locks.OPENS,))  # before it disconnects
    counted = await ingest_once(pool, tmp_path)

    assert not waiting.led and waiting.files == 0
    assert counted.led and counted.opens == 1


async def test_viewers_of_past_days_are_forgotten(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    pool: AsyncConnectionPool[Connection],
    database_url: str,
    tmp_path: Path,
) -> None:
    slug = await create(api, auth)
    spool(tmp_path, "1-1", (slug, "00000000000000aa"), day=TODAY - timedelta(days=3))
    spool(tmp_path, "2-1", (slug, "00000000000000bb"))
    await ingest_once(pool, tmp_path)

    await prune_once(pool)

    with psycopg.connect(database_url) as conn:
        days = conn.execute("SELECT day FROM invite_viewers").fetchall()
        kept = conn.execute("SELECT sum(unique_opens) FROM invite_open_days").fetchone()
    assert days == [(TODAY,)]
    assert kept == (2,)  # the counts stay; only the hashes go
