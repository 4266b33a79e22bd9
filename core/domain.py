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
