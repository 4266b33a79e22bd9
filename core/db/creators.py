"""Creators and their API tokens.

The API reads and changes these inside `as_creator` (row-level security shows it the creator's
own rows); which creator a token belongs to is asked through `tablefor_token_owner`, a function
that answers for one hashed token and nothing else. Operator commands connect as the owner.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from psycopg.rows import class_row

from core.db.pool import Connection


class Creator(msgspec.Struct, frozen=True):
    id: int
    email: str | None
    display_name: str | None
    created_at: datetime


class TokenRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenOwner(msgspec.Struct, frozen=True):
    token_id: int
    creator_id: int
    expires_at: datetime | None


_CREATOR_COLUMNS = "id, email, display_name, created_at"
_TOKEN_COLUMNS = "id, name, created_at, last_used_at, expires_at, revoked_at"

_UPSERT = """
INSERT INTO creators (email, display_name) VALUES (%(email)s, %(display_name)s)
ON CONFLICT (email) DO UPDATE
SET display_name = COALESCE(EXCLUDED.display_name, creators.display_name)
RETURNING id, email, display_name, created_at, (xmax = 0) AS created
"""

_GET = "SELECT " + _CREATOR_COLUMNS + " FROM creators WHERE id = %(id)s"
_BY_EMAIL = "SELECT " + _CREATOR_COLUMNS + " FROM creators WHERE email = %(email)s"

_RENAME = (
    "UPDATE creators SET display_name = %(display_name)s WHERE id = %(id)s RETURNING "
    + _CREATOR_COLUMNS
)

_DELETE = "DELETE FROM creators WHERE id = %(id)s RETURNING id"

_INSERT_TOKEN = (
    """
INSERT INTO api_tokens (creator_id, token_hash, name, expires_at)
VALUES (%(creator_id)s, %(hash)s, %(name)s, %(expires_at)s)
RETURNING """
    + _TOKEN_COLUMNS
)

_ACTIVE_TOKENS = (
    "SELECT "
    + _TOKEN_COLUMNS
    + """ FROM api_tokens
WHERE creator_id = %(creator_id)s AND revoked_at IS NULL
    AND (expires_at IS NULL OR expires_at > now())
ORDER BY id"""
)

_COUNT_ACTIVE_TOKENS = """
SELECT count(*) FROM api_tokens
WHERE creator_id = %(creator_id)s AND revoked_at IS NULL
    AND (expires_at IS NULL OR expires_at > now())
"""

_REVOKE_TOKEN = """
UPDATE api_tokens SET revoked_at = now()
WHERE id = %(id)s AND creator_id = %(creator_id)s AND revoked_at IS NULL
RETURNING id
"""

# Operators (as the owner): any token by its id, or every token of a creator.
_REVOKE_TOKEN_BY_ID = """
UPDATE api_tokens SET revoked_at = now() WHERE id = %(id)s AND revoked_at IS NULL
RETURNING creator_id
"""

_REVOKE_ALL_TOKENS = """
UPDATE api_tokens SET revoked_at = now()
WHERE creator_id = %(creator_id)s AND revoked_at IS NULL
"""

_TOKEN_OWNER = "SELECT token_id, creator_id, expires_at FROM tablefor_token_owner(%(hash)s)"


async def upsert(conn: Connection, *, email: str, display_name: str | None) -> tuple[Creator, bool]:
    """The creator with this e-mail, created if new; the flag says whether it was."""
    cursor = await conn.execute(_UPSERT, {"email": email, "display_name": display_name})
    row = await cursor.fetchone()
    assert row is not None
    return Creator(*row[:4]), bool(row[4])


async def get(conn: Connection, *, creator_id: int) -> Creator | None:
    return await _creator(conn, _GET, {"id": creator_id})


async def by_email(conn: Connection, *, email: str) -> Creator | None:
    return await _creator(conn, _BY_EMAIL, {"email": email})


async def rename(conn: Connection, *, creator_id: int, display_name: str | None) -> Creator | None:
    return await _creator(conn, _RENAME, {"id": creator_id, "display_name": display_name})


async def delete(conn: Connection, *, creator_id: int) -> bool:
    """The creator and, by cascade, their invites, answers, tokens, sessions and identities."""
    cursor = await conn.execute(_DELETE, {"id": creator_id})
    return await cursor.fetchone() is not None


async def add_token(
    conn: Connection,
    *,
    creator_id: int,
    token_hash: bytes,
    name: str = "API token",
    expires_at: datetime | None = None,
) -> TokenRow:
    params = {"creator_id": creator_id, "hash": token_hash, "name": name, "expires_at": expires_at}
    async with conn.cursor(row_factory=class_row(TokenRow)) as cursor:
        await cursor.execute(_INSERT_TOKEN, params)
        row = await cursor.fetchone()
    assert row is not None
    return row


async def active_tokens(conn: Connection, *, creator_id: int) -> list[TokenRow]:
    async with conn.cursor(row_factory=class_row(TokenRow)) as cursor:
        await cursor.execute(_ACTIVE_TOKENS, {"creator_id": creator_id})
        return await cursor.fetchall()


async def count_active_tokens(conn: Connection, *, creator_id: int) -> int:
    cursor = await conn.execute(_COUNT_ACTIVE_TOKENS, {"creator_id": creator_id})
    row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def revoke_token(conn: Connection, *, creator_id: int, token_id: int) -> bool:
    cursor = await conn.execute(_REVOKE_TOKEN, {"id": token_id, "creator_id": creator_id})
    return await cursor.fetchone() is not None


async def revoke_token_by_id(conn: Connection, *, token_id: int) -> int | None:
    """Operators: revoke a token whoever holds it; its creator's id, or None if none was live."""
    cursor = await conn.execute(_REVOKE_TOKEN_BY_ID, {"id": token_id})
    row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def revoke_all_tokens(conn: Connection, *, creator_id: int) -> int:
    cursor = await conn.execute(_REVOKE_ALL_TOKENS, {"creator_id": creator_id})
    return cursor.rowcount


async def token_owner(conn: Connection, *, token_hash: bytes) -> TokenOwner | None:
    """Who a live token belongs to (and notes its use, to the minute)."""
    async with conn.cursor(row_factory=class_row(TokenOwner)) as cursor:
        await cursor.execute(_TOKEN_OWNER, {"hash": token_hash})
        return await cursor.fetchone()


async def _creator(conn: Connection, query: str, params: dict[str, object]) -> Creator | None:
    async with conn.cursor(row_factory=class_row(Creator)) as cursor:
        await cursor.execute(query, params)
        return await cursor.fetchone()
