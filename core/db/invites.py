"""Invites: the creator's reads and writes, and the worker's view of what is owed.

Every change a recipient would see bumps `version` in the same statement, which is what makes
the row its own "to be processed" record (see migrations/0001_initial.sql).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, LiteralString

import msgspec
from psycopg import sql
from psycopg.rows import class_row

from core.db.pool import Connection


class InviteRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    slug: str
    creator_id: int
    restaurant_id: int | None
    status: str
    source: str
    title: str | None
    message: str | None
    host_name: str | None
    restaurant_name: str
    area: str | None
    city: str | None
    swiggy_restaurant_id: str | None
    starts_at: datetime
    timezone: str
    party_size: int | None
    close_when_full: bool
    max_answers: int | None
    booking_id: str | None
    offer: str | None
    enrich_state: str
    enrich_attempts: int
    revision: int
    revised_at: datetime
    version: int
    published_version: int
    published_at: datetime | None
    og_image_key: str | None
    og_inputs_hash: str | None
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    swiggy_id_ignored: bool
    publish_failed_at: datetime | None


class NewInvite(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    creator_id: int
    source: str
    title: str | None
    message: str | None
    host_name: str | None
    restaurant_name: str
    area: str | None
    city: str | None
    swiggy_restaurant_id: str | None
    starts_at: datetime
    timezone: str
    party_size: int | None
    close_when_full: bool
    max_answers: int | None
    booking_id: str | None
    offer: str | None
    enrich_state: str
    parse_outcome: str | None = None  # core.parsing.result.outcome; None: typed in by hand


COLUMNS: LiteralString = """
    id, slug, creator_id, restaurant_id, status, source, title, message, host_name,
    restaurant_name, area, city, swiggy_restaurant_id, starts_at, timezone, party_size,
    close_when_full, max_answers, booking_id, offer, enrich_state, enrich_attempts, revision,
    revised_at,
    version, published_version, published_at, og_image_key, og_inputs_hash, created_at,
    updated_at, cancelled_at, swiggy_id_ignored, publish_failed_at
"""

# One statement, so a create stays one round trip on the autocommit pool. It acts for the
# creator itself: the row comes out of a subquery that sets `tablefor.creator_id` for this
# statement's own transaction, before row-level security checks the new row against it.
_INSERT = (
    """
INSERT INTO invites (slug, creator_id, source, title, message, host_name, restaurant_name, area,
    city, swiggy_restaurant_id, starts_at, timezone, party_size, close_when_full, max_answers,
    booking_id, offer, enrich_state, parse_outcome)
SELECT %(slug)s, %(creator_id)s, %(source)s, %(title)s, %(message)s, %(host_name)s,
    %(restaurant_name)s, %(area)s, %(city)s, %(swiggy_restaurant_id)s, %(starts_at)s,
    %(timezone)s, %(party_size)s, %(close_when_full)s, %(max_answers)s, %(booking_id)s,
    %(offer)s, %(enrich_state)s, %(parse_outcome)s
FROM (SELECT set_config('tablefor.creator_id', %(creator_id)s::text, true)) AS acting_for
RETURNING """
    + COLUMNS
)

_GET_OWNED = (
    "SELECT " + COLUMNS + " FROM invites WHERE slug = %(slug)s AND creator_id = %(creator_id)s"
)

_ID_OWNED = "SELECT id FROM invites WHERE slug = %(slug)s AND creator_id = %(creator_id)s"
# As answers lock it (lock_for_answer): a removal and an answer are counted one at a time.
_LOCK_OWNED = _ID_OWNED + " FOR NO KEY UPDATE"

_LIST_OWNED = (
    "SELECT "
    + COLUMNS
    + """ FROM invites
WHERE creator_id = %(creator_id)s AND (%(before_id)s::bigint IS NULL OR id < %(before_id)s)
ORDER BY id DESC LIMIT %(limit)s"""
)

_CANCEL_OWNED = (
    """
UPDATE invites SET status = 'cancelled', cancelled_at = COALESCE(cancelled_at, now()),
    updated_at = now(),
    revision = revision + CASE WHEN status = 'cancelled' THEN 0 ELSE 1 END,
    revised_at = CASE WHEN status = 'cancelled' THEN revised_at ELSE now() END,
    version = version + CASE WHEN status = 'cancelled' THEN 0 ELSE 1 END,
    publish_failed_at = CASE WHEN status = 'cancelled' THEN publish_failed_at END,
    publish_starts = CASE WHEN status = 'cancelled' THEN publish_starts ELSE 0 END
WHERE slug = %(slug)s AND creator_id = %(creator_id)s
RETURNING """
    + COLUMNS
)

# The invite and everything of it, gone in one statement: its answers with it (ON DELETE
# CASCADE), and its folder in storage owed a removal now and once more after the grace period,
# for a publish that was in flight (see workers/removals.py).
_DELETED_FOLDER: LiteralString = """
INSERT INTO storage_removals (slug, prefix, due_at, passes)
SELECT slug, %(prefix)s, now(), 2 FROM gone
RETURNING id
"""
_DELETE_OWNED: LiteralString = (
    "WITH gone AS (DELETE FROM invites WHERE slug = %(slug)s AND creator_id = %(creator_id)s"
    " RETURNING slug)" + _DELETED_FOLDER
)
_DELETE_ANY: LiteralString = (
    "WITH gone AS (DELETE FROM invites WHERE slug = %(slug)s RETURNING slug)" + _DELETED_FOLDER
)

_GET_BY_ID = "SELECT " + COLUMNS + " FROM invites WHERE id = %(id)s"
_GET_BY_SLUG = "SELECT " + COLUMNS + " FROM invites WHERE slug = %(slug)s"

# A creator's change ends a publish failure: the change may be the fix (a corrected time), and
# edits are rate-limited, so each one costs at most one more bounded round of attempts.
_CLEARS_FAILURE: LiteralString = "publish_failed_at = NULL, publish_starts = 0"

# Fields a creator may change after creating the invite.
EDITABLE = frozenset(
    {"title", "message", "host_name", "starts_at", "party_size", "close_when_full", "max_answers"}
)


async def insert(conn: Connection, invite: NewInvite) -> InviteRow:
    return await _one(conn, _INSERT, msgspec.structs.asdict(invite))


async def get_owned(conn: Connection, *, slug: str, creator_id: int) -> InviteRow | None:
    return await _maybe(conn, _GET_OWNED, {"slug": slug, "creator_id": creator_id})


async def get_by_id(conn: Connection, *, invite_id: int) -> InviteRow | None:
    return await _maybe(conn, _GET_BY_ID, {"id": invite_id})


async def get_by_slug(conn: Connection, *, slug: str) -> InviteRow | None:
    return await _maybe(conn, _GET_BY_SLUG, {"slug": slug})


async def id_owned(conn: Connection, *, slug: str, creator_id: int) -> int | None:
    cursor = await conn.execute(_ID_OWNED, {"slug": slug, "creator_id": creator_id})
    row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def lock_owned(conn: Connection, *, slug: str, creator_id: int) -> int | None:
    cursor = await conn.execute(_LOCK_OWNED, {"slug": slug, "creator_id": creator_id})
    row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def list_owned(
    conn: Connection, *, creator_id: int, before_id: int | None, limit: int
) -> list[InviteRow]:
    params = {"creator_id": creator_id, "before_id": before_id, "limit": limit}
    async with conn.cursor(row_factory=class_row(InviteRow)) as cursor:
        await cursor.execute(_LIST_OWNED, params)
        return await cursor.fetchall()


async def update_owned(
    conn: Connection, *, slug: str, creator_id: int, changes: Mapping[str, Any]
) -> InviteRow | None:
    """Apply `changes` (keys from EDITABLE) to an active invite the creator owns."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(name), sql.Placeholder(name)) for name in changes
    )
    query = sql.SQL(
        "UPDATE invites SET {}, version = version + 1, revision = revision + 1, "
        "revised_at = now(), updated_at = now(), " + _CLEARS_FAILURE + " "
        "WHERE slug = %(slug)s AND creator_id = %(creator_id)s RETURNING " + COLUMNS
    ).format(assignments)
    return await _maybe(conn, query, {**changes, "slug": slug, "creator_id": creator_id})


async def cancel_owned(conn: Connection, *, slug: str, creator_id: int) -> InviteRow | None:
    return await _maybe(conn, _CANCEL_OWNED, {"slug": slug, "creator_id": creator_id})


async def delete_owned(conn: Connection, *, slug: str, creator_id: int, prefix: str) -> int | None:
    """Delete the creator's invite; the id of the removal its stored objects are owed (under
    `prefix`), or None if the creator has no such invite."""
    params = {"slug": slug, "creator_id": creator_id, "prefix": prefix}
    return await _removal(conn, _DELETE_OWNED, params)


async def delete_any(conn: Connection, *, slug: str, prefix: str) -> int | None:
    """An operator's delete (`tablefor invites delete`): any creator's invite."""
    return await _removal(conn, _DELETE_ANY, {"slug": slug, "prefix": prefix})


async def _removal(conn: Connection, query: LiteralString, params: Mapping[str, Any]) -> int | None:
    cursor = await conn.execute(query, params)
    row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def _one(conn: Connection, query: Any, params: Mapping[str, Any]) -> InviteRow:
    row = await _maybe(conn, query, params)
    assert row is not None
    return row


async def _maybe(conn: Connection, query: Any, params: Mapping[str, Any]) -> InviteRow | None:
    async with conn.cursor(row_factory=class_row(InviteRow)) as cursor:
        await cursor.execute(query, params)
        return await cursor.fetchone()


_REQUEST_ENRICHMENT = """
UPDATE invites SET enrich_state = 'pending', enrich_attempts = 0, updated_at = now()
WHERE slug = %(slug)s AND creator_id = %(creator_id)s AND status = 'active'
RETURNING id
"""


async def request_enrichment(conn: Connection, *, slug: str, creator_id: int) -> int | None:
    cursor = await conn.execute(_REQUEST_ENRICHMENT, {"slug": slug, "creator_id": creator_id})
    row = await cursor.fetchone()
    return None if row is None else int(row[0])


class AnswerTarget(msgspec.Struct, frozen=True):
    id: int
    status: str
    starts_at: datetime
    party_size: int | None
    close_when_full: bool
    max_answers: int | None


# Locks the row so answers to one invite are checked and counted one at a time.
_LOCK_FOR_ANSWER = """
SELECT id, status, starts_at, party_size, close_when_full, max_answers FROM invites
WHERE slug = %(slug)s FOR NO KEY UPDATE
"""


async def lock_for_answer(conn: Connection, *, slug: str) -> AnswerTarget | None:
    async with conn.cursor(row_factory=class_row(AnswerTarget)) as cursor:
        await cursor.execute(_LOCK_FOR_ANSWER, {"slug": slug})
        return await cursor.fetchone()


# --- operators' lookups -------------------------------------------------------------------

# The invites carrying a Swiggy id, and every invite at a restaurant one of them is at. Anyone
# may claim any id, so that can be more than one restaurant; a purge only refreshes pages, and
# the net always holds the pages of the restaurant the id really names.
_SLUGS_OF_RESTAURANT = """
SELECT slug FROM invites WHERE swiggy_restaurant_id = %(swiggy_id)s
UNION
SELECT slug FROM invites WHERE restaurant_id IN (
    SELECT restaurant_id FROM invites
    WHERE swiggy_restaurant_id = %(swiggy_id)s AND restaurant_id IS NOT NULL
)
"""


async def slugs_of_restaurant(conn: Connection, *, swiggy_id: str) -> list[str]:
    cursor = await conn.execute(_SLUGS_OF_RESTAURANT, {"swiggy_id": swiggy_id})
    return sorted(str(row[0]) for row in await cursor.fetchall())


async def slugs_owned(conn: Connection, *, creator_id: int) -> list[str]:
    cursor = await conn.execute(
        "SELECT slug FROM invites WHERE creator_id = %(creator_id)s", {"creator_id": creator_id}
    )
    return [str(row[0]) for row in await cursor.fetchall()]


async def ids_of_slugs(conn: Connection, *, slugs: list[str]) -> dict[str, int]:
    cursor = await conn.execute(
        "SELECT slug, id FROM invites WHERE slug = ANY(%(slugs)s)", {"slugs": slugs}
    )
    return {str(slug): int(invite_id) for slug, invite_id in await cursor.fetchall()}
