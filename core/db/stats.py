"""Opens and answers per invite, and an operator's totals over a window: what the creator API
and `tablefor stats` report. Opens come from the edge (see migrations/0060_invite_opens.sql)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from core.db.pool import Connection


class InviteStats(msgspec.Struct, frozen=True, kw_only=True):
    opens: int = 0
    unique_opens: int = 0  # viewers counted once a day each (the day's salt changes)
    answers_in: int = 0
    answers_maybe: int = 0
    answers_out: int = 0

    @property
    def answered(self) -> int:
        """People who answered, whatever they answered."""
        return self.answers_in + self.answers_maybe + self.answers_out

    @property
    def conversion(self) -> float:
        return conversion(self.answered, self.unique_opens)


class Totals(msgspec.Struct, frozen=True, kw_only=True):
    creates: int
    parse_complete: int
    parse_warnings: int
    parse_incomplete: int
    typed_in: int  # created from manual fields alone, nothing parsed
    enrich_done: int
    enrich_failed: int
    enrich_pending: int
    enrich_skipped: int
    opens: int
    unique_opens: int
    answers_in: int
    answers_maybe: int
    answers_out: int

    @property
    def answered(self) -> int:
        return self.answers_in + self.answers_maybe + self.answers_out

    @property
    def conversion(self) -> float:
        return conversion(self.answered, self.unique_opens)


def conversion(answered: int, unique_opens: int) -> float:
    """People who answered per unique open; 0.0 before anyone has opened the page."""
    return round(answered / unique_opens, 4) if unique_opens else 0.0


_FOR_INVITES = """
SELECT i.id,
    COALESCE(o.opens, 0), COALESCE(o.unique_opens, 0),
    COALESCE(a.answers_in, 0), COALESCE(a.answers_maybe, 0), COALESCE(a.answers_out, 0)
FROM unnest(%(ids)s::bigint[]) AS i (id)
LEFT JOIN (
    SELECT invite_id, sum(opens) AS opens, sum(unique_opens) AS unique_opens
    FROM invite_open_days WHERE invite_id = ANY(%(ids)s) GROUP BY invite_id
) o ON o.invite_id = i.id
LEFT JOIN (
    SELECT invite_id,
        count(*) FILTER (WHERE answer = 'IN') AS answers_in,
        count(*) FILTER (WHERE answer = 'MAYBE') AS answers_maybe,
        count(*) FILTER (WHERE answer = 'OUT') AS answers_out
    FROM rsvps WHERE invite_id = ANY(%(ids)s) GROUP BY invite_id
) a ON a.invite_id = i.id
"""

# Creates and their parse and enrichment by when the invite was made; opens by their (UTC)
# day; answers by when each person first answered.
_TOTALS = """
WITH made AS (
    SELECT count(*) AS creates,
        count(*) FILTER (WHERE parse_outcome = 'complete') AS parse_complete,
        count(*) FILTER (WHERE parse_outcome = 'warnings') AS parse_warnings,
        count(*) FILTER (WHERE parse_outcome = 'incomplete') AS parse_incomplete,
        count(*) FILTER (WHERE parse_outcome IS NULL) AS typed_in,
        count(*) FILTER (WHERE enrich_state = 'done') AS enrich_done,
        count(*) FILTER (WHERE enrich_state = 'failed') AS enrich_failed,
        count(*) FILTER (WHERE enrich_state = 'pending') AS enrich_pending,
        count(*) FILTER (WHERE enrich_state = 'skipped') AS enrich_skipped
    FROM invites WHERE created_at >= %(since)s
), opened AS (
    SELECT COALESCE(sum(opens), 0) AS opens, COALESCE(sum(unique_opens), 0) AS unique_opens
    FROM invite_open_days WHERE day >= (%(since)s AT TIME ZONE 'UTC')::date
), answered AS (
    SELECT count(*) FILTER (WHERE answer = 'IN') AS answers_in,
        count(*) FILTER (WHERE answer = 'MAYBE') AS answers_maybe,
        count(*) FILTER (WHERE answer = 'OUT') AS answers_out
    FROM rsvps WHERE created_at >= %(since)s
)
SELECT creates, parse_complete, parse_warnings, parse_incomplete, typed_in, enrich_done,
    enrich_failed, enrich_pending, enrich_skipped, opens, unique_opens, answers_in,
    answers_maybe, answers_out
FROM made, opened, answered
"""


async def for_invites(conn: Connection, *, invite_ids: list[int]) -> dict[int, InviteStats]:
    if not invite_ids:
        return {}
    cursor = await conn.execute(_FOR_INVITES, {"ids": invite_ids})
    return {
        int(row[0]): InviteStats(
            opens=int(row[1]),
            unique_opens=int(row[2]),
            answers_in=int(row[3]),
            answers_maybe=int(row[4]),
            answers_out=int(row[5]),
        )
        for row in await cursor.fetchall()
    }


async def totals(conn: Connection, *, since: datetime) -> Totals:
    cursor = await conn.execute(_TOTALS, {"since": since})
    row = await cursor.fetchone()
    assert row is not None
    return Totals(**dict(zip(Totals.__struct_fields__, (int(value) for value in row), strict=True)))
