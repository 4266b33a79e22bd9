"""Removing what storage owes to remove: replaced OG images after a grace period, a deleted
invite's whole folder; retried later on failure, then one dead letter (in-process, real
PostgreSQL, Redis and storage directory)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from cdn.purge.base import PurgeReason
from core import jobs
from core.settings import Settings
from tablefor.cli.reports import replay_dead_letter
from tests.integration.test_publishing import create_invite, invite_id
from tests.support.failing_storage import DeletesFail
from tests.support.recording_purger import RecordingPurger
from tests.support.rows import open_letters
from workers import publishing, removals, tasks
from workers.deps import Publisher

pytestmark = pytest.mark.usefixtures("fake_places")


@pytest.fixture
def publisher(deps: Any) -> Publisher:
    """The worker's publisher with no grace period and a purger that remembers."""
    replaced: Publisher = dataclasses.replace(
        deps.publisher, removal_delay=0.0, purger=RecordingPurger()
    )
    return replaced


def folder(deps: Any, slug: str) -> Path:
    path: Path = deps.settings.storage.local_dir / "i" / slug
    return path


def og_images(deps: Any, slug: str) -> list[str]:
    return sorted(path.name for path in folder(deps, slug).glob("og-*.jpg"))


def removal_rows(database_url: str) -> list[dict[str, Any]]:
    with psycopg.connect(database_url) as conn:
        cursor = conn.execute("SELECT * FROM storage_removals ORDER BY id")
        names = [column.name for column in cursor.description or []]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


async def run_due(publisher: Publisher, removal_id: int) -> removals.Removed | None:
    removal = await removals.start(publisher, removal_id)
    return None if removal is None else await removals.run(publisher, removal)


async def edit(api: httpx.AsyncClient, auth: dict[str, str], slug: str, **changes: Any) -> None:
    response = await api.patch(f"/api/invites/{slug}", json=changes, headers=auth)
    assert response.status_code == 200, response.text


async def test_a_replaced_og_image_is_removed_and_purged_once_due(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    pk = invite_id(database_url, slug)
    await publishing.publish(deps.publisher, pk)
    [old] = og_images(deps, slug)
    await edit(api, auth, slug, title="Saturday brunch")

    result = await publishing.publish(deps.publisher, pk)  # the configured grace: 60 s
    not_yet = await removals.start(deps.publisher, result.removals[0])

    assert len(result.removals) == 1 and not_yet is None
    assert len(og_images(deps, slug)) == 2  # a page cached a little longer may still show it
    [row] = removal_rows(database_url)
    assert (row["object_key"], row["invite_id"]) == (f"i/{slug}/{old}", pk)
    assert 55 <= (row["due_at"] - row["created_at"]).total_seconds() <= 61

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE storage_removals SET due_at = now()")
    purger = RecordingPurger()
    done = await run_due(dataclasses.replace(deps.publisher, purger=purger), row["id"])

    assert done is not None and done.keys == (f"i/{slug}/{old}",)
    [current] = og_images(deps, slug)
    assert current != old
    assert current in (folder(deps, slug) / "index.html").read_text()
    assert purger.requests[-1].keys == (f"images-{slug}",)
    assert purger.requests[-1].paths == (f"/i/{slug}/{old}",)
    assert purger.requests[-1].reason is PurgeReason.REPLACED  # no invalidation on CloudFront
    assert removal_rows(database_url) == []


async def test_an_edit_undone_within_the_grace_period_keeps_the_image_shown_again(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    deps: Any,
    publisher: Publisher,
    database_url: str,
) -> None:
    """The undo draws the first image again, under the same key its removal names."""
    slug = (await create_invite(api, auth, title="Farewell"))["slug"]
    pk = invite_id(database_url, slug)
    await publishing.publish(publisher, pk)
    [first] = og_images(deps, slug)
    owed: list[int] = []
    for title in ("Hello", "Farewell"):
        await edit(api, auth, slug, title=title)
        owed += (await publishing.publish(publisher, pk)).removals

    done = [await run_due(publisher, removal_id) for removal_id in owed]

    assert [len(result.keys) if result else None for result in done] == [0, 1]
    assert og_images(deps, slug) == [first]
    assert first in (folder(deps, slug) / "index.html").read_text()


async def test_delete_with_purge_removes_the_invite_and_owes_its_folder(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "Meera"})
    await publishing.publish(deps.publisher, invite_id(database_url, slug))

    response = await api.delete(f"/api/invites/{slug}", params={"purge": "true"}, headers=auth)
    again = await api.delete(f"/api/invites/{slug}", params={"purge": "true"}, headers=auth)
    read = await api.get(f"/api/invites/{slug}", headers=auth)

    assert response.status_code == 202
    assert response.json() == {"slug": slug, "status": "deleted"}
    assert (again.status_code, read.status_code) == (404, 404)
    with psycopg.connect(database_url) as conn:
        left = conn.execute("SELECT count(*) FROM invites WHERE slug = %s", (slug,)).fetchone()
        answers = conn.execute("SELECT count(*) FROM rsvps").fetchone()
    assert left == answers == (0,)
    [row] = removal_rows(database_url)
    assert (row["prefix"], row["passes"], row["invite_id"]) == (f"i/{slug}/", 2, None)
    assert folder(deps, slug).exists()  # until a worker runs the removal


async def test_a_deleted_invite_folder_is_removed_now_and_once_more_later(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    await publishing.publish(deps.publisher, invite_id(database_url, slug))
    await api.delete(f"/api/invites/{slug}", params={"purge": "true"}, headers=auth)
    [row] = removal_rows(database_url)
    purger = RecordingPurger()
    publisher = dataclasses.replace(deps.publisher, purger=purger)

    first = await run_due(publisher, row["id"])
    # A publish that was in flight writes after the first pass...
    folder(deps, slug).mkdir(parents=True)
    (folder(deps, slug) / "index.html").write_text("late")
    early = await run_due(publisher, row["id"])
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE storage_removals SET due_at = now()")
    second = await run_due(publisher, row["id"])

    assert first is not None and first.more
    assert {key.rsplit("/", 1)[1] for key in first.keys} >= {"index.html", "rsvps.json"}
    assert purger.requests[0].keys == (f"slug-{slug}", f"images-{slug}")
    assert f"/i/{slug}" in purger.requests[0].paths
    assert {request.reason for request in purger.requests} == {PurgeReason.DELETE}
    assert early is None  # not due before the grace period
    assert second is not None and second.keys == (f"i/{slug}/index.html",) and not second.more
    assert not folder(deps, slug).exists()
    assert removal_rows(database_url) == []


async def test_a_failing_removal_is_retried_later_then_ends_in_one_dead_letter(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str, settings: Settings
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    await api.delete(f"/api/invites/{slug}", params={"purge": "true"}, headers=auth)
    [row] = removal_rows(database_url)
    failing = DeletesFail(deps.publisher.storage)
    broken = dataclasses.replace(
        deps, publisher=dataclasses.replace(deps.publisher, storage=failing)
    )

    first = await tasks.remove({"deps": broken}, removal_id=row["id"])
    waiting = removal_rows(database_url)[0]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE storage_removals SET due_at = now(), attempts = %s",
            (tasks.MAX_REMOVAL_TRIES - 1,),
        )
    last = await tasks.remove({"deps": broken}, removal_id=row["id"])
    after = await tasks.remove({"deps": broken}, removal_id=row["id"])

    assert first == {"retry_in_s": removals.RETRY_FIRST_S}
    assert waiting["due_at"] > waiting["created_at"] and "unavailable" in waiting["last_error"]
    assert last == {"gave_up": True}
    assert after == {"skipped": "not due"}  # parked: the sweep leaves it alone too
    assert failing.refused == 2
    [letter] = open_letters(database_url)
    assert (letter["task"], letter["arguments"]) == (jobs.REMOVE, {"removal_id": row["id"]})
    assert removal_rows(database_url)[0]["failed_at"] is not None

    message = await replay_dead_letter(settings, letter["id"])
    replayed = await tasks.remove({"deps": deps}, removal_id=row["id"])

    assert "removal" in message
    assert replayed == {"removed": 0, "more": True}  # nothing was ever published
    assert removal_rows(database_url)[0]["failed_at"] is None


async def test_dead_letters_of_two_removals_stay_two(deps: Any, database_url: str) -> None:
    for removal_id in (101, 102):
        await tasks.give_up(deps, jobs.REMOVE, {"removal_id": removal_id}, "boom", 10)
    await tasks.give_up(deps, jobs.REMOVE, {"removal_id": 101}, "boom again", 1)

    letters = open_letters(database_url)

    assert [(x["arguments"]["removal_id"], x["attempts"]) for x in letters] == [
        (101, 11),
        (102, 10),
    ]
