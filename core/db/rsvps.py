"""RSVPs: one row per participant per invite, changed in place when they answer again."""

from __future__ import annotations

from datetime import datetime
from typing import LiteralString
from uuid import UUID

import msgspec
from psycopg.rows import class_row

from core.db.pool import Connection


class RsvpRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    invite_id: int
    name: str
    answer: str
    guests: int
    created_at: datetime
    updated_at: datetime


_COLUMNS: LiteralString = "id, invite_id, name, answer, guests, created_at, updated_at"

# The version bump rides in the same statement, so an answer and the invite's publish debt
# are one write.
_UPSERT = (
    """
WITH answer AS (
    INSERT INTO rsvps (invite_id, participant_key_hash, name, answer, guests)
    VALUES (%(invite_id)s, %(key_hash)s, %(name)s, %(answer)s, %(guests)s)
    ON CONFLICT (invite_id, participant_key_hash) DO UPDATE
    SET name = EXCLUDED.name, answer = EXCLUDED.answer, guests = EXCLUDED.guests,
        updated_at = now()
    RETURNING """
    + _COLUMNS
    + """
), bump AS (
    UPDATE invites SET version = version + 1, updated_at = now() WHERE id = %(invite_id)s
)
SELECT * FROM answer
"""
)

_FOR_INVITE = (
    "SELECT " + _COLUMNS + " FROM rsvps WHERE invite_id = %(invite_id)s ORDER BY created_at, id"
)


async def upsert(
    conn: Connection, *, invite_id: int, key_hash: bytes, name: str, answer: str, guests: int
) -> RsvpRow:
    params = {
        "invite_id": invite_id,
        "key_hash": key_hash,
        "name": name,
        "answer": answer,
        "guests": guests,
    }
    async with conn.cursor(row_factory=class_row(RsvpRow)) as cursor:
        await cursor.execute(_UPSERT, params)
        row = await cursor.fetchone()
    assert row is not None
    return row


async def for_invite(conn: Connection, *, invite_id: int) -> list[RsvpRow]:
    async with conn.cursor(row_factory=class_row(RsvpRow)) as cursor:
        await cursor.execute(_FOR_INVITE, {"invite_id": invite_id})
        return await cursor.fetchall()


class Tally(msgspec.Struct, frozen=True, kw_only=True):
    """One invite's answers as one participant's new answer meets them."""

    answers: int  # participants who have answered (this one included, if they have)
    answered: bool  # this participant has answered before: a change, not a new answer
    going_without: int  # people coming (guests included), leaving this participant out


_TALLY = """
SELECT count(*) AS answers,
    COALESCE(bool_or(participant_key_hash = %(key_hash)s), false) AS answered,
    COALESCE(sum(1 + guests) FILTER (
        WHERE answer = 'IN' AND participant_key_hash <> %(key_hash)s), 0) AS going_without
FROM rsvps WHERE invite_id = %(invite_id)s
"""


async def tally(conn: Connection, *, invite_id: int, key_hash: bytes) -> Tally:
    async with conn.cursor(row_factory=class_row(Tally)) as cursor:
        await cursor.execute(_TALLY, {"invite_id": invite_id, "key_hash": key_hash})
        row = await cursor.fetchone()
    assert row is not None  # an aggregate always answers one row
    return row


# --- the host's guest list ------------------------------------------------------------------


class GuestRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID  # the answer's public id (never the row's counter)
    name: str
    response: str
    guests: int
    created_at: datetime
    updated_at: datetime


_GUEST_LIST = """
SELECT public_id AS id, name, answer AS response, guests, created_at, updated_at
FROM rsvps WHERE invite_id = %(invite_id)s ORDER BY created_at, id
"""

# The answer goes and the invite owes a publish, in one statement.
_REMOVE = """
WITH gone AS (
    DELETE FROM rsvps WHERE invite_id = %(invite_id)s AND public_id = %(answer_id)s
    RETURNING invite_id
), bump AS (
    UPDATE invites SET version = version + 1, updated_at = now()
    WHERE id IN (SELECT invite_id FROM gone)
)
SELECT count(*) FROM gone
"""


async def guest_list(conn: Connection, *, invite_id: int) -> list[GuestRow]:
    async with conn.cursor(row_factory=class_row(GuestRow)) as cursor:
        await cursor.execute(_GUEST_LIST, {"invite_id": invite_id})
        return await cursor.fetchall()


async def remove(conn: Connection, *, invite_id: int, answer_id: UUID) -> bool:
    """Delete one answer of this invite (lock the invite first); False if it has no such one."""
    cursor = await conn.execute(_REMOVE, {"invite_id": invite_id, "answer_id": answer_id})
    row = await cursor.fetchone()
    return bool(row and row[0])
