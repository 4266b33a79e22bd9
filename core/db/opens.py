"""Invite opens, as the worker moves them from the edge's spool (see cdn/opens.py).

A spool file is counted in one transaction that first records its name: a file counted once
is never counted again, even if the worker dies before deleting it.
"""

from __future__ import annotations

from datetime import date

import msgspec

from core.db.pool import Connection


class Counted(msgspec.Struct, frozen=True, kw_only=True):
    opens: int  # views of invites that exist (unknown slugs are dropped)
    unique_opens: int  # viewers new to their invite that day


_CLAIM = """
INSERT INTO open_batches (name, lines) VALUES (%(name)s, %(lines)s)
ON CONFLICT (name) DO NOTHING RETURNING name
"""

# Opens per (invite, day), plus the viewers of this batch not yet seen that day.
_RECORD = """
WITH opened AS (
    SELECT i.id AS invite_id, o.day, o.opens
    FROM unnest(%(slugs)s::text[], %(days)s::date[], %(opens)s::bigint[]) AS o (slug, day, opens)
    JOIN invites i ON i.slug = o.slug
), viewed AS (
    INSERT INTO invite_viewers (invite_id, day, viewer)
    SELECT i.id, v.day, v.viewer
    FROM unnest(%(viewer_slugs)s::text[], %(viewer_days)s::date[], %(viewers)s::bytea[])
        AS v (slug, day, viewer)
    JOIN invites i ON i.slug = v.slug
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING invite_id, day
), fresh AS (
    SELECT invite_id, day, count(*) AS viewers FROM viewed GROUP BY invite_id, day
), upserted AS (
    INSERT INTO invite_open_days (invite_id, day, opens, unique_opens)
    SELECT o.invite_id, o.day, o.opens, COALESCE(f.viewers, 0)
    FROM opened o LEFT JOIN fresh f USING (invite_id, day)
    ORDER BY 1, 2
    ON CONFLICT (invite_id, day) DO UPDATE
    SET opens = invite_open_days.opens + EXCLUDED.opens,
        unique_opens = invite_open_days.unique_opens + EXCLUDED.unique_opens
)
SELECT (SELECT COALESCE(sum(opens), 0) FROM opened), (SELECT COALESCE(sum(viewers), 0) FROM fresh)
"""

_PRUNE_VIEWERS = "DELETE FROM invite_viewers WHERE day < %(before)s"
_PRUNE_BATCHES = "DELETE FROM open_batches WHERE ingested_at < now() - interval '7 days'"


async def record_batch(
    conn: Connection,
    *,
    name: str,
    lines: int,
    opens: dict[tuple[str, date], int],
    viewers: set[tuple[str, date, bytes]],
) -> Counted | None:
    """Count one spool file; None if it was counted before."""
    async with conn.transaction():
        cursor = await conn.execute(_CLAIM, {"name": name, "lines": lines})
        if await cursor.fetchone() is None:
            return None
        opened = sorted(opens.items())
        seen = sorted(viewers)
        cursor = await conn.execute(
            _RECORD,
            {
                "slugs": [slug for (slug, _), _ in opened],
                "days": [day for (_, day), _ in opened],
                "opens": [count for _, count in opened],
                "viewer_slugs": [slug for slug, _, _ in seen],
                "viewer_days": [day for _, day, _ in seen],
                "viewers": [viewer for _, _, viewer in seen],
            },
        )
        row = await cursor.fetchone()
    assert row is not None
    return Counted(opens=int(row[0]), unique_opens=int(row[1]))


async def prune(conn: Connection, *, viewers_before: date) -> None:
    """Forget viewers of past days (their salt is gone) and long-counted file names."""
    await conn.execute(_PRUNE_VIEWERS, {"before": viewers_before})
    await conn.execute(_PRUNE_BATCHES)
