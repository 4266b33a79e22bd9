"""Rendering and publishing an invite's objects to storage (in-process, real PostgreSQL)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from icalendar import Calendar
from PIL import Image

from cdn import layout
from cdn.purge.base import PurgeReason
from cdn.storage.base import StoredObject
from tests.support.processes import eventually
from tests.support.recording_purger import RecordingPurger
from tests.support.slow_storage import SlowStorage
from workers import publishing

pytestmark = pytest.mark.usefixtures("fake_places")

WHEN = (datetime.now(UTC) + timedelta(days=9)).replace(microsecond=0)


async def create_invite(
    api: httpx.AsyncClient, auth: dict[str, str], **fields: Any
) -> dict[str, Any]:
    body = {"restaurant_name": "Toit", "area": "Indiranagar", "city": "Bengaluru",
            "starts_at": WHEN.isoformat(), "party_size": 6, "title": "Asha's farewell",
            "host_name": "Asha", **fields}  # fmt: skip
    response = await api.post("/api/invites", json=body, headers=auth)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def invite_id(database_url: str, slug: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT id FROM invites WHERE slug = %s", (slug,)).fetchone()
    assert row is not None
    return int(row[0])


def stored(deps: Any, key: str) -> Path:
    path: Path = deps.settings.storage.local_dir / key
    return path


async def test_publish_writes_page_rsvps_calendar_and_og_image(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    invite = await create_invite(api, auth)
    slug = invite["slug"]

    result = await publishing.publish(deps.publisher, invite_id(database_url, slug))

    assert result.written == 3
    page = stored(deps, f"i/{slug}/index.html").read_text()
    assert "Asha&#39;s farewell" in page or "Asha’s farewell" in page or "Asha's farewell" in page
    assert "Toit" in page and "Table for 6" in page
    assert f'action="/api/invites/{slug}/rsvp"' in page
    og_keys = list(stored(deps, f"i/{slug}").glob("og-*.jpg"))
    assert len(og_keys) == 1
    assert f'content="http://invites.test/i/{slug}/{og_keys[0].name}"' in page
    with Image.open(og_keys[0]) as image:
        assert image.size == (1200, 630)
    assert og_keys[0].stat().st_size <= 300_000
    summary = json.loads(stored(deps, f"i/{slug}/rsvps.json").read_text())
    assert summary["counts"] == {"IN": 0, "MAYBE": 0, "OUT": 0}
    calendar = Calendar.from_ical(stored(deps, f"i/{slug}/invite.ics").read_bytes())
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["uid"]) == f"{slug}@invites.test"
    assert event.decoded("dtstart") == WHEN
    assert str(event["dtstart"].params["TZID"]) == "Asia/Kolkata"
    assert calendar.walk("VTIMEZONE")


async def test_publishing_again_without_changes_does_nothing(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    invite_pk = invite_id(database_url, (await create_invite(api, auth))["slug"])
    await publishing.publish(deps.publisher, invite_pk)

    again = await publishing.publish(deps.publisher, invite_pk)
    forced = await publishing.publish(deps.publisher, invite_pk, force=True)

    assert again.up_to_date
    assert not forced.up_to_date
    assert forced.written == 0  # same bytes: nothing rewritten


async def test_an_rsvp_updates_the_summary_but_not_the_og_image(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    invite_pk = invite_id(database_url, slug)
    await publishing.publish(deps.publisher, invite_pk)
    og_before = sorted(p.name for p in stored(deps, f"i/{slug}").glob("og-*.jpg"))

    await api.post(
        f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "Meera Rao", "guests": 1}
    )
    await api.post(f"/api/invites/{slug}/rsvp", json={"response": "MAYBE", "name": "Dev"})
    result = await publishing.publish(deps.publisher, invite_pk)

    summary = json.loads(stored(deps, f"i/{slug}/rsvps.json").read_text())
    assert summary["counts"] == {"IN": 1, "MAYBE": 1, "OUT": 0}
    assert summary["going"] == 2
    assert summary["names"] == ["Meera"]  # first names only
    assert "Rao" not in stored(deps, f"i/{slug}/index.html").read_text()
    assert sorted(p.name for p in stored(deps, f"i/{slug}").glob("og-*.jpg")) == og_before
    assert result.written >= 2


async def test_an_edit_changes_the_og_image_and_the_calendar_sequence(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    invite_pk = invite_id(database_url, slug)
    await publishing.publish(deps.publisher, invite_pk)

    later = (WHEN + timedelta(hours=1)).isoformat()
    await api.patch(f"/api/invites/{slug}", json={"starts_at": later}, headers=auth)
    await publishing.publish(deps.publisher, invite_pk)

    assert len(list(stored(deps, f"i/{slug}").glob("og-*.jpg"))) == 2
    calendar = Calendar.from_ical(stored(deps, f"i/{slug}/invite.ics").read_bytes())
    event = next(iter(calendar.walk("VEVENT")))
    assert int(event["sequence"]) == 1


async def test_a_cancelled_invite_says_so_everywhere(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    await api.delete(f"/api/invites/{slug}", headers=auth)
    await publishing.publish(deps.publisher, invite_id(database_url, slug))

    page = stored(deps, f"i/{slug}/index.html").read_text()
    assert "This dinner has been cancelled" in page
    assert "<form" not in page
    calendar = Calendar.from_ical(stored(deps, f"i/{slug}/invite.ics").read_bytes())
    assert str(next(iter(calendar.walk("VEVENT")))["status"]) == "CANCELLED"
    assert json.loads(stored(deps, f"i/{slug}/rsvps.json").read_text())["cancelled"] is True


async def test_what_a_user_typed_is_escaped(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (
        await create_invite(
            api,
            auth,
            title="<script>alert(1)</script>",
            message='"><img src=x onerror=alert(2)>',
            restaurant_name="Toit </title><script>x()</script>",
        )
    )["slug"]
    await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "<b>Eve</b>"})
    await publishing.publish(deps.publisher, invite_id(database_url, slug))

    page = stored(deps, f"i/{slug}/index.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "<b>Eve</b>" not in page
    assert page.count("<script") == 1  # only our own, external script


async def test_the_page_purges_the_edge_by_slug_key(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    purger = RecordingPurger()
    await publishing.publish(
        dataclasses.replace(deps.publisher, purger=purger), invite_id(database_url, slug)
    )
    request = purger.requests[-1]
    assert request.keys == (f"slug-{slug}",)
    assert f"/i/{slug}/rsvps.json" in request.paths
    assert request.reason is PurgeReason.CHANGE  # CloudFront leaves it to the short lifetimes


async def test_a_cancel_is_an_urgent_purge_and_a_forced_rerender_is_not(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    pk = invite_id(database_url, slug)
    purger = RecordingPurger()
    publisher = dataclasses.replace(deps.publisher, purger=purger)
    await publishing.publish(publisher, pk)
    await api.delete(f"/api/invites/{slug}", headers=auth)

    await publishing.publish(publisher, pk)
    stored(deps, f"i/{slug}/index.html").unlink()  # so that a forced render writes (and purges)
    await publishing.publish(publisher, pk, force=True)

    reasons = [request.reason for request in purger.requests]
    assert reasons == [PurgeReason.CHANGE, PurgeReason.CANCEL, PurgeReason.CHANGE]
    assert PurgeReason.CANCEL.urgent and not PurgeReason.CHANGE.urgent


class RecordingStorage:
    """The publisher's storage, remembering every object it was given."""

    def __init__(self, storage: Any) -> None:
        self._storage = storage
        self.objects: dict[str, StoredObject] = {}

    async def put(self, obj: StoredObject) -> bool:
        self.objects[obj.key] = obj
        written: bool = await self._storage.put(obj)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._storage, name)


async def test_for_cloudfront_objects_are_stored_with_short_shared_lifetimes(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    storage = RecordingStorage(deps.publisher.storage)
    publisher = dataclasses.replace(
        deps.publisher, storage=storage, freshness=layout.Freshness.EXPIRING
    )

    await publishing.publish(publisher, invite_id(database_url, slug))

    served = {key.rsplit("/", 1)[1]: obj.cache_control for key, obj in storage.objects.items()}
    expiring = layout.EXPIRING_CACHE_CONTROL
    assert served["index.html"] == expiring[layout.Kind.PAGE]
    assert served["rsvps.json"] == expiring[layout.Kind.RSVPS]
    assert served["invite.ics"] == expiring[layout.Kind.CALENDAR]
    [og] = [value for name, value in served.items() if name.startswith("og-")]
    assert og == expiring[layout.Kind.IMMUTABLE]
    assert f"s-maxage={layout.PAGE_TTL}," in served["index.html"]
    assert f"s-maxage={layout.IMMUTABLE_EDGE_TTL}," in og


async def test_concurrent_publishes_of_one_invite_take_turns(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    slow = SlowStorage(deps.publisher.storage, delay=0.3)
    delayed = dataclasses.replace(deps.publisher, storage=slow)
    pk = invite_id(database_url, slug)
    first, second = await asyncio.gather(
        publishing.publish(delayed, pk, force=True), publishing.publish(delayed, pk, force=True)
    )
    assert slow.most_in_flight <= 3  # one publish's objects at a time, never both
    assert first.version == second.version


async def test_a_publisher_that_lost_its_lease_publishes_again(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await create_invite(api, auth))["slug"]
    pk = invite_id(database_url, slug)
    slow = SlowStorage(deps.publisher.storage, delay=0.3)
    running = asyncio.create_task(
        publishing.publish(dataclasses.replace(deps.publisher, storage=slow), pk)
    )
    await eventually(lambda: slow.in_flight > 0, timeout=5, what="the publish to be in storage")
    # Meanwhile another publisher took over a lapsed lease (and has let it lapse again).
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE invites SET publish_lease = gen_random_uuid(), "
            "publish_lease_until = now() - interval '1 second' WHERE id = %s",
            (pk,),
        )
    result = await running

    assert slow.most_in_flight >= 1
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT version, published_version, publish_lease FROM invites WHERE id = %s", (pk,)
        ).fetchone()
    assert row is not None and row[1] == row[0] == result.version  # published after all
    assert row[2] is None  # and the lease is free
