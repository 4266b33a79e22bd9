"""A recipient's answer: checked against the invite, written once per participant, republished."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from redis.exceptions import RedisError

from api.schemas import RsvpIn, RsvpOut
from api.state import Services
from core.db import invites, rsvps
from core.db.pool import as_recipient
from core.domain import Answer, InviteStatus, answer_cap
from core.errors import Conflict, NotFound
from core.metrics import RSVPS
from core.secrets import digest, new_participant_key

log = logging.getLogger("tablefor.api")


class InviteClosed(Conflict):
    """The invite takes no (more) answers: cancelled, begun, full, or at its cap of answers."""

    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail)
        self.reason = reason


async def answer(services: Services, slug: str, body: RsvpIn) -> tuple[RsvpOut, int]:
    key = body.participant_key or new_participant_key()
    name = " ".join(body.name.split())
    async with as_recipient(services.pool, slug) as conn:
        invite = await invites.lock_for_answer(conn, slug=slug)
        if invite is None:
            raise NotFound("no such invite")
        _check_open(invite)
        tally = await rsvps.tally(conn, invite_id=invite.id, key_hash=digest(key))
        _check_room(invite, tally, body)
        row = await rsvps.upsert(
            conn,
            invite_id=invite.id,
            key_hash=digest(key),
            name=name,
            answer=body.response,
            guests=body.guests,
        )
    RSVPS.labels(body.response).inc()
    try:
        debounce = services.settings.worker.rsvp_debounce_ms
        await services.queues.request_publish(invite.id, debounce_ms=debounce)
    except (RedisError, OSError) as error:
        log.warning("enqueue failed; the sweep will publish", extra={"error": str(error)})
    out = RsvpOut(
        slug=slug, response=body.response, name=row.name, guests=row.guests, participant_key=key
    )
    return out, invite.id


def _check_room(invite: invites.AnswerTarget, tally: rsvps.Tally, body: RsvpIn) -> None:
    """A new participant needs room under the invite's cap (someone who answered before may
    always change their answer); an IN needs a seat when the host closes at the party size."""
    cap = answer_cap(invite.party_size, invite.max_answers)
    if not tally.answered and tally.answers >= cap:
        raise InviteClosed(
            f"This invite takes no more answers: all {cap} have been given. "
            "If you were invited, ask the host to make room.",
            "limit",
        )
    seats = invite.party_size if invite.close_when_full else None
    if body.response == Answer.IN and seats and tally.going_without + 1 + body.guests > seats:
        raise InviteClosed(_full(seats, tally.going_without), "full")


def _full(party_size: int, going: int) -> str:
    left = max(0, party_size - going)
    if left == 0:
        return f"The table is full: all {party_size} places are taken."
    return f"Only {left} place(s) left at the table of {party_size}; bring fewer guests."


def _check_open(invite: invites.AnswerTarget) -> None:
    if invite.status == InviteStatus.CANCELLED:
        raise InviteClosed("The host cancelled this dinner; answers are closed.", "cancelled")
    if invite.starts_at <= datetime.now(UTC):
        raise InviteClosed("This dinner has already started; answers are closed.", "past")
