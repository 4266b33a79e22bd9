"""The workers' view of invites: what is owed, who is publishing, what was published.

Publishing holds no database connection while it renders, writes storage or purges: it takes a
short lease on the invite instead (a row update), renews it while it works, and records the
publish only if the lease is still its own. A publisher that lost its lease publishes again,
so what storage holds never ends older than what the row says was published.
"""

from __future__ import annotations

from datetime import datetime
from typing import LiteralString

import msgspec

from core.db.pool import Connection


class Debt(msgspec.Struct, frozen=True):
    """An invite that owes work: the version to publish, or an enrichment."""

    invite_id: int
    version: int


class Backlog(msgspec.Struct, frozen=True):
    unpublished: int
    oldest_unpublished: datetime | None
    enrich_pending: int
    oldest_enrich_pending: datetime | None
    publish_failed: int  # waiting for a replay or an edit, not for the sweep


_SET_RESTAURANT = """
UPDATE invites SET restaurant_id = %(restaurant_id)s, enrich_state = %(state)s,
    swiggy_id_ignored = %(swiggy_id_ignored)s, version = version + 1, updated_at = now()
WHERE id = %(id)s
"""

_SET_ENRICH_STATE = """
UPDATE invites SET enrich_state = %(state)s, updated_at = now() WHERE id = %(id)s
"""

_COUNT_ENRICH_ATTEMPT = """
UPDATE invites SET enrich_attempts = enrich_attempts + 1 WHERE id = %(id)s
RETURNING enrich_attempts, enrich_state
"""

_RESET_ENRICHMENT = """
UPDATE invites SET enrich_state = 'pending', enrich_attempts = 0, updated_at = now()
WHERE id = %(id)s
"""

# A lease is free when nobody holds it or its holder stopped renewing it (a killed worker).
_CLAIM_LEASE = """
UPDATE invites SET publish_lease = %(lease)s,
    publish_lease_until = now() + make_interval(secs => %(seconds)s)
WHERE id = %(id)s
    AND (publish_lease IS NULL OR publish_lease_until < now() OR publish_lease = %(lease)s)
RETURNING id
"""

_RENEW_LEASE = """
UPDATE invites SET publish_lease_until = now() + make_interval(secs => %(seconds)s)
WHERE id = %(id)s AND publish_lease = %(lease)s
RETURNING id
"""

_RELEASE_LEASE = """
UPDATE invites SET publish_lease = NULL, publish_lease_until = NULL
WHERE id = %(id)s AND publish_lease = %(lease)s
"""

_EXISTS = "SELECT EXISTS (SELECT 1 FROM invites WHERE id = %(id)s)"

# A recorded publish also ends any failure: an operator's forced render can mend an invite.
# An OG image it replaced is owed a removal after the grace period, in the same statement (every
# part of it sees the row as it was before the update, so `previous` is the replaced key).
_MARK_PUBLISHED = """
WITH previous AS (
    SELECT og_image_key FROM invites WHERE id = %(id)s AND publish_lease = %(lease)s
), recorded AS (
    UPDATE invites SET published_version = GREATEST(published_version, %(version)s),
        published_at = now(), og_image_key = %(og_key)s, og_inputs_hash = %(og_hash)s,
        publish_lease = NULL, publish_lease_until = NULL,
        publish_starts = 0, publish_failed_at = NULL
    WHERE id = %(id)s AND publish_lease = %(lease)s
    RETURNING id, slug
), owed AS (
    INSERT INTO storage_removals (invite_id, slug, object_key, due_at)
    SELECT recorded.id, recorded.slug, previous.og_image_key,
        now() + make_interval(secs => %(removal_delay)s)
    FROM recorded, previous
    WHERE previous.og_image_key IS DISTINCT FROM %(og_key)s::text
        AND previous.og_image_key IS NOT NULL
    RETURNING id
)
SELECT recorded.id, (SELECT array_agg(id) FROM owed) FROM recorded
"""

# Owed: a change not published yet, on an invite whose publishing has not failed for good.
_OWES_PUBLISH = """
SELECT published_version < version AND publish_failed_at IS NULL FROM invites WHERE id = %(id)s
"""

_COUNT_PUBLISH_START = """
UPDATE invites SET publish_starts = publish_starts + 1
WHERE id = %(id)s AND published_version < version AND publish_failed_at IS NULL
RETURNING publish_starts
"""

_MARK_PUBLISH_FAILED = """
UPDATE invites SET publish_failed_at = now()
WHERE id = %(id)s AND publish_failed_at IS NULL
RETURNING id
"""

_CLEAR_PUBLISH_FAILURE = """
UPDATE invites SET publish_failed_at = NULL, publish_starts = 0 WHERE id = %(id)s RETURNING id
"""

# Debts older than a grace period: younger ones are still in the queue from their request.
# A failed publish is no debt of the sweep's: it waits for a replay or an edit.
_UNPUBLISHED = """
SELECT id, version FROM invites
WHERE published_version < version AND publish_failed_at IS NULL
    AND updated_at < now() - make_interval(secs => %(grace)s)
ORDER BY updated_at LIMIT %(limit)s
"""

_ENRICH_PENDING = """
SELECT id, version FROM invites
WHERE enrich_state = 'pending' AND updated_at < now() - make_interval(secs => %(grace)s)
ORDER BY updated_at LIMIT %(limit)s
"""

_BACKLOG = """
SELECT
    count(*) FILTER (WHERE published_version < version AND publish_failed_at IS NULL),
    min(updated_at) FILTER (WHERE published_version < version AND publish_failed_at IS NULL),
    count(*) FILTER (WHERE enrich_state = 'pending'),
    min(updated_at) FILTER (WHERE enrich_state = 'pending'),
    count(*) FILTER (WHERE publish_failed_at IS NOT NULL)
FROM invites
WHERE published_version < version OR enrich_state = 'pending' OR publish_failed_at IS NOT NULL
"""

_IDS_FOR_RENDER = """
SELECT id FROM invites
WHERE id > %(after)s AND (%(since)s::timestamptz IS NULL OR created_at >= %(since)s)
ORDER BY id LIMIT %(limit)s
"""

_COUNT_FOR_RENDER = """
SELECT count(*) FROM invites
WHERE id > %(after)s AND (%(since)s::timestamptz IS NULL OR created_at >= %(since)s)
"""


async def set_restaurant(
    conn: Connection,
    *,
    invite_id: int,
    restaurant_id: int | None,
    state: str,
    swiggy_id_ignored: bool = False,
) -> None:
    """What enrichment found (None: no restaurant), and whether the Swiggy id had to be set
    aside because it did not agree with the invite (see workers/enrichment.py)."""
    params = {
        "id": invite_id,
        "restaurant_id": restaurant_id,
        "state": state,
        "swiggy_id_ignored": swiggy_id_ignored,
    }
    await conn.execute(_SET_RESTAURANT, params)


async def set_enrich_state(conn: Connection, *, invite_id: int, state: str) -> None:
    await conn.execute(_SET_ENRICH_STATE, {"id": invite_id, "state": state})


async def count_enrich_attempt(conn: Connection, *, invite_id: int) -> tuple[int, str] | None:
    """The attempt number this run is, and the state it found (None: no such invite)."""
    cursor = await conn.execute(_COUNT_ENRICH_ATTEMPT, {"id": invite_id})
    row = await cursor.fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


async def reset_enrichment(conn: Connection, *, invite_id: int) -> None:
    """For a replayed dead letter: enrichment is owed again, with a fresh count of attempts."""
    await conn.execute(_RESET_ENRICHMENT, {"id": invite_id})


async def claim_lease(conn: Connection, *, invite_id: int, lease: str, seconds: float) -> bool:
    """True if the lease is now ours; False if someone else holds it (or no such invite)."""
    params = {"id": invite_id, "lease": lease, "seconds": seconds}
    cursor = await conn.execute(_CLAIM_LEASE, params)
    return await cursor.fetchone() is not None


async def renew_lease(conn: Connection, *, invite_id: int, lease: str, seconds: float) -> bool:
    params = {"id": invite_id, "lease": lease, "seconds": seconds}
    cursor = await conn.execute(_RENEW_LEASE, params)
    return await cursor.fetchone() is not None


async def release_lease(conn: Connection, *, invite_id: int, lease: str) -> None:
    await conn.execute(_RELEASE_LEASE, {"id": invite_id, "lease": lease})


async def exists(conn: Connection, *, invite_id: int) -> bool:
    cursor = await conn.execute(_EXISTS, {"id": invite_id})
    row = await cursor.fetchone()
    return bool(row and row[0])


async def mark_published(
    conn: Connection,
    *,
    invite_id: int,
    lease: str,
    version: int,
    og_key: str | None,
    og_hash: str | None,
    removal_delay: float,
) -> tuple[int, ...] | None:
    """Record the publish and free the lease: the removals it made owed (storage_removals),
    or None if the lease was lost meanwhile and nothing was recorded."""
    params = {
        "id": invite_id,
        "lease": lease,
        "version": version,
        "og_key": og_key,
        "og_hash": og_hash,
        "removal_delay": removal_delay,
    }
    cursor = await conn.execute(_MARK_PUBLISHED, params)
    row = await cursor.fetchone()
    return None if row is None else tuple(row[1] or ())


async def is_behind(conn: Connection, *, invite_id: int) -> bool:
    """True when the invite owes a publish: a change not published yet, and no failure."""
    cursor = await conn.execute(_OWES_PUBLISH, {"id": invite_id})
    row = await cursor.fetchone()
    return bool(row and row[0])


async def count_publish_start(conn: Connection, *, invite_id: int) -> int | None:
    """The number of runs since the last recorded publish, this one included; None when
    nothing is owed (published already, failed for good, or no such invite)."""
    cursor = await conn.execute(_COUNT_PUBLISH_START, {"id": invite_id})
    row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def mark_publish_failed(conn: Connection, *, invite_id: int) -> bool:
    """True if this call marked it (False: marked already, or no such invite)."""
    cursor = await conn.execute(_MARK_PUBLISH_FAILED, {"id": invite_id})
    return await cursor.fetchone() is not None


async def clear_publish_failure(conn: Connection, *, invite_id: int) -> bool:
    """For a replayed dead letter: publishing is owed again, with a fresh count of runs."""
    cursor = await conn.execute(_CLEAR_PUBLISH_FAILURE, {"id": invite_id})
    return await cursor.fetchone() is not None


async def unpublished(conn: Connection, *, grace: float, limit: int) -> list[Debt]:
    return await _debts(conn, _UNPUBLISHED, grace, limit)


async def enrich_pending(conn: Connection, *, grace: float, limit: int) -> list[Debt]:
    return await _debts(conn, _ENRICH_PENDING, grace, limit)


async def backlog(conn: Connection) -> Backlog:
    cursor = await conn.execute(_BACKLOG)
    row = await cursor.fetchone()
    assert row is not None
    return Backlog(*row)


async def ids_for_render(
    conn: Connection, *, after: int, since: datetime | None, limit: int
) -> list[int]:
    cursor = await conn.execute(_IDS_FOR_RENDER, {"after": after, "since": since, "limit": limit})
    return [int(row[0]) for row in await cursor.fetchall()]


async def count_for_render(conn: Connection, *, after: int, since: datetime | None) -> int:
    cursor = await conn.execute(_COUNT_FOR_RENDER, {"after": after, "since": since})
    row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _debts(conn: Connection, query: LiteralString, grace: float, limit: int) -> list[Debt]:
    cursor = await conn.execute(query, {"grace": grace, "limit": limit})
    return [Debt(int(i), int(v)) for i, v in await cursor.fetchall()]
