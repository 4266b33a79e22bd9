"""Creators and their API tokens."""

from __future__ import annotations

from datetime import datetime

import msgspec

from core.db.pool import Connection


class Creator(msgspec.Struct, frozen=True):
    id: int
    email: str
    display_name: str | None
    created_at: datetime


_UPSERT = """
INSERT INTO creators (email, display_name) VALUES (%(email)s, %(display_name)s)
ON CONFLICT (email) DO UPDATE
SET display_name = COALESCE(EXCLUDED.display_name, creators.display_name)
RETURNING id, email, display_name, created_at, (xmax = 0) AS created
"""

_INSERT_HASH = """
INSERT INTO api_tokens (creator_id, token_hash) VALUES (%(creator_id)s, %(hash)s)
"""

_CREATOR_BY_HASH = """
SELECT creator_id FROM api_tokens WHERE token_hash = %(hash)s AND revoked_at IS NULL
"""


async def upsert(conn: Connection, *, email: str, display_name: str | None) -> tuple[Creator, bool]:
    """The creator with this e-mail, created if new; the flag says whether it was."""
    cursor = await conn.execute(_UPSERT, {"email": email, "display_name": display_name})
    row = await cursor.fetchone()
    assert row is not None
    return Creator(*row[:4]), bool(row[4])


async def add_token(conn: Connection, *, creator_id: int, token_hash: bytes) -> None:
    await conn.execute(_INSERT_HASH, {"creator_id": creator_id, "hash": token_hash})


async def creator_for_token(conn: Connection, *, token_hash: bytes) -> int | None:
    cursor = await conn.execute(_CREATOR_BY_HASH, {"hash": token_hash})
    row = await cursor.fetchone()
    return None if row is None else int(row[0])
