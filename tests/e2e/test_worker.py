"""Real worker processes: publishing, enrichment through the fake Places service, retries,
dead letters, a worker killed mid-job, Redis down at create, and RSVP bursts."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from core.settings import Settings
from tests.conftest import api_client
from tests.support.processes import TableforProcess, eventually
from tests.support.tcpproxy import TcpProxy, redis_target

pytestmark = pytest.mark.e2e

WHEN = (datetime.now(UTC) + timedelta(days=12)).replace(microsecond=0).isoformat()
TOIT = {"restaurant_name": "Toit", "area": "Indiranagar", "city": "Bengaluru", "starts_at": WHEN}


@pytest.fixture
def worker_factory(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Any]:
    started: list[TableforProcess] = []

    def start(name: str = "worker", **extra: str) -> TableforProcess:
        process = TableforProcess(["worker"], {**worker_env, **extra}, tmp_path / f"{name}.log")
        started.append(process.start())
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def public(worker_env: dict[str, str]) -> Path:
    return Settings.from_env(worker_env).storage.local_dir


def row(database_url: str, slug: str) -> dict[str, Any]:
    with psycopg.connect(database_url) as conn:
        cursor = conn.execute(
            "SELECT i.*, r.rating AS r_rating, r.photo_key AS r_photo, r.address AS r_address "
            "FROM invites i LEFT JOIN restaurants r ON r.id = i.restaurant_id WHERE i.slug = %s",
            (slug,),
        )
        names = [c.name for c in cursor.description or []]
        values = cursor.fetchone()
    assert values is not None
    return dict(zip(names, values, strict=True))


async def create(api: httpx.AsyncClient, auth: dict[str, str], **body: Any) -> str:
    response = await api.post("/api/invites", json=body or TOIT, headers=auth)
    assert response.status_code == 201, response.text
    slug: str = response.json()["slug"]
    return slug


def published(database_url: str, slug: str) -> bool:
    current = row(database_url, slug)
    return bool(current["published_version"] >= current["version"])


def dead_letters(database_url: str) -> list[tuple[str, str, int]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT task, error, attempts FROM dead_letters WHERE replayed_at IS NULL ORDER BY id"
        ).fetchall()


async def test_created_invite_is_published_then_enriched_with_photo(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    public: Path,
) -> None:
    worker_factory()
    async with api_client(Settings.from_env(worker_env)) as api:
        slug = await create(api, auth)
    await eventually(
        lambda: (public / f"i/{slug}/index.html").exists(), timeout=20, what="first publish"
    )
    enriched = await eventually(
        lambda: (
            (r := row(database_url, slug))["enrich_state"] == "done"
            and published(database_url, slug)
            and r
        ),
        timeout=20,
        what="enrichment",
    )
    assert enriched["r_rating"] is not None
    assert enriched["r_photo"].startswith(f"r/{enriched['restaurant_id']}/")
    page = (public / f"i/{slug}/index.html").read_text()
    assert f"/{enriched['r_photo']}-960.jpg 960w" in page
    assert (public / f"{enriched['r_photo']}-480.jpg").exists()


async def test_a_restaurant_is_looked_up_once_within_the_reuse_window(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    fake_places: Any,
) -> None:
    worker_factory()
    async with api_client(Settings.from_env(worker_env)) as api:
        first = await create(api, auth)
        await eventually(lambda: row(database_url, first)["enrich_state"] == "done", timeout=20)
        searches_before = len([r for r in fake_places.requests if "searchText" in r.path])
        second = await create(api, auth, **{**TOIT, "restaurant_name": "  toit "})
        await eventually(lambda: row(database_url, second)["enrich_state"] == "done", timeout=20)
    assert row(database_url, second)["restaurant_id"] == row(database_url, first)["restaurant_id"]
    assert len([r for r in fake_places.requests if "searchText" in r.path]) == searches_before


@pytest.mark.parametrize(
    ("fault", "count", "retry_after"),
    [("rate_limit", 1, 1.0), ("server_error", 2, None), ("timeout", 1, None)],
)
async def test_retryable_provider_failures_are_retried_until_enriched(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    fake_places: Any,
    fault: str,
    count: int,
    retry_after: float | None,
) -> None:
    fake_places.set_fault(fault, count=count, retry_after=retry_after, delay=4.0)
    worker_env.update(TABLEFOR_ENRICH_RETRY_DELAY="0.5", TABLEFOR_ENRICH_RETRY_CAP="2")
    worker_factory()
    async with api_client(Settings.from_env(worker_env)) as api:
        slug = await create(api, auth)
    final = await eventually(
        lambda: row(database_url, slug)["enrich_state"] != "pending" and row(database_url, slug),
        timeout=40,
        what="enrichment after retries",
    )
    assert final["enrich_state"] == "done"
    assert final["enrich_attempts"] >= 2
    assert dead_letters(database_url) == []


@pytest.mark.parametrize("fault", ["forbidden", "malformed"])
async def test_final_provider_failures_go_to_a_dead_letter_and_publish_anyway(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    fake_places: Any,
    public: Path,
    fault: str,
) -> None:
    fake_places.set_fault(fault)
    worker_factory()
    async with api_client(Settings.from_env(worker_env)) as api:
        slug = await create(api, auth)
    await eventually(lambda: row(database_url, slug)["enrich_state"] == "failed", timeout=20)
    await eventually(lambda: published(database_url, slug), timeout=20)
    letters = dead_letters(database_url)
    assert len(letters) == 1
    assert letters[0][0] == "enrich"
    assert (public / f"i/{slug}/index.html").exists()


async def test_exhausted_retries_end_in_a_dead_letter(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    fake_places: Any,
) -> None:
    fake_places.set_fault("server_error")
    # Job options travel with the job from whoever enqueues it: the API and the worker agree.
    worker_env.update(
        TABLEFOR_ENRICH_ATTEMPTS="3",
        TABLEFOR_ENRICH_RETRY_DELAY="0.2",
        TABLEFOR_ENRICH_RETRY_CAP="0.5",
    )
    worker_factory()
    async with api_client(Settings.from_env(worker_env)) as api:
        slug = await create(api, auth)
    await eventually(lambda: dead_letters(database_url), timeout=30, what="a dead letter")
    task, error, attempts = dead_letters(database_url)[0]
    assert (task, attempts) == ("enrich", 3)
    assert "500" in error or "INTERNAL" in error
    assert row(database_url, slug)["enrich_state"] == "failed"
    await eventually(lambda: published(database_url, slug), timeout=20)


async def test_dead_letters_can_be_listed_replayed_and_dropped(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    fake_places: Any,
) -> None:
    fake_places.set_fault("forbidden", count=1)
    worker_factory()
    async with api_client(Settings.from_env(worker_env)) as api:
        slug = await create(api, auth)
        other = await create(
            api, auth, **{**TOIT, "restaurant_name": "Bastian", "area": "Worli", "city": "Mumbai"}
        )
    await eventually(lambda: len(dead_letters(database_url)) == 1, timeout=20)

    listed = _cli(worker_env, "dlq", "list", "--json")
    letters = json.loads(listed.stdout)
    assert [letter["task"] for letter in letters] == ["enrich"]
    letter_id = letters[0]["id"]
    replay = _cli(worker_env, "dlq", "replay", str(letter_id))
    assert replay.returncode == 0, replay.stderr
    failed_slug = slug if row(database_url, slug)["enrich_state"] == "failed" else other
    await eventually(lambda: row(database_url, failed_slug)["enrich_state"] == "done", timeout=20)
    assert _cli(worker_env, "dlq", "list", "--json").stdout.strip() == "[]"
    assert _cli(worker_env, "dlq", "drop", str(letter_id)).returncode == 0
    missing = _cli(worker_env, "dlq", "drop", str(letter_id))
    assert missing.returncode == 1
    assert "no dead letter" in missing.stderr


async def test_a_worker_killed_mid_job_loses_nothing(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    fake_places: Any,
    public: Path,
) -> None:
    fake_places.set_fault("timeout", count=1, delay=1.5)  # the first lookup hangs a while
    first = worker_factory("first", TABLEFOR_PROVIDER_TIMEOUT="30")
    async with api_client(Settings.from_env(worker_env)) as api:
        slug = await create(api, auth)
    await eventually(
        lambda: row(database_url, slug)["enrich_attempts"] >= 1, timeout=20, what="the job to start"
    )
    first.kill()  # kill -9 while the enrichment waits on the provider
    assert row(database_url, slug)["enrich_state"] == "pending"

    worker_factory("second")
    final = await eventually(
        lambda: (
            row(database_url, slug)["enrich_state"] == "done"
            and published(database_url, slug)
            and row(database_url, slug)
        ),
        timeout=60,
        what="recovery by the second worker",
    )
    assert final["r_rating"] is not None
    assert (public / f"i/{slug}/index.html").exists()


async def test_invites_created_while_redis_is_down_are_processed_when_it_returns(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    public: Path,
) -> None:
    proxy = TcpProxy(*redis_target(worker_env["REDIS_URL"]))
    await proxy.start()
    try:
        api_env = {**worker_env, "REDIS_URL": f"redis://127.0.0.1:{proxy.port}"}
        async with api_client(Settings.from_env(api_env)) as api:
            await proxy.cut()
            slug = await create(api, auth)  # the enqueue fails; the debt is in PostgreSQL
    finally:
        await proxy.cut()
    assert row(database_url, slug)["published_version"] == 0

    worker_factory()  # Redis is "back": the worker's sweep finds the debt
    await eventually(lambda: (public / f"i/{slug}/index.html").exists(), timeout=20)
    await eventually(lambda: row(database_url, slug)["enrich_state"] == "done", timeout=30)


async def test_a_burst_of_rsvps_costs_a_handful_of_publishes_and_ends_current(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    public: Path,
) -> None:
    worker = worker_factory(TABLEFOR_RSVP_DEBOUNCE_MS="300")
    async with api_client(Settings.from_env(worker_env)) as api:
        slug = await create(api, auth, **{**TOIT, "party_size": 50})
        await eventually(lambda: published(database_url, slug), timeout=20)
        await eventually(lambda: row(database_url, slug)["enrich_state"] == "done", timeout=20)
        await eventually(lambda: published(database_url, slug), timeout=20)
        before = _publishes(worker, slug)
        for n in range(50):
            answer = {"response": "IN", "name": f"Guest{n}"}
            assert (await api.post(f"/api/invites/{slug}/rsvp", json=answer)).status_code == 200
            await asyncio.sleep(0.02)  # 50 answers over about a second
    await eventually(lambda: published(database_url, slug), timeout=20)
    summary = json.loads((public / f"i/{slug}/rsvps.json").read_text())
    assert summary["counts"]["IN"] == 50
    assert summary["names"][-1] == "Guest19"  # twenty are named, the rest counted
    assert summary["more_names"] == 30
    assert _publishes(worker, slug) - before <= 10


def _publishes(worker: TableforProcess, slug: str) -> int:
    return sum(
        1 for e in worker.log_events() if e.get("message") == "published" and e.get("slug") == slug
    )


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "tablefor", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_no_places_result_falls_back_to_nominatim(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    fake_places: Any,
) -> None:
    fake_places.set_fault("no_results")
    worker_env.update(TABLEFOR_NOMINATIM_DISABLED="false", NOMINATIM_BASE_URL=fake_places.base_url)
    worker_factory()
    async with api_client(Settings.from_env(worker_env)) as api:
        slug = await create(api, auth)
    final = await eventually(
        lambda: (r := row(database_url, slug))["enrich_state"] == "done" and r, timeout=30
    )
    assert final["r_address"]  # from OpenStreetMap
    assert final["r_rating"] is None and final["r_photo"] is None
    assert any(r.path.startswith("/search") for r in fake_places.requests)


async def test_an_image_bomb_is_refused_and_the_page_uses_the_designed_fallback(
    worker_env: dict[str, str],
    worker_factory: Any,
    auth: dict[str, str],
    database_url: str,
    fake_places: Any,
    public: Path,
) -> None:
    fake_places.set_fault("bomb_image")
    worker_factory()
    async with api_client(Settings.from_env(worker_env)) as api:
        slug = await create(api, auth)
    final = await eventually(
        lambda: (
            (r := row(database_url, slug))["enrich_state"] == "done"
            and published(database_url, slug)
            and r
        ),
        timeout=30,
    )
    assert final["r_rating"] is not None  # the details were fine
    assert final["r_photo"] is None  # the photo was not
    assert not list(public.glob("r/*/*.jpg"))
    assert "/r/" not in (public / f"i/{slug}/index.html").read_text()  # no photo on the page
