"""Removing what storage owes to remove (core/db/removals.py), then purging the edge.

A replaced OG image is removed under the invite's publish lease, and only if the invite does not
show it again: an edit undone within the grace period draws the same image under the same key.
A deleted invite's folder is removed whole, once at once and once more after the grace period,
for a publish that was in flight when the invite was deleted. A restaurant photo's files (every
width, and the OG backgrounds made from them) go once no page shows them: after a newer photo
replaced them, or at their deadline (workers/expiry.py); the edge is purged by their paths.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from cdn import layout
from cdn.purge.base import PurgeReason, PurgeRequest
from core.db import invites, removals
from core.db.pool import connection
from core.db.removals import Removal
from renderer.og_photo import OG_PHOTO_DESIGN
from workers.deps import Publisher
from workers.publishing import leased
from workers.snapshot import PHOTO_WIDTHS

log = logging.getLogger("tablefor.worker")

# Waits before a failed removal is tried again: doubling from the first, up to the cap.
RETRY_FIRST_S = 2.0
RETRY_CAP_S = 300.0


@dataclass(frozen=True, slots=True)
class Removed:
    removal_id: int
    keys: tuple[str, ...]  # what was deleted from storage
    more: bool  # another pass is owed later


async def start(deps: Publisher, removal_id: int) -> Removal | None:
    """The removal, its try counted; None when it is not due (done, parked, or not yet)."""
    async with connection(deps.pool) as conn:
        return await removals.start(conn, removal_id=removal_id)


async def run(deps: Publisher, removal: Removal) -> Removed:
    """One pass: delete, purge, and record it. Raises if storage or the CDN fails."""
    if removal.slug is None:
        assert removal.prefix is not None
        keys = await _remove_photo(deps, removal.prefix)
    elif removal.prefix is not None:
        keys = await _remove_folder(deps, removal.slug, removal.prefix)
    else:
        assert removal.object_key is not None
        keys = await _remove_replaced(deps, removal, removal.object_key)
    async with connection(deps.pool) as conn:
        more = await removals.finish_pass(conn, removal_id=removal.id, delay=deps.removal_delay)
    log.info(
        "removed",
        extra={"removal_id": removal.id, "slug": removal.slug, "objects_removed": len(keys)},
    )
    return Removed(removal.id, tuple(keys), more)


async def retry_later(deps: Publisher, removal: Removal, error: str) -> float:
    """Due again after a wait that doubles with each try; the wait."""
    wait = min(RETRY_CAP_S, RETRY_FIRST_S * 2.0 ** (removal.attempts - 1))
    async with connection(deps.pool) as conn:
        await removals.retry_later(conn, removal_id=removal.id, error=error, delay=wait)
    return wait


async def _remove_folder(deps: Publisher, slug: str, prefix: str) -> list[str]:
    keys = await deps.storage.delete_prefix(prefix)
    paths = (*layout.invite_paths(slug), *(layout.path_of(key) for key in keys))
    purge = PurgeRequest(
        keys=(layout.slug_key(slug), layout.images_key(slug)),
        paths=tuple(dict.fromkeys(paths)),
        reason=PurgeReason.DELETE,
    )
    await deps.purger.purge(purge)
    return keys


async def _remove_photo(deps: Publisher, prefix: str) -> list[str]:
    listed = await deps.storage.keys(layout.photo_folder(prefix))
    keys = [key for key in listed if key.startswith(prefix)]
    for key in keys:
        await deps.storage.delete(key)
    await deps.purger.purge(PurgeRequest(paths=photo_paths(prefix, keys)))
    return keys


def photo_paths(prefix: str, deleted: list[str]) -> tuple[str, ...]:
    """The public paths of a photo's files: those deleted now, and every one that can exist
    (a purge that failed before is tried again after the files are gone)."""
    base = layout.photo_base_of(prefix)
    widths = [layout.photo_key(base, width) for width in PHOTO_WIDTHS]
    backgrounds = [layout.og_background_key(key, OG_PHOTO_DESIGN) for key in widths]
    return tuple(dict.fromkeys(layout.path_of(key) for key in (*deleted, *widths, *backgrounds)))


async def _remove_replaced(deps: Publisher, removal: Removal, key: str) -> list[str]:
    assert removal.slug is not None
    if removal.invite_id is None:  # the invite is deleted: nothing shows the key again
        await deps.storage.delete(key)
    elif not await _deleted_unless_shown(deps, removal.invite_id, key):
        return []
    # A replaced image shows nothing a page still links to: it may leave the cache when its
    # shared lifetime ends (CloudFront). Once the invite is deleted it must go at once.
    reason = PurgeReason.DELETE if removal.invite_id is None else PurgeReason.REPLACED
    purge = PurgeRequest(
        keys=(layout.images_key(removal.slug),), paths=(layout.path_of(key),), reason=reason
    )
    await deps.purger.purge(purge)
    return [key]


async def _deleted_unless_shown(deps: Publisher, invite_id: int, key: str) -> bool:
    """Under the publish lease no publish is between writing an image and recording it, so
    the invite's recorded image is the one its page shows: that key is kept."""
    async with leased(deps, invite_id) as (lease, _):
        if lease and await _shown(deps, invite_id, key):
            return False
        await deps.storage.delete(key)
    return True


async def _shown(deps: Publisher, invite_id: int, key: str) -> bool:
    async with connection(deps.pool) as conn:
        row = await invites.get_by_id(conn, invite_id=invite_id)
    return row is not None and row.og_image_key == key
