"""Render an invite's objects and publish them: storage, then the edge, then the record.

No database connection is held while rendering, writing storage or purging: a slow S3 or CDN
must not be able to exhaust the pool. Publishes of one invite are serialized by a lease on its
row instead (core/db/invite_work.py), renewed while the publish runs. The invite's version is
read after taking the lease; anything read after it can only be newer, which at worst costs one
extra publish. The publish is recorded only if the lease is still ours: a publisher that lost
it (it stalled past the lease) publishes again, so storage never ends older than the record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from cdn import layout
from cdn.purge.base import PurgeReason, PurgeRequest
from cdn.storage.base import StoredObject
from core.db import invite_work
from core.db.pool import connection
from core.errors import TableforError
from core.metrics import PUBLISH_SECONDS, PURGE_SECONDS
from renderer import words
from renderer.ics import render_ics
from renderer.model import Links, OgImageRef
from renderer.og_image import HEIGHT, WIDTH
from renderer.page import render_page
from renderer.rsvps_json import render_rsvps_json
from workers.deps import Publisher
from workers.og import og_image
from workers.snapshot import Snapshot, load

log = logging.getLogger("tablefor.worker")

LEASE_SECONDS = 6.0  # a killed publisher holds the invite this long at most
RENEW_EVERY = LEASE_SECONDS / 3
WAIT_STEP = 0.05  # how often a publisher waiting for the lease looks again
MAX_ROUNDS = 3  # publishes again after losing its lease, at most this often


class LeaseLost(TableforError):
    """Another publisher took the invite while this one stalled; publish again."""


@dataclass(frozen=True, slots=True)
class PublishResult:
    invite_id: int
    version: int | None  # None: the invite no longer exists
    written: int  # objects whose bytes changed
    up_to_date: bool  # nothing was owed
    removals: tuple[int, ...] = ()  # objects it replaced, owed a removal (core/db/removals.py)


async def publish(deps: Publisher, invite_id: int, *, force: bool = False) -> PublishResult:
    """Publish the invite's current version (or re-render it anyway with `force`)."""
    for _ in range(MAX_ROUNDS - 1):
        with contextlib.suppress(LeaseLost):
            return await _publish_once(deps, invite_id, force=force)
        log.warning("publish lease lost; publishing again", extra={"invite_id": invite_id})
    return await _publish_once(deps, invite_id, force=force)


async def is_behind(deps: Publisher, invite_id: int) -> bool:
    async with connection(deps.pool) as conn:
        return await invite_work.is_behind(conn, invite_id=invite_id)


async def _publish_once(deps: Publisher, invite_id: int, *, force: bool) -> PublishResult:
    async with leased(deps, invite_id) as (lease, released):
        if not lease:
            return PublishResult(invite_id, None, 0, up_to_date=True)
        async with connection(deps.pool) as conn:
            snapshot = await load(conn, invite_id=invite_id)
        if snapshot is None:
            return PublishResult(invite_id, None, 0, up_to_date=True)
        row = snapshot.row
        if row.published_version >= row.version and not force:
            return PublishResult(invite_id, row.version, 0, up_to_date=True)
        og_key, og_hash = await og_image(deps, snapshot)
        objects = _mutable_objects(deps, snapshot, og_key)
        written = sum(await asyncio.gather(*(deps.storage.put(obj) for obj in objects)))
        # Purge before recording: if the edge cannot be told, the publish is retried as a whole.
        if written or not force:
            await _purge(deps, snapshot, force=force)
        async with connection(deps.pool) as conn:
            removals = await invite_work.mark_published(
                conn,
                invite_id=invite_id,
                lease=lease,
                version=row.version,
                og_key=og_key,
                og_hash=og_hash,
                removal_delay=deps.removal_delay,
            )
        if removals is None:
            raise LeaseLost(f"invite {invite_id}: the publish lease lapsed")
        released.set()  # the record freed the lease
    if row.published_version < row.version:  # a change was owed (not a forced re-render)
        waited = (datetime.now(UTC) - row.updated_at).total_seconds()
        PUBLISH_SECONDS.observe(max(0.0, waited))
    log.info(
        "published",
        extra={
            "invite_id": invite_id,
            "slug": row.slug,
            "version": row.version,
            "objects_written": written,
        },
    )
    return PublishResult(invite_id, row.version, written, up_to_date=False, removals=removals)


@contextlib.asynccontextmanager
async def leased(deps: Publisher, invite_id: int) -> AsyncIterator[tuple[str, asyncio.Event]]:
    """The invite's publish lease for the block, renewed meanwhile ("" if no such invite),
    and an event the block sets once its own final write has freed the lease.

    Another publisher's lease is waited out: it ends when that publish does, or lapses within
    LEASE_SECONDS if its holder died. (Removing a replaced image takes it too: workers/removals.py.)
    """
    lease = str(uuid.uuid4())
    while True:
        async with connection(deps.pool) as conn:
            if await invite_work.claim_lease(
                conn, invite_id=invite_id, lease=lease, seconds=LEASE_SECONDS
            ):
                break
            if not await invite_work.exists(conn, invite_id=invite_id):
                yield "", asyncio.Event()
                return
        await asyncio.sleep(WAIT_STEP)
    released = asyncio.Event()
    renewer = asyncio.create_task(_renew(deps, invite_id, lease))
    try:
        yield lease, released
    finally:
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
        if not released.is_set():  # an early return or a failure: free it for the next try
            with contextlib.suppress(TableforError):
                async with connection(deps.pool) as conn:
                    await invite_work.release_lease(conn, invite_id=invite_id, lease=lease)


async def _renew(deps: Publisher, invite_id: int, lease: str) -> None:
    while True:
        await asyncio.sleep(RENEW_EVERY)
        with contextlib.suppress(TableforError):
            async with connection(deps.pool) as conn:
                await invite_work.renew_lease(
                    conn, invite_id=invite_id, lease=lease, seconds=LEASE_SECONDS
                )


def links_for(public_url: str, slug: str) -> Links:
    return Links(
        page=layout.page_url(public_url, slug),
        calendar=layout.path_of(layout.calendar_key(slug)),
        rsvp_action=layout.rsvp_action_path(slug),
    )


def _mutable_objects(deps: Publisher, snapshot: Snapshot, og_key: str) -> list[StoredObject]:
    invite, row = snapshot.invite, snapshot.row
    links = links_for(deps.public_url, row.slug)
    og = OgImageRef(
        url=layout.url_of(deps.public_url, layout.path_of(og_key)),
        width=WIDTH,
        height=HEIGHT,
        alt=f"{words.heading(invite)} at {invite.restaurant.name}, {words.when_short(invite)}",
    )
    keys = layout.invite_keys(slug=row.slug, invite_id=row.id, restaurant_id=row.restaurant_id)
    page = render_page(invite, site=deps.site, og=og, links=links, templates=deps.templates)
    rendered = (
        (layout.page_key(row.slug), page, layout.Kind.PAGE),
        (layout.rsvps_key(row.slug), render_rsvps_json(invite), layout.Kind.RSVPS),
        (
            layout.calendar_key(row.slug),
            render_ics(invite, page_url=links.page),
            layout.Kind.CALENDAR,
        ),
    )
    return [
        layout.stored(key, body, kind, keys, freshness=deps.freshness)
        for key, body, kind in rendered
    ]


async def _purge(deps: Publisher, snapshot: Snapshot, *, force: bool) -> None:
    started = time.perf_counter()
    await deps.purger.purge(_purge_request(snapshot, force=force))
    PURGE_SECONDS.labels(deps.purger.name).observe(time.perf_counter() - started)


def _purge_request(snapshot: Snapshot, *, force: bool) -> PurgeRequest:
    """By the slug's key, which every origin attaches (nginx derives it from the path), and by
    path for CDNs that cannot purge by key. A cancel must show at once (CDNs that purge only
    what is urgent purge it); every other publish is a change. Edits and answers are refused
    once an invite is cancelled, so a cancelled invite's publishes are the cancel's own (and a
    rare enrichment or answer removal after it), except forced re-renders of unchanged content."""
    slug = snapshot.row.slug
    reason = PurgeReason.CANCEL if snapshot.invite.cancelled and not force else PurgeReason.CHANGE
    return PurgeRequest(
        keys=(layout.slug_key(slug),), paths=layout.invite_paths(slug), reason=reason
    )
