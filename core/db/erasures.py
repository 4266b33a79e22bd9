"""Erasures: published objects owed a deletion because their invite is gone.

The debt is written in the transaction that deletes the rows, so it survives a Redis outage or
a lost job; the worker pays it (storage, then the edge) and the sweep finds what is left.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from psycopg.rows import class_row

from core.db.pool import Connection


class Erasure(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    slug: str
    invite_id: int
    created_at: datetime
    passes: int


_OWE_FOR_CREATOR = """
INSERT INTO erasures (slug, invite_id)
SELECT slug, id FROM invites WHERE creator_id = %(creator_id)s
"""

_DUE = """
SELECT id, slug, invite_id, created_at, passes FROM erasures
WHERE due_at <= now() - make_interval(secs => %(grace)s)
ORDER BY due_at LIMIT %(limit)s
"""

_POSTPONE = """
UPDATE erasures SET passes = passes + 1, due_at = created_at + make_interval(secs => %(after)s)
WHERE id = %(id)s
"""

# A dead-lettered erasure waits for an operator (`tablefor dlq replay`), not for the sweep.
_PARK_DUE = "UPDATE erasures SET due_at = 'infinity' WHERE due_at <= now()"
_UNPARK = "UPDATE erasures SET due_at = now() WHERE due_at = 'infinity'"

_DONE = "DELETE FROM erasures WHERE id = %(id)s"
_COUNT = "SELECT count(*) FROM erasures"


async def owe_for_creator(conn: Connection, *, creator_id: int) -> int:
    """Record the erasure of every invite of the creator (before deleting them)."""
    cursor = await conn.execute(_OWE_FOR_CREATOR, {"creator_id": creator_id})
    return cursor.rowcount


async def due(conn: Connection, *, grace: float = 0.0, limit: int = 100) -> list[Erasure]:
    async with conn.cursor(row_factory=class_row(Erasure)) as cursor:
        await cursor.execute(_DUE, {"grace": grace, "limit": limit})
        return await cursor.fetchall()


async def postpone(conn: Connection, *, erasure_id: int, after_s: float) -> None:
    """Count a pass and make the erasure due again `after_s` after it was first recorded."""
    await conn.execute(_POSTPONE, {"id": erasure_id, "after": after_s})


async def park_due(conn: Connection) -> int:
    cursor = await conn.execute(_PARK_DUE)
    return cursor.rowcount


async def unpark(conn: Connection) -> int:
    cursor = await conn.execute(_UNPARK)
    return cursor.rowcount


async def done(conn: Connection, *, erasure_id: int) -> None:
    await conn.execute(_DONE, {"id": erasure_id})


async def count(conn: Connection) -> int:
    cursor = await conn.execute(_COUNT)
    row = await cursor.fetchone()
    return int(row[0]) if row else 0
