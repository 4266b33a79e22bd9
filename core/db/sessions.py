"""Browser sessions: a random secret in an HttpOnly cookie, kept here only as its SHA-256.

The API lists and revokes them inside `as_creator`; which creator a cookie belongs to is asked
through `tablefor_session_owner`, which also slides the session's expiry forward.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from psycopg.rows import class_row

from core.db.pool import Connection


class SessionRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


class SessionOwner(msgspec.Struct, frozen=True):
    session_id: int
    creator_id: int
    expires_at: datetime
    renewed: bool  # the expiry moved forward just now: the cookie should be sent again


_COLUMNS = "id, created_at, last_seen_at, expires_at"

_CREATE = (
    """
INSERT INTO sessions (creator_id, secret_hash, expires_at)
VALUES (%(creator_id)s, %(hash)s, now() + make_interval(secs => %(lifetime)s))
RETURNING """
    + _COLUMNS
)

_ACTIVE = (
    "SELECT "
    + _COLUMNS
    + """ FROM sessions
WHERE creator_id = %(creator_id)s AND revoked_at IS NULL AND expires_at > now()
ORDER BY last_seen_at DESC, id DESC"""
)

_REVOKE = """
UPDATE sessions SET revoked_at = now()
WHERE id = %(id)s AND creator_id = %(creator_id)s AND revoked_at IS NULL AND expires_at > now()
RETURNING id
"""

_REVOKE_BY_HASH = """
UPDATE sessions SET revoked_at = now()
WHERE secret_hash = %(hash)s AND creator_id = %(creator_id)s AND revoked_at IS NULL
RETURNING id
"""

_REVOKE_ALL = """
UPDATE sessions SET revoked_at = now()
WHERE creator_id = %(creator_id)s AND revoked_at IS NULL AND expires_at > now()
"""

_OWNER = """
SELECT session_id, creator_id, expires_at, renewed
FROM tablefor_session_owner(%(hash)s, %(lifetime)s)
"""


async def create(
    conn: Connection, *, creator_id: int, secret_hash: bytes, lifetime_s: int
) -> SessionRow:
    params = {"creator_id": creator_id, "hash": secret_hash, "lifetime": lifetime_s}
    async with conn.cursor(row_factory=class_row(SessionRow)) as cursor:
        await cursor.execute(_CREATE, params)
        row = await cursor.fetchone()
    assert row is not None
    return row


async def active(conn: Connection, *, creator_id: int) -> list[SessionRow]:
    async with conn.cursor(row_factory=class_row(SessionRow)) as cursor:
        await cursor.execute(_ACTIVE, {"creator_id": creator_id})
        return await cursor.fetchall()


async def revoke(conn: Connection, *, creator_id: int, session_id: int) -> bool:
    cursor = await conn.execute(_REVOKE, {"id": session_id, "creator_id": creator_id})
    return await cursor.fetchone() is not None


async def revoke_by_hash(conn: Connection, *, creator_id: int, secret_hash: bytes) -> bool:
    cursor = await conn.execute(_REVOKE_BY_HASH, {"hash": secret_hash, "creator_id": creator_id})
    return await cursor.fetchone() is not None


async def revoke_all(conn: Connection, *, creator_id: int) -> int:
    cursor = await conn.execute(_REVOKE_ALL, {"creator_id": creator_id})
    return cursor.rowcount


async def owner(conn: Connection, *, secret_hash: bytes, lifetime_s: int) -> SessionOwner | None:
    """Who a live session belongs to; its expiry slides forward (at most once a minute)."""
    async with conn.cursor(row_factory=class_row(SessionOwner)) as cursor:
        await cursor.execute(_OWNER, {"hash": secret_hash, "lifetime": lifetime_s})
        return await cursor.fetchone()
