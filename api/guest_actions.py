"""The host's guest list: every answer in full, as JSON or a CSV file, and removing one.

Another creator's invite, or an answer of another invite, is a 404 like a missing one.
"""

from __future__ import annotations

import csv
import io
import logging
from uuid import UUID
from zoneinfo import ZoneInfo

from redis.exceptions import RedisError

from api.schemas import GuestOut
from api.state import Services
from core.db import invites, rsvps
from core.db.pool import as_creator
from core.domain import Answer
from core.errors import NotFound

log = logging.getLogger("tablefor.api")

CSV_COLUMNS = ("name", "response", "guests", "created_at", "updated_at")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


async def guest_list(
    services: Services, slug: str, *, creator_id: int
) -> tuple[invites.InviteRow, list[rsvps.GuestRow]]:
    async with as_creator(services.pool, creator_id) as conn:
        invite = await invites.get_owned(conn, slug=slug, creator_id=creator_id)
        if invite is None:
            raise NotFound("no such invite")
        return invite, await rsvps.guest_list(conn, invite_id=invite.id)


async def remove(services: Services, slug: str, answer_id: str, *, creator_id: int) -> int:
    """Remove one answer and republish the page; the invite's id."""
    public_id = _public_id(answer_id)
    async with as_creator(services.pool, creator_id) as conn:
        invite_id = await invites.lock_owned(conn, slug=slug, creator_id=creator_id)
        if invite_id is None:
            raise NotFound("no such invite")
        if public_id is None or not await rsvps.remove(
            conn, invite_id=invite_id, answer_id=public_id
        ):
            raise NotFound("no such answer to this invite")
    try:
        await services.queues.request_publish(invite_id)
    except (RedisError, OSError) as error:
        log.warning("enqueue failed; the sweep will publish", extra={"error": str(error)})
    return invite_id


def to_out(row: rsvps.GuestRow) -> GuestOut:
    return GuestOut(
        id=str(row.id),
        name=row.name,
        response=Answer(row.response),
        guests=row.guests,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_csv(invite: invites.InviteRow, rows: list[rsvps.GuestRow]) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheets read Hindi names right), CRLF lines, times
    in the invite's own time zone; no cell can start a formula."""
    zone = ZoneInfo(invite.timezone)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                _inert(row.name),
                row.response,
                row.guests,
                row.created_at.astimezone(zone).isoformat(timespec="seconds"),
                row.updated_at.astimezone(zone).isoformat(timespec="seconds"),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode()


def csv_filename(slug: str) -> str:
    return f"tablefor-{slug}-guests.csv"


def _inert(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _public_id(answer_id: str) -> UUID | None:
    try:
        return UUID(answer_id)
    except ValueError:
        return None
