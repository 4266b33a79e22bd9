"""Render an invite's objects and publish them: storage, then the edge, then the record.

Publishes of one invite are serialized by a PostgreSQL advisory lock and read the invite after
taking it, so what reaches storage never goes backwards. The invite's version is read first;
anything read after it can only be newer, which at worst costs one extra publish.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from cdn.policy import CACHE_CONTROL, Kind, invite_keys, invite_paths, slug_key
from cdn.purge import PurgeRequest
from cdn.storage import StoredObject
from renderer import words
from renderer.ics import render_ics
from renderer.model import OgImageRef
from renderer.og_image import HEIGHT, WIDTH
from renderer.page import render_page
from renderer.rsvps_json import render_rsvps_json
from tablefor.db import invites
from tablefor.db.pool import transaction
from tablefor.domain import EnrichState
from workers.deps import Deps
from workers.og import og_image
from workers.snapshot import Snapshot, load

log = logging.getLogger("tablefor.worker")

_LOCK_NAMESPACE = 0x5055_0000_0000_0000  # "PU": publish locks, apart from other advisory locks


@dataclass(frozen=True, slots=True)
class PublishResult:
    invite_id: int
    version: int | None  # None: the invite no longer exists
    written: int  # objects whose bytes changed
    up_to_date: bool  # nothing was owed
    enrich_pending: bool = False


async def publish(deps: Deps, invite_id: int, *, force: bool = False) -> PublishResult:
    """Publish the invite's current version (or re-render it anyway with `force`)."""
    async with transaction(deps.pool) as conn:
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_NAMESPACE + invite_id,))
        snapshot = await load(conn, invite_id=invite_id)
        if snapshot is None:
            return PublishResult(invite_id, None, 0, up_to_date=True)
        row = snapshot.row
        pending = row.enrich_state == EnrichState.PENDING
        if row.published_version >= row.version and not force:
            return PublishResult(invite_id, row.version, 0, up_to_date=True, enrich_pending=pending)
        og_key, og_hash = await og_image(deps, snapshot)
        objects = _mutable_objects(deps, snapshot, og_key)
        written = sum(await asyncio.gather(*(deps.storage.put(obj) for obj in objects)))
        # Purge before recording: if the edge cannot be told, the publish is retried as a whole.
        if written or not force:
            await deps.purger.purge(_purge_request(snapshot))
        await invites.mark_published(
            conn, invite_id=invite_id, version=row.version, og_key=og_key, og_hash=og_hash
        )
    log.info(
        "published",
        extra={
            "invite_id": invite_id,
            "slug": row.slug,
            "version": row.version,
            "objects_written": written,
        },
    )
    return PublishResult(invite_id, row.version, written, up_to_date=False, enrich_pending=pending)


async def is_behind(deps: Deps, invite_id: int) -> bool:
    async with transaction(deps.pool) as conn:
        row = await invites.get_by_id(conn, invite_id=invite_id)
    return row is not None and row.published_version < row.version


def _mutable_objects(deps: Deps, snapshot: Snapshot, og_key: str) -> list[StoredObject]:
    invite, row = snapshot.invite, snapshot.row
    public_url = deps.settings.api.public_url
    page_url = f"{public_url}/i/{row.slug}"
    og = OgImageRef(
        url=f"{public_url}/{og_key}",
        width=WIDTH,
        height=HEIGHT,
        alt=f"{words.heading(invite)} at {invite.restaurant.name}, {words.when_short(invite)}",
    )
    keys = invite_keys(slug=row.slug, invite_id=row.id, restaurant_id=row.restaurant_id)
    page = render_page(invite, site=deps.site, og=og, templates=deps.templates)
    return [
        _object(f"i/{row.slug}/index.html", page, "text/html; charset=utf-8", Kind.PAGE, keys),
        _object(
            f"i/{row.slug}/rsvps.json",
            render_rsvps_json(invite),
            "application/json",
            Kind.RSVPS,
            keys,
        ),
        _object(
            f"i/{row.slug}/invite.ics",
            render_ics(invite, page_url=page_url),
            "text/calendar; charset=utf-8",
            Kind.CALENDAR,
            keys,
        ),
    ]


def _object(
    key: str, body: bytes, content_type: str, kind: Kind, keys: tuple[str, ...]
) -> StoredObject:
    return StoredObject(
        key=key,
        body=body,
        content_type=content_type,
        cache_control=CACHE_CONTROL[kind],
        surrogate_keys=keys,
    )


def _purge_request(snapshot: Snapshot) -> PurgeRequest:
    """By the slug's key, which every origin attaches (nginx derives it from the path), and by
    path for CDNs that cannot purge by key."""
    slug = snapshot.row.slug
    return PurgeRequest(keys=(slug_key(slug),), paths=invite_paths(slug))
