"""PostgreSQL advisory locks, for work one process of many should do at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.db.pool import Connection

# Any constants work; they only have to be the same for every process of one database.
MIGRATIONS = 0x7461626C65666F72  # "tablefor"
SWEEP = 0x5357_4545_5000_0000  # "SWEEP"
OPENS = 0x4F50_454E_5300_0000  # "OPENS": one worker at a time moves the edge's spool


@asynccontextmanager
async def try_session_lock(conn: Connection, lock_id: int) -> AsyncIterator[bool]:
    """True inside the block if this session now holds the lock; released at the end."""
    cursor = await conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_id,))
    row = await cursor.fetchone()
    held = bool(row and row[0])
    try:
        yield held
    finally:
        if held:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))


@asynccontextmanager
async def session_lock(conn: Connection, lock_id: int) -> AsyncIterator[None]:
    """Wait for the lock, hold it through the block (across its transactions), release it."""
    await conn.execute("SELECT pg_advisory_lock(%s)", (lock_id,))
    try:
        yield
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))
