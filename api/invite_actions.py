"""What a creator can do with invites: validate, authorize (in the query), write, enqueue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from redis.exceptions import RedisError

from api.schemas import CreateInvite, InviteOut, RestaurantOut, UpdateInvite
from api.state import Services
from cdn import layout
from core.db import invites
from core.db.pool import as_creator, connection
from core.domain import DEFAULT_TIMEZONE, EnrichState, InviteStatus
from core.errors import Conflict, InvalidInput, NotFound
from core.parsing import ParseResult, parse_booking
from core.secrets import new_slug

log = logging.getLogger("tablefor.api")

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
    body: CreateInvite, *, creator_id: int, now: datetime
) -> tuple[invites.NewInvite, list[str]]:
    if body.text is None and body.restaurant_name is None and body.starts_at is None:
        raise InvalidInput("send the booking `text`, or at least `restaurant_name` and `starts_at`")
    tz = zone(body.tz)
    parsed = parse_booking(body.text, now=now, tz=tz) if body.text is not None else None
    fields = merge(body, parsed)
    if not fields["restaurant_name"]:
        raise InvalidInput("no restaurant name found; add `restaurant_name`")
    if fields["starts_at"] is None:
        raise InvalidInput("no date and time found; add `starts_at` (ISO 8601 with an offset)")
    if fields["starts_at"] <= now:
        when = fields["starts_at"].isoformat(timespec="minutes")
        raise InvalidInput(f"the start time {when} has passed; the dinner must start in the future")
    new = invites.NewInvite(
        slug=new_slug(),
        creator_id=creator_id,
        title=_clean(body.title),
        message=_clean_message(body.message),
        host_name=_clean(body.host_name),
        close_when_full=body.close_when_full,
        timezone=tz.key,
        enrich_state=EnrichState.PENDING,
        **fields,
    )
    return new, list(parsed.warnings) if parsed else []


async def create(
    services: Services, body: CreateInvite, *, creator_id: int
) -> tuple[invites.InviteRow, list[str]]:
    new, warnings = build_new_invite(body, creator_id=creator_id, now=datetime.now(UTC))
    # One INSERT is its own transaction (the pool is autocommit): the row and its debts of
    # publishing and enrichment are written together, then both are enqueued. The statement
    # acts for the creator by itself (see invites.insert), so it needs no `as_creator`.
    async with connection(services.pool) as conn:
        row = await invites.insert(conn, new)
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
    starts_at = changes.get("starts_at")
    if isinstance(starts_at, datetime) and starts_at <= datetime.now(UTC):
        raise InvalidInput("the dinner must start in the future")
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
    before_id = decode_cursor(cursor) if cursor else None
    async with as_creator(services.pool, creator_id) as conn:
        rows = await invites.list_owned(
            conn, creator_id=creator_id, before_id=before_id, limit=limit + 1
        )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].id) if more and rows else None


def to_out(row: invites.InviteRow, public_url: str, warnings: list[str] | None = None) -> InviteOut:
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
        ),
        starts_at=row.starts_at.astimezone(ZoneInfo(row.timezone)).isoformat(),
        timezone=row.timezone,
        party_size=row.party_size,
        close_when_full=row.close_when_full,
        booking_id=row.booking_id,
        offer=row.offer,
        source=row.source,
        enrichment=row.enrich_state,
        published=row.published_version >= row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        warnings=warnings or [],
    )


def encode_cursor(invite_id: int) -> str:
    return f"{invite_id:x}"


def decode_cursor(cursor: str) -> int:
    try:
        value = int(cursor, 16)
    except ValueError:
        raise InvalidInput("`cursor` is not one this API handed out") from None
    if not 0 < value < 2**63:
        raise InvalidInput("`cursor` is not one this API handed out")
    return value


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
