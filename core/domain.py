"""Small domain vocabularies shared by the API, the data layer and the workers."""

from __future__ import annotations

import enum


class Answer(enum.StrEnum):
    IN = "IN"
    MAYBE = "MAYBE"
    OUT = "OUT"


class InviteStatus(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class EnrichState(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # gave up after the last attempt: published with what we had
    SKIPPED = "skipped"  # nothing to look up with (no restaurant name)


MAX_PARTY_SIZE = 50
MAX_EXTRA_GUESTS = 10
DEFAULT_TIMEZONE = "Asia/Kolkata"

# Answers one invite takes (participants, not people): a flood of anonymous answers stops here.
MAX_ANSWERS = 200
ANSWERS_PER_SEAT = 3  # the default cap: the party size times this (friends who say no count)
ANSWERS_WITHOUT_PARTY_SIZE = 60


def answer_cap(party_size: int | None, max_answers: int | None) -> int:
    """The host's own cap when set; else three answers a seat (at most MAX_ANSWERS), or
    ANSWERS_WITHOUT_PARTY_SIZE when the party size is unknown."""
    if max_answers is not None:
        return max_answers
    if party_size is None:
        return ANSWERS_WITHOUT_PARTY_SIZE
    return min(MAX_ANSWERS, party_size * ANSWERS_PER_SEAT)
