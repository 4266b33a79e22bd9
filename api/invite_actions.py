"""What a creator can do with invites: validate, authorize (in the query), write, enqueue."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from redis.exceptions import RedisError

from api.schemas import (
    AnswerCounts,
    CreateInvite,
    InviteOut,
    InviteStatsOut,
    PublishState,
    RestaurantOut,
    UpdateInvite,
)
from api.state import Services
from cdn import layout
from core.db import invites, stats
from core.db.pool import Connection, as_creator, connection
from core.domain import DEFAULT_TIMEZONE, EnrichState, InviteStatus, answer_cap
from core.errors import Conflict, InvalidField, InvalidInput, NotFound, Unavailable
from core.metrics import CREATES, PARSES
from core.parsing import ParseResult
from core.parsing.result import outcome
from core.secrets import SLUG_SHAPE, new_slug

log = logging.getLogger("tablefor.api")
_SLUG = re.compile(SLUG_SHAPE)

MAX_YEARS_AHEAD = 2

_MERGED_FIELDS = (
    "restaurant_name",
    "area",
    "city",
    "swiggy_restaurant_id",
    "starts_at",
    "party_size",
    "booking_id",
    "offer",
)


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown time zone {name!r}; use an IANA name such as Asia/Kolkata"
        ) from None


def check_starts_at(starts_at: datetime, *, now: datetime) -> None:
    """In the future, and at most two years ahead: every date in that range renders, and
    nobody books a table further out. Not even a little in the past: answers close when the
    dinner starts (api/rsvp_actions.py), so such an invite could never be answered."""
    when = starts_at.isoformat(timespec="minutes")
    if starts_at <= now:
        raise InvalidField(
            "starts_at", f"`starts_at` {when} has passed; the dinner must start in the future"
        )
    if starts_at > _years_after(now, MAX_YEARS_AHEAD):
        raise InvalidField(
            "starts_at",
            f"`starts_at` {when} is more than {MAX_YEARS_AHEAD} years ahead; "
            "give the date of a booking you have",
        )


def _years_after(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def merge(body: CreateInvite, parsed: ParseResult | None) -> dict[str, Any]:
    """The parsed fields, each replaced by the manual field when one was given."""
    merged = {name: getattr(parsed, name, None) for name in _MERGED_FIELDS}
    for name in _MERGED_FIELDS:
        value = getattr(body, name)
        if value is not None:
            merged[name] = value.strip() if isinstance(value, str) else value
    merged["source"] = parsed.source if parsed else "manual"
    return merged


def build_new_invite(
    body: CreateInvite, parsed: ParseResult | None, *, creator_id: int, now: datetime
) -> tuple[invites.NewInvite, list[str]]:
    tz = zone(body.tz)
    parse_outcome = outcome(parsed) if parsed else None
    if parse_outcome is not None:
        PARSES.labels(parse_outcome).inc()
    fields = merge(body, parsed)
    if not fields["restaurant_name"]:
        raise InvalidInput("no restaurant name found; add `restaurant_name`")
    if fields["starts_at"] is None:
        raise InvalidInput("no date and time found; add `starts_at` (ISO 8601 with an offset)")
    check_starts_at(fields["starts_at"], now=now)
    new = invites.NewInvite(
        slug=new_slug(),
        creator_id=creator_id,
        title=_clean(body.title),
        message=_clean_message(body.message),
        host_name=_clean(body.host_name),
        close_when_full=body.close_when_full,
        max_answers=body.max_answers,
        timezone=tz.key,
        enrich_state=EnrichState.PENDING,
        parse_outcome=parse_outcome,
        **fields,
    )
    return new, list(parsed.warnings) if parsed else []


async def create(
    services: Services, body: CreateInvite, *, creator_id: int
) -> tuple[invites.InviteRow, list[str]]:
    try:
        if body.text is None and body.restaurant_name is None and body.starts_at is None:
            raise InvalidInput(
                "send the booking `text`, or at least `restaurant_name` and `starts_at`"
            )
        now = datetime.now(UTC)
        parsed = None
        if body.text is not None:
            parsed = await services.parser.parse(body.text, now=now, tz=zone(body.tz))
        new, warnings = build_new_invite(body, parsed, creator_id=creator_id, now=now)
        # One INSERT is its own transaction (the pool is autocommit): the row and its debts of
        # publishing and enrichment are written together, then both are enqueued. The statement
        # acts for the creator by itself (see invites.insert), so it needs no `as_creator`.
        async with connection(services.pool) as conn:
            row = await invites.insert(conn, new)
    except InvalidInput:
        CREATES.labels("invalid").inc()
        raise
    except Unavailable:
        CREATES.labels("unavailable").inc()
        raise
    CREATES.labels("created").inc()
    await _request_work(services, row.id, enrich=True)
    return row, warnings


async def update(
    services: Services, slug: str, body: UpdateInvite, *, creator_id: int
) -> invites.InviteRow:
    changes = {
        name: _CLEANERS.get(name, _keep)(value)
        for name, value in msgspec.structs.asdict(body).items()
        if value is not msgspec.UNSET
    }
    if not changes:
        raise InvalidInput("nothing to change: send at least one of " + ", ".join(_editable()))
    if isinstance(starts_at := changes.get("starts_at"), datetime):
        check_starts_at(starts_at, now=datetime.now(UTC))
    async with as_creator(services.pool, creator_id) as conn:
        current = await invites.get_owned(conn, slug=slug, creator_id=creator_id)
        if current is None:
            raise NotFound("no such invite")
        if current.status == InviteStatus.CANCELLED:
            raise Conflict("this invite was cancelled and can no longer be edited")
        row = await invites.update_owned(conn, slug=slug, creator_id=creator_id, changes=changes)
    assert row is not None
    await _request_work(services, row.id, enrich=False)
    return row


async def cancel(services: Services, slug: str, *, creator_id: int) -> invites.InviteRow:
    async with as_creator(services.pool, creator_id) as conn:
        row = await invites.cancel_owned(conn, slug=slug, creator_id=creator_id)
    if row is None:
        raise NotFound("no such invite")
    await _request_work(services, row.id, enrich=False)
    return row


async def delete(services: Services, slug: str, *, creator_id: int) -> None:
    """The invite and its answers now; its stored objects by a worker at once (then the edge is
    purged), and once more after the grace period. Enqueued for speed; the sweep runs it from
    PostgreSQL if Redis is down."""
    prefix = layout.invite_prefix(slug)
    async with as_creator(services.pool, creator_id) as conn:
        removal = await invites.delete_owned(conn, slug=slug, creator_id=creator_id, prefix=prefix)
    if removal is None:
        raise NotFound("no such invite")
    try:
        await services.queues.request_removal(removal)
    except (RedisError, OSError) as error:
        log.warning(
            "enqueue failed; the sweep will remove the invite's objects",
            extra={"removal_id": removal, "error": str(error)},
        )


async def refresh_restaurant(services: Services, slug: str, *, creator_id: int) -> None:
    async with as_creator(services.pool, creator_id) as conn:
        row = await invites.request_enrichment(conn, slug=slug, creator_id=creator_id)
    if row is None:
        raise NotFound("no such invite")
    await _request_work(services, row, enrich=True, publish=False)


async def get(services: Services, slug: str, *, creator_id: int) -> invites.InviteRow:
    async with as_creator(services.pool, creator_id) as conn:
        row = await invites.get_owned(conn, slug=slug, creator_id=creator_id)
    if row is None:
        raise NotFound("no such invite")
    return row


async def list_page(
    services: Services, *, creator_id: int, cursor: str | None, limit: int
) -> tuple[list[invites.InviteRow], str | None]:
    """Newest first. The cursor is the slug of the last invite of the page before, resolved
    within the creator's own invites: opaque, and it says nothing about anyone else's."""
    async with as_creator(services.pool, creator_id) as conn:
        before_id = await _resolve_cursor(conn, cursor, creator_id=creator_id) if cursor else None
        rows = await invites.list_owned(
            conn, creator_id=creator_id, before_id=before_id, limit=limit + 1
        )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].slug if more and rows else None


async def _resolve_cursor(conn: Connection, cursor: str, *, creator_id: int) -> int:
    found = None
    if _SLUG.fullmatch(cursor):
        found = await invites.id_owned(conn, slug=cursor, creator_id=creator_id)
    if found is None:
        raise InvalidInput("`cursor` is not one this API handed out; start again without it")
    return found


async def described(
    services: Services, rows: list[invites.InviteRow], *, creator_id: int
) -> list[InviteOut]:
    """The creator's invites as the API shows them, with their opens, answers and conversion."""
    async with as_creator(services.pool, creator_id) as conn:
        counts = await stats.for_invites(conn, invite_ids=[row.id for row in rows])
    public_url = services.settings.api.public_url
    return [to_out(row, public_url, counts=counts.get(row.id)) for row in rows]


def stats_out(counts: stats.InviteStats) -> InviteStatsOut:
    return InviteStatsOut(
        opens=counts.opens,
        unique_opens=counts.unique_opens,
        answers=AnswerCounts(
            IN=counts.answers_in, MAYBE=counts.answers_maybe, OUT=counts.answers_out
        ),
        conversion=counts.conversion,
    )


def to_out(
    row: invites.InviteRow,
    public_url: str,
    warnings: list[str] | None = None,
    *,
    counts: stats.InviteStats | None = None,
) -> InviteOut:
    return InviteOut(
        slug=row.slug,
        url=layout.page_url(public_url, row.slug),
        status=row.status,
        title=row.title,
        message=row.message,
        host_name=row.host_name,
        restaurant=RestaurantOut(
            name=row.restaurant_name,
            area=row.area,
            city=row.city,
            swiggy_restaurant_id=row.swiggy_restaurant_id,
            swiggy_restaurant_id_ignored=row.swiggy_id_ignored,
        ),
        starts_at=row.starts_at.astimezone(ZoneInfo(row.timezone)).isoformat(),
        timezone=row.timezone,
        party_size=row.party_size,
        close_when_full=row.close_when_full,
        max_answers=row.max_answers,
        answer_cap=answer_cap(row.party_size, row.max_answers),
        booking_id=row.booking_id,
        offer=row.offer,
        source=row.source,
        enrichment=row.enrich_state,
        published=row.published_version >= row.version,
        publish_state=publish_state(row),
        publish_failed_at=row.publish_failed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        warnings=[*(warnings or []), *enrichment_warnings(row)],
        stats=stats_out(counts) if counts is not None else InviteStatsOut(),
    )


def enrichment_warnings(row: invites.InviteRow) -> list[str]:
    if not row.swiggy_id_ignored:
        return []
    return [
        f"swiggy_restaurant_id {row.swiggy_restaurant_id} was not used: other invites with it "
        f"are at a restaurant that does not match “{row.restaurant_name}”, so the restaurant's "
        "details were looked up by its name, area and city"
    ]


def publish_state(row: invites.InviteRow) -> PublishState:
    if row.publish_failed_at is not None:
        return "failed"
    return "published" if row.published_version >= row.version else "pending"


async def _request_work(
    services: Services, invite_id: int, *, enrich: bool, publish: bool = True
) -> None:
    """Enqueue now for speed; if Redis is down the debt stays in PostgreSQL for the sweep."""
    queues = services.queues
    requests = [queues.request_publish(invite_id)] if publish else []
    requests += [queues.request_enrich(invite_id)] if enrich else []
    try:
        await asyncio.gather(*requests)
    except (RedisError, OSError) as error:
        log.warning(
            "enqueue failed; the sweep will pick the invite up",
            extra={"invite_id": invite_id, "error": str(error)},
        )


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


def _clean_message(value: str | None) -> str | None:
    """Keep the creator's line breaks (at most one blank line in a row), trim the rest."""
    if value is None:
        return None
    lines = [" ".join(line.split()) for line in value.strip().splitlines()]
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    return "\n".join(kept) or None


def _keep(value: Any) -> Any:
    return value


_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "title": _clean,
    "host_name": _clean,
    "message": _clean_message,
}


def _editable() -> list[str]:
    return sorted(UpdateInvite.__struct_fields__)
