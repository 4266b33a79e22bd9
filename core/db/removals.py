"""What storage owes to remove (migrations/0021_storage_removals.sql): rows written in the same
statement that makes them owed (a publish that replaced an OG image, an invite deleted, a
restaurant photo replaced or past its deadline), run by the workers when due, retried later on
failure, and parked for a replay after too many.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from psycopg.rows import class_row

from core.db.pool import Connection


class Removal(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    invite_id: int | None  # None once the invite is deleted
    slug: str | None  # None: a restaurant photo's files (migrations/0080)
    object_key: str | None  # one replaced object...
    prefix: str | None  # ...or everything under a deleted invite's folder, or of one photo
    due_at: datetime
    passes: int  # runs still owed, this one included
    attempts: int  # tries of this pass, this one included


class Owed(msgspec.Struct, frozen=True):
    owed: int
    failed: int


_COLUMNS = "id, invite_id, slug, object_key, prefix, due_at, passes, attempts"

_START = (
    """
UPDATE storage_removals SET attempts = attempts + 1
WHERE id = %(id)s AND failed_at IS NULL AND due_at <= now()
RETURNING """
    + _COLUMNS
)

_RESCHEDULE = """
UPDATE storage_removals SET passes = passes - 1, attempts = 0, last_error = NULL,
    due_at = now() + make_interval(secs => %(delay)s)
WHERE id = %(id)s AND passes > 1
RETURNING id
"""

_DONE = "DELETE FROM storage_removals WHERE id = %(id)s"

_RETRY_LATER = """
UPDATE storage_removals SET last_error = %(error)s,
    due_at = now() + make_interval(secs => %(delay)s)
WHERE id = %(id)s
"""

_MARK_FAILED = """
UPDATE storage_removals SET failed_at = now(), last_error = %(error)s WHERE id = %(id)s
"""

_CLEAR_FAILURE = """
UPDATE storage_removals SET failed_at = NULL, attempts = 0, due_at = now()
WHERE id = %(id)s
RETURNING id
"""

# Due a little while ago: younger ones are most likely still in the queue (scheduled there).
_DUE = """
SELECT id FROM storage_removals
WHERE failed_at IS NULL AND due_at < now() - make_interval(secs => %(grace)s)
ORDER BY due_at LIMIT %(limit)s
"""

_OWED = """
SELECT count(*) FILTER (WHERE failed_at IS NULL), count(*) FILTER (WHERE failed_at IS NOT NULL)
FROM storage_removals
"""


# Folders of invites that go (an account deleted): each owed as a deleted invite's folder is,
# now and once more after the grace period.
_OWE_FOLDERS = """
INSERT INTO storage_removals (slug, prefix, due_at, passes)
SELECT slug, prefix, now(), 2 FROM unnest(%(slugs)s::text[], %(prefixes)s::text[])
    AS folders (slug, prefix)
RETURNING id
"""


async def start(conn: Connection, *, removal_id: int) -> Removal | None:
    """Count this try and return the removal; None if it is not due (done already, parked,
    or not yet time)."""
    async with conn.cursor(row_factory=class_row(Removal)) as cursor:
        await cursor.execute(_START, {"id": removal_id})
        return await cursor.fetchone()


async def finish_pass(conn: Connection, *, removal_id: int, delay: float) -> bool:
    """After a successful pass: the next one `delay` seconds later, or none. True if one is
    still owed."""
    cursor = await conn.execute(_RESCHEDULE, {"id": removal_id, "delay": delay})
    if await cursor.fetchone() is not None:
        return True
    await conn.execute(_DONE, {"id": removal_id})
    return False


async def retry_later(conn: Connection, *, removal_id: int, error: str, delay: float) -> None:
    params = {"id": removal_id, "error": error[-4000:], "delay": delay}
    await conn.execute(_RETRY_LATER, params)


async def mark_failed(conn: Connection, *, removal_id: int, error: str) -> None:
    await conn.execute(_MARK_FAILED, {"id": removal_id, "error": error[-4000:]})


async def clear_failure(conn: Connection, *, removal_id: int) -> bool:
    """For a replayed dead letter: due now, with a fresh count of tries."""
    cursor = await conn.execute(_CLEAR_FAILURE, {"id": removal_id})
    return await cursor.fetchone() is not None


async def due(conn: Connection, *, grace: float, limit: int) -> list[int]:
    cursor = await conn.execute(_DUE, {"grace": grace, "limit": limit})
    return [int(row[0]) for row in await cursor.fetchall()]


async def owed(conn: Connection) -> Owed:
    cursor = await conn.execute(_OWED)
    row = await cursor.fetchone()
    assert row is not None
    return Owed(int(row[0]), int(row[1]))


async def owe_folders(conn: Connection, *, folders: dict[str, str]) -> list[int]:
    """Owe the removal of each folder (by slug); the removals' ids."""
    params = {"slugs": list(folders), "prefixes": list(folders.values())}
    cursor = await conn.execute(_OWE_FOLDERS, params)
    return [int(row[0]) for row in await cursor.fetchall()]
