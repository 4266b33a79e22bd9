"""Dead letters: jobs that failed for good, kept with what is needed to replay them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from core.db.pool import Connection


class DeadLetter(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    task: str
    arguments: dict[str, Any]
    error: str
    attempts: int
    invite_id: int | None
    failed_at: datetime
    replayed_at: datetime | None


_COLUMNS = "id, task, arguments, error, attempts, invite_id, failed_at, replayed_at"

# One open letter per task and invite (per task and arguments for a job about no invite, such
# as a storage removal): a job that keeps failing updates its letter.
_RECORD = """
WITH open AS (
    UPDATE dead_letters SET error = %(error)s, attempts = attempts + %(attempts)s,
        failed_at = now(), arguments = %(arguments)s
    WHERE task = %(task)s AND invite_id IS NOT DISTINCT FROM %(invite_id)s::bigint
        AND (%(invite_id)s::bigint IS NOT NULL OR arguments = %(arguments)s)
        AND replayed_at IS NULL
    RETURNING id
)
INSERT INTO dead_letters (task, arguments, error, attempts, invite_id)
SELECT %(task)s, %(arguments)s, %(error)s, %(attempts)s, %(invite_id)s
WHERE NOT EXISTS (SELECT 1 FROM open)
RETURNING id
"""

_RECORD_NEW = """
INSERT INTO dead_letters (task, arguments, error, attempts, invite_id)
VALUES (%(task)s, %(arguments)s, %(error)s, %(attempts)s, NULL)
"""

_OPEN = (
    "SELECT "
    + _COLUMNS
    + " FROM dead_letters WHERE replayed_at IS NULL ORDER BY id LIMIT %(limit)s"
)
_GET = "SELECT " + _COLUMNS + " FROM dead_letters WHERE id = %(id)s"
_MARK_REPLAYED = """
UPDATE dead_letters SET replayed_at = now() WHERE id = %(id)s AND replayed_at IS NULL RETURNING id
"""
_DROP = "DELETE FROM dead_letters WHERE id = %(id)s RETURNING id"
_COUNT_OPEN = "SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL"


async def record(
    conn: Connection,
    *,
    task: str,
    arguments: dict[str, Any],
    error: str,
    attempts: int,
    invite_id: int | None,
) -> None:
    params = {
        "task": task,
        "arguments": Jsonb(arguments),
        "error": error[-4000:],  # the end of a traceback is the useful part
        "attempts": attempts,
        "invite_id": invite_id,
    }
    await conn.execute(_RECORD, params)


async def record_separately(
    conn: Connection, *, task: str, arguments: dict[str, Any], error: str, attempts: int
) -> None:
    """A letter of its own, for jobs that name no invite (a sign-in mail): `record` would merge
    every such job of a task into one letter."""
    params = {
        "task": task,
        "arguments": Jsonb(arguments),
        "error": error[-4000:],
        "attempts": attempts,
    }
    await conn.execute(_RECORD_NEW, params)


async def list_open(conn: Connection, *, limit: int = 100) -> list[DeadLetter]:
    async with conn.cursor(row_factory=class_row(DeadLetter)) as cursor:
        await cursor.execute(_OPEN, {"limit": limit})
        return await cursor.fetchall()


async def get(conn: Connection, *, letter_id: int) -> DeadLetter | None:
    async with conn.cursor(row_factory=class_row(DeadLetter)) as cursor:
        await cursor.execute(_GET, {"id": letter_id})
        return await cursor.fetchone()


async def mark_replayed(conn: Connection, *, letter_id: int) -> bool:
    cursor = await conn.execute(_MARK_REPLAYED, {"id": letter_id})
    return await cursor.fetchone() is not None


async def drop(conn: Connection, *, letter_id: int) -> bool:
    cursor = await conn.execute(_DROP, {"id": letter_id})
    return await cursor.fetchone() is not None


async def count_open(conn: Connection) -> int:
    cursor = await conn.execute(_COUNT_OPEN)
    row = await cursor.fetchone()
    return int(row[0]) if row else 0
