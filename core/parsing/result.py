"""What the booking parser returns: the fixed parse-result contract of ARCHITECTURE.md."""

from __future__ import annotations

from datetime import datetime

import msgspec

SOURCES = ("swiggy_dineout", "zomato", "district", "eazydiner", "opentable", "google", "unknown")


class ParseResult(msgspec.Struct, frozen=True, kw_only=True):
    source: str  # one of SOURCES
    restaurant_name: str | None
    area: str | None
    city: str | None
    swiggy_restaurant_id: str | None  # digits only, taken from a Swiggy URL in the text
    starts_at: datetime | None  # aware; encodes as ISO 8601 with offset
    party_size: int | None
    booking_id: str | None
    offer: str | None
    warnings: tuple[str, ...] = ()


def outcome(result: ParseResult) -> str:
    """How well a parse went: `complete` (no warnings), `warnings` (restaurant and time found,
    with warnings), or `incomplete` (the restaurant or the time is missing)."""
    if result.restaurant_name is None or result.starts_at is None:
        return "incomplete"
    return "warnings" if result.warnings else "complete"
