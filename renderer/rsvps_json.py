"""rsvps.json: the answers' summary the page's script loads. First names only: the link is
shared in group chats, so nothing more personal than that is published."""

from __future__ import annotations

import msgspec

from renderer import words
from renderer.model import Invite


class RsvpSummary(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    cancelled: bool
    counts: dict[str, int]
    going: int  # people, guests included
    party_size: int | None
    full: bool  # the creator closes answers at the party size, and it is reached
    names: list[str]  # first names of those coming, in the order they answered (the first 20)
    more_names: int  # IN answers beyond those named
    maybe_names: list[str]
    more_maybe_names: int


def summarize(invite: Invite) -> RsvpSummary:
    answers = invite.answers
    names, more_names = words.listed(
        [words.first_name(a.name) for a in answers if a.response == "IN"]
    )
    maybe, more_maybe = words.listed(
        [words.first_name(a.name) for a in answers if a.response == "MAYBE"]
    )
    return RsvpSummary(
        version=invite.version,
        cancelled=invite.cancelled,
        counts=words.counts(answers),
        going=words.going_count(answers),
        party_size=invite.party_size,
        full=words.is_full(invite),
        names=names,
        more_names=more_names,
        maybe_names=maybe,
        more_maybe_names=more_maybe,
    )


def render_rsvps_json(invite: Invite) -> bytes:
    return msgspec.json.encode(summarize(invite))
