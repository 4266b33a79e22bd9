"""Request and response bodies. Strict: unknown fields are refused and every string is bounded."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar.params import Parameter
from msgspec import UNSET, Meta, UnsetType

from core.domain import MAX_ANSWERS, MAX_EXTRA_GUESTS, MAX_PARTY_SIZE, Answer
from core.secrets import SLUG_PATTERN

# At least one visible character; the bounds are checked again after trimming.
_VISIBLE = r"\S"

# Fields whose text may span lines: tabs and line breaks are allowed in them, and in no other
# string field; every other control character is refused everywhere (api/bodies.py).
MULTILINE_FIELDS = frozenset({"text", "message"})

# An invite's slug as a path parameter (the one definition every route uses).
Slug = Annotated[str, Parameter(min_length=12, max_length=14, pattern=SLUG_PATTERN)]
Text = Annotated[str, Meta(min_length=1, max_length=20_000, description="A pasted booking")]
Name = Annotated[str, Meta(min_length=1, max_length=60, pattern=_VISIBLE)]
RestaurantName = Annotated[str, Meta(min_length=1, max_length=120, pattern=_VISIBLE)]
Place = Annotated[str, Meta(min_length=1, max_length=80, pattern=_VISIBLE)]
Title = Annotated[str, Meta(min_length=1, max_length=120, pattern=_VISIBLE)]
Message = Annotated[str, Meta(min_length=1, max_length=1_000, pattern=_VISIBLE)]
Offer = Annotated[str, Meta(min_length=1, max_length=200, pattern=_VISIBLE)]
BookingId = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-/#.]+$")]
SwiggyId = Annotated[str, Meta(pattern=r"^[0-9]{1,20}$")]
TimeZoneName = Annotated[
    str,
    Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$", examples=["Asia/Kolkata"]),
]
AwareDateTime = Annotated[datetime, Meta(tz=True)]
# Out: always "+00:00", never "Z", so every client reads the offset the same way.
IsoDateTime = Annotated[
    str, Meta(extra_json_schema={"format": "date-time"}, examples=["2026-12-12T19:30:00+05:30"])
]
PublishState = Literal["pending", "published", "failed"]
PartySize = Annotated[int, Meta(ge=1, le=MAX_PARTY_SIZE)]
Guests = Annotated[int, Meta(ge=0, le=MAX_EXTRA_GUESTS)]
MaxAnswers = Annotated[
    int,
    Meta(
        ge=1,
        le=MAX_ANSWERS,
        description="How many people may answer; null: three per seat (60 without a party size)",
    ),
]
ParticipantKey = Annotated[str, Meta(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class ParseRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: Annotated[str, Meta(max_length=20_000)]
    now: AwareDateTime | None = None
    tz: TimeZoneName | None = None


class ParseResponse(msgspec.Struct, kw_only=True):
    source: str
    restaurant_name: str | None
    area: str | None
    city: str | None
    swiggy_restaurant_id: str | None
    starts_at: IsoDateTime | None
    party_size: int | None
    booking_id: str | None
    offer: str | None
    warnings: list[str]


class CreateInvite(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Booking text, manual fields, or both; a manual field wins over what the text says."""

    text: Text | None = None
    tz: TimeZoneName | None = None
    restaurant_name: RestaurantName | None = None
    area: Place | None = None
    city: Place | None = None
    swiggy_restaurant_id: SwiggyId | None = None
    starts_at: AwareDateTime | None = None
    party_size: PartySize | None = None
    close_when_full: bool = False  # stop IN answers once the party size is reached
    max_answers: MaxAnswers | None = None  # None: the default cap (core.domain.answer_cap)
    booking_id: BookingId | None = None
    offer: Offer | None = None
    title: Title | None = None
    message: Message | None = None
    host_name: Name | None = None


class UpdateInvite(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Only the fields present change; `null` clears an optional one."""

    title: Title | UnsetType | None = UNSET
    message: Message | UnsetType | None = UNSET
    host_name: Name | UnsetType | None = UNSET
    starts_at: AwareDateTime | UnsetType = UNSET
    party_size: PartySize | UnsetType | None = UNSET
    close_when_full: bool | UnsetType = UNSET
    max_answers: MaxAnswers | UnsetType | None = UNSET


class RestaurantOut(msgspec.Struct, kw_only=True):
    name: str
    area: str | None
    city: str | None
    swiggy_restaurant_id: str | None
    # True when other invites with this Swiggy id are at restaurants that do not agree with this
    # name and place: the id was not used to find the details, which were looked up by name.
    swiggy_restaurant_id_ignored: bool = False


class AnswerCounts(msgspec.Struct, kw_only=True):
    IN: int = 0
    MAYBE: int = 0
    OUT: int = 0


class InviteStatsOut(msgspec.Struct, kw_only=True):
    """How the invite is doing: page views by people (link-preview bots are not counted),
    unique viewers (each counted once a day), answers, and answers per unique viewer."""

    opens: int = 0
    unique_opens: int = 0
    answers: AnswerCounts = msgspec.field(default_factory=AnswerCounts)
    conversion: float = 0.0  # people who answered / unique opens (0.0 before any open)


class InviteOut(msgspec.Struct, kw_only=True):
    slug: str
    url: str
    status: str
    title: str | None
    message: str | None
    host_name: str | None
    restaurant: RestaurantOut
    starts_at: IsoDateTime
    timezone: str
    party_size: int | None
    close_when_full: bool
    max_answers: int | None  # as the host set it; null: the default
    answer_cap: int  # how many people may answer now (max_answers, or the default)
    booking_id: str | None
    offer: str | None
    source: str
    enrichment: str
    published: bool
    # "failed": publishing gave up (a dead letter); an edit, or an operator's replay, retries.
    publish_state: PublishState
    publish_failed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    warnings: list[str] = []
    stats: InviteStatsOut = msgspec.field(default_factory=InviteStatsOut)


class DeletedInvite(msgspec.Struct, kw_only=True):
    """What a delete with `purge=true` answers (202): the files go within seconds."""

    slug: str
    status: Literal["deleted"] = "deleted"


class InviteList(msgspec.Struct, kw_only=True):
    items: list[InviteOut]
    next_cursor: str | None


class RsvpIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    response: Answer
    name: Name
    guests: Guests = 0
    participant_key: ParticipantKey | None = None


class RsvpOut(msgspec.Struct, kw_only=True):
    slug: str
    response: Answer
    name: str
    guests: int
    participant_key: str


class GuestOut(msgspec.Struct, kw_only=True):
    """One answer as the host sees it: the whole name, never the guest's key."""

    id: str  # opaque; DELETE /api/invites/{slug}/rsvps/{id} removes the answer
    name: str
    response: Answer
    guests: int
    created_at: datetime
    updated_at: datetime


class GuestList(msgspec.Struct, kw_only=True):
    items: list[GuestOut]  # in the order they first answered


class Health(msgspec.Struct, kw_only=True):
    status: str
    checks: dict[str, str] = {}
