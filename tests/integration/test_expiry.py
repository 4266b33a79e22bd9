"""Google content is served no longer than Google's terms allow (issue 14, item 1).

The clock is moved two ways: the job is given a `now` 30 days on, or the database's timestamps
are moved back (then the refresh's new deadline is real). Everything else is real: the fake
Places server over HTTP, PostgreSQL, Redis and the storage directory that the origin serves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from cdn import layout
from core import jobs
from core.db import removals as owed_removals
from core.db.pool import connection
from renderer.og_image import render_og_image
from tests.integration.test_enrichment import (
    REAL_BOOKING,
    TOIT,
    TOIT_ADDRESS,
    create,
    invite_row,
    restaurant_of,
    searches,
    shown,
    worker_deps,
)
from tests.support.recording_purger import RecordingPurger
from workers import expiry, publishing, removals, tasks
from workers.deps import Deps
from workers.main import create_workers
from workers.og import og_card
from workers.snapshot import load

SOON = (datetime.now(UTC) + timedelta(days=9)).replace(microsecond=0).isoformat()
LATER = (datetime.now(UTC) + timedelta(days=60)).replace(microsecond=0).isoformat()
# What Google said about Toit, as the page, the calendar file and the photo's credit show it.
GOOGLE_MARKS = (TOIT_ADDRESS, "41,210", "Asha Rao", "/r/", "toit.example", "maps.google.com")


def with_recording_purger(deps: Deps) -> Deps:
    """The worker's dependencies, remembering what they purged."""
    publisher = dataclasses.replace(deps.publisher, purger=RecordingPurger())
    return dataclasses.replace(deps, publisher=publisher)


def storage(deps: Deps) -> Path:
    root: Path = deps.settings.storage.local_dir
    return root


def stored_photos(deps: Deps) -> list[str]:
    return sorted(str(path.relative_to(storage(deps))) for path in storage(deps).glob("r/**/*.*"))


def published(deps: Deps, slug: str, key: str) -> str:
    return (storage(deps) / key).read_text()


async def enriched_and_published(deps: Deps, slug: str) -> int:
    row = await invite_row(deps, slug)
    await deps.enricher.enrich(deps.pool, row)
    await publishing.publish(deps.publisher, row.id)
    return row.id


async def publish_and_remove(deps: Deps, invite_ids: set[int]) -> None:
    """What the workers do next: publish each invite, then run every removal now due."""
    for invite_id in sorted(invite_ids):
        await publishing.publish(deps.publisher, invite_id)
    async with connection(deps.pool) as conn:
        due = await owed_removals.due(conn, grace=0, limit=100)
    for removal_id in due:
        removal = await removals.start(deps.publisher, removal_id)
        assert removal is not None
        await removals.run(deps.publisher, removal)


def move_back(database_url: str, restaurant_id: int, by: timedelta) -> None:
    """As if the restaurant had been looked up `by` earlier."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE restaurants SET looked_up_at = looked_up_at - %(by)s,"
            " expires_at = expires_at - %(by)s, photo_expires_at = photo_expires_at - %(by)s"
            " WHERE id = %(id)s",
            {"by": by, "id": restaurant_id},
        )


@pytest.fixture
async def purging_deps(worker_env: dict[str, str]) -> AsyncIterator[Deps]:
    """The worker's dependencies with no grace period before removals."""
    async with worker_deps(worker_env, TABLEFOR_REMOVAL_DELAY="0") as deps:
        yield with_recording_purger(deps)


async def test_a_lookup_gives_every_google_field_and_the_photo_30_days(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Deps, database_url: str
) -> None:
    slug = await create(api, auth, starts_at=SOON)
    before = datetime.now(UTC)

    await enriched_and_published(deps, slug)

    row = restaurant_of(database_url, slug)
    assert before + timedelta(days=30) <= row["expires_at"] <= datetime.now(UTC) + timedelta(30)
    assert row["photo_expires_at"] == row["expires_at"]
    assert row["place_ref"].startswith("google:ChIJ")


async def test_after_30_days_nothing_from_google_is_served_for_a_past_invite(
    api: httpx.AsyncClient, auth: dict[str, str], purging_deps: Deps, database_url: str
) -> None:
    deps = purging_deps
    slug = await create(api, auth, starts_at=SOON)
    invite_id = await enriched_and_published(deps, slug)
    fetched = restaurant_of(database_url, slug)
    page_before = published(deps, slug, layout.page_key(slug))
    old_og = (await invite_row(deps, slug)).og_image_key
    photos_before = stored_photos(deps)
    assert all(mark in page_before for mark in GOOGLE_MARKS)  # what is at stake
    assert photos_before and old_og is not None

    a_day_early = await expiry.run(deps, now=fetched["expires_at"] - timedelta(days=1))
    report = await expiry.run(deps, now=fetched["expires_at"])  # 30 days after the fetch
    await publish_and_remove(deps, report.republish)

    assert a_day_early.stripped == 0 and a_day_early.refreshed == 0
    assert (report.stripped, report.refreshed, report.republish) == (1, 0, {invite_id})
    page = published(deps, slug, layout.page_key(slug))
    calendar = published(deps, slug, layout.calendar_key(slug))
    assert not [mark for mark in GOOGLE_MARKS if mark in page + calendar]
    assert "Google Maps" not in page and "cover-initial" in page  # the designed fallback
    assert "Toit" in page and "Indiranagar" in page  # the creator's own words stay
    # The OG image is the fallback art, drawn anew; the one over the photo is gone.
    row = await invite_row(deps, slug)
    assert row.og_image_key != old_og and not (storage(deps) / old_og).exists()
    async with connection(deps.pool) as conn:
        snapshot = await load(conn, invite_id=invite_id)
    assert snapshot is not None
    fallback = render_og_image(og_card(snapshot), fonts=deps.publisher.fonts)
    assert (storage(deps) / row.og_image_key).read_bytes() == fallback
    # No stored photo remains, and the edge was told about every one of them.
    assert stored_photos(deps) == []
    purged = {path for request in deps.publisher.purger.requests for path in request.paths}
    assert {f"/{key}" for key in photos_before} <= purged
    # The row keeps the place ID and nothing else from Google.
    stripped = restaurant_of(database_url, slug)
    kept = {key for key, value in stripped.items() if value is not None}
    assert kept == {"id", "place_ref", "provider", "created_at", "updated_at"}
    assert stripped["place_ref"] == fetched["place_ref"]


async def test_what_an_upcoming_invite_shows_is_refreshed_before_its_deadline(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    purging_deps: Deps,
    database_url: str,
    fake_places: Any,
) -> None:
    deps = purging_deps
    slug = await create(api, auth, starts_at=LATER)
    invite_id = await enriched_and_published(deps, slug)
    restaurant_id = restaurant_of(database_url, slug)["id"]
    move_back(database_url, restaurant_id, timedelta(days=28))  # two days left
    fake_places.clear_billed()

    report = await expiry.run(deps)
    await publish_and_remove(deps, report.republish)

    assert (report.refreshed, report.stripped, report.republish) == (1, 0, {invite_id})
    assert fake_places.billed() == {"place_details_enterprise": 1, "place_details_photos": 1}
    row = restaurant_of(database_url, slug)
    assert row["expires_at"] > datetime.now(UTC) + timedelta(days=29)
    assert row["photo_expires_at"] == row["expires_at"]
    page = published(deps, slug, layout.page_key(slug))
    assert all(mark in page for mark in GOOGLE_MARKS)
    assert stored_photos(deps)  # the same photo, stored again under the same key


async def test_an_upcoming_invite_whose_refresh_fails_is_stripped_at_the_deadline(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    purging_deps: Deps,
    database_url: str,
    fake_places: Any,
) -> None:
    deps = purging_deps
    slug = await create(api, auth, starts_at=LATER)
    invite_id = await enriched_and_published(deps, slug)
    move_back(database_url, restaurant_of(database_url, slug)["id"], timedelta(days=30))
    fake_places.set_fault("server_error")

    report = await expiry.run(deps)
    await publish_and_remove(deps, report.republish)

    assert (report.refresh_failed, report.stripped, report.republish) == (1, 1, {invite_id})
    page = published(deps, slug, layout.page_key(slug))
    assert not [mark for mark in GOOGLE_MARKS if mark in page]
    assert stored_photos(deps) == []


async def test_an_expired_restaurant_is_looked_up_again_not_reused(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    worker_env: dict[str, str],
    database_url: str,
    fake_places: Any,
) -> None:
    # Reuse for 90 days: longer than Google's terms let us keep what the lookup found.
    async with worker_deps(worker_env, TABLEFOR_RESTAURANT_REUSE_DAYS="90") as deps:
        first = await create(api, auth, starts_at=SOON)
        await enriched_and_published(deps, first)
        move_back(database_url, restaurant_of(database_url, first)["id"], timedelta(days=31))
        before = searches(fake_places)

        second = await create(api, auth, **{**TOIT, "starts_at": SOON})
        await enriched_and_published(deps, second)
        page = published(deps, second, layout.page_key(second))

    assert searches(fake_places) == before + 1
    assert TOIT_ADDRESS in page
    row = restaurant_of(database_url, second)
    assert row["id"] == restaurant_of(database_url, first)["id"]  # the same place, fetched anew
    assert row["expires_at"] > datetime.now(UTC) + timedelta(days=29)


async def test_the_expiry_job_runs_on_a_cron_once_a_tick_on_the_enrich_queue(
    purging_deps: Deps,
) -> None:
    workers = create_workers(purging_deps.settings, purging_deps)
    scheduled = [(worker.queue.name, job) for worker in workers for job in worker.cron_jobs]

    [(queue, job)] = scheduled
    assert queue == purging_deps.queues.enrich.name
    assert (job.function, job.cron, job.unique) == (tasks.expire, expiry.CRON, True)
    assert job.timeout == jobs.EXPIRE_OPTIONS.timeout and job.heartbeat
    # What SAQ enqueues each tick is made of the job's own fields, and must serialize.
    assert set(vars(job)) == {f.name for f in dataclasses.fields(job)}
    assert await tasks.expire({"deps": purging_deps}) == {
        "refreshed": 0,
        "refresh_failed": 0,
        "stripped": 0,
        "republish": 0,
    }


async def test_a_swiggy_id_whose_restaurant_was_stripped_is_not_set_aside(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    purging_deps: Deps,
    database_url: str,
    fake_places: Any,
) -> None:
    deps = purging_deps
    first = await create(api, auth, text=REAL_BOOKING, starts_at=None)
    await enriched_and_published(deps, first)
    move_back(database_url, restaurant_of(database_url, first)["id"], timedelta(days=30))
    fake_places.set_fault("server_error", count=1)  # its refresh fails: stripped instead
    stripped = await expiry.run(deps)
    before = searches(fake_places)

    second = await create(api, auth, text=REAL_BOOKING, starts_at=None)
    await enriched_and_published(deps, second)

    assert (stripped.refresh_failed, stripped.stripped) == (1, 1)
    assert searches(fake_places) == before + 1  # looked up by its name again
    assert restaurant_of(database_url, second)["address"] is not None
    told = await shown(api, auth, second)
    assert told["restaurant"]["swiggy_restaurant_id_ignored"] is False and told["warnings"] == []


async def test_a_refresh_that_brings_another_photo_removes_the_one_it_replaced(
    api: httpx.AsyncClient, auth: dict[str, str], purging_deps: Deps, database_url: str
) -> None:
    deps = purging_deps
    slug = await create(api, auth, starts_at=LATER)
    invite_id = await enriched_and_published(deps, slug)
    restaurant_id = restaurant_of(database_url, slug)["id"]
    # As if the restaurant had shown another photo until now.
    older = f"r/{restaurant_id}/00000000000000ff"
    for key in (layout.photo_key(older, 480), layout.photo_key(older, 960)):
        (storage(deps) / key).write_bytes(b"an older photo")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE restaurants SET photo_key = %s WHERE id = %s", (older, restaurant_id))
    move_back(database_url, restaurant_id, timedelta(days=28))

    report = await expiry.run(deps)
    await publish_and_remove(deps, report.republish)

    assert (report.refreshed, report.republish) == (1, {invite_id})
    assert not [path for path in stored_photos(deps) if path.startswith(older)]
    assert stored_photos(deps)  # the new one
    purged = {path for request in deps.publisher.purger.requests for path in request.paths}
    assert f"/{layout.photo_key(older, 480)}" in purged
    assert older not in published(deps, slug, layout.page_key(slug))
