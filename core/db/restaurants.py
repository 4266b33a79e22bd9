"""Restaurants: what a provider returned for one place, shared by every invite at that place.

A row is keyed by the provider's own reference for the place (`place_ref`) and holds only what
the provider said; nothing a creator typed is written into it (migrations/0011). What a
creator's search found is remembered apart, by the search (`restaurant_lookups`), and what
other invites with a Swiggy id were matched to is read from those invites.

What a provider's terms let us keep only for a while has a deadline: `expires_at` for the
details, `photo_expires_at` for the photo (migrations/0080). A lookup sets them; `strip`
clears what is past them, owes the removal of the photo's files and makes every invite showing
the row owe a publish, in one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, LiteralString

import msgspec
from psycopg.rows import class_row

from core.db.pool import Connection


class RestaurantRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    place_ref: str
    name: str | None  # None once stripped: the row holds only place_ref
    address: str | None
    latitude: float | None
    longitude: float | None
    rating: float | None
    rating_count: int | None
    price_level: str | None
    maps_uri: str | None
    website: str | None
    photo_key: str | None
    photo_width: int | None
    photo_height: int | None
    photo_credit: str | None
    provider: str | None
    looked_up_at: datetime | None  # None once stripped
    photo_credit_url: str | None = None  # the photo author's profile, http(s) only
    expires_at: datetime | None = None
    photo_expires_at: datetime | None = None


class Details(msgspec.Struct, frozen=True, kw_only=True):
    """What a lookup found. It replaces the row's details; a lookup that found no usable photo
    (photo_key None) leaves the row's photo, which keeps its own deadline."""

    name: str
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    rating: float | None = None
    rating_count: int | None = None
    price_level: str | None = None
    maps_uri: str | None = None
    website: str | None = None
    photo_key: str | None = None
    photo_width: int | None = None
    photo_height: int | None = None
    photo_credit: str | None = None
    photo_credit_url: str | None = None
    provider: str | None = None


class Recorded(msgspec.Struct, frozen=True, kw_only=True):
    row: RestaurantRow
    invites: tuple[int, ...]  # the invites showing it, each now owing a publish


class Expiring(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    photo_key: str | None


class Stripped(msgspec.Struct, frozen=True, kw_only=True):
    details: bool  # the details were cleared
    photo: bool  # the photo was cleared, its files owed a removal
    invites: tuple[int, ...]  # the invites showing the row, each now owing a publish


class Lookup(msgspec.Struct, frozen=True, kw_only=True):
    """What a search found (None: nothing), and when."""

    restaurant_id: int | None
    looked_up_at: datetime


_COLUMNS: LiteralString = """
    id, place_ref, name, address, latitude, longitude, rating::float8 AS rating, rating_count,
    price_level, maps_uri, website, photo_key, photo_width, photo_height, photo_credit,
    provider, looked_up_at, expires_at, photo_expires_at, photo_credit_url
"""

_GET = "SELECT " + _COLUMNS + " FROM restaurants WHERE id = %(id)s"

# The row of the place the provider named, made on first sight; details come with the lookup.
_CLAIM_PLACE = (
    """
INSERT INTO restaurants (place_ref, name, provider)
VALUES (%(place_ref)s, %(name)s, %(provider)s)
ON CONFLICT (place_ref) DO UPDATE SET place_ref = EXCLUDED.place_ref
RETURNING """
    + _COLUMNS
)

# Details are replaced whole (what the provider no longer says is not kept); the photo only
# when a new one was stored. Deadlines run from now: `keep_for` NULL means none.
_RECORD_LOOKUP = (
    """
UPDATE restaurants SET
    name = %(name)s,
    address = %(address)s,
    latitude = %(latitude)s,
    longitude = %(longitude)s,
    rating = %(rating)s,
    rating_count = %(rating_count)s,
    price_level = %(price_level)s,
    maps_uri = %(maps_uri)s,
    website = %(website)s,
    photo_key = COALESCE(%(photo_key)s, photo_key),
    photo_width = COALESCE(%(photo_width)s, photo_width),
    photo_height = COALESCE(%(photo_height)s, photo_height),
    photo_credit = CASE WHEN %(photo_key)s::text IS NULL THEN photo_credit
        ELSE %(photo_credit)s END,
    photo_credit_url = CASE WHEN %(photo_key)s::text IS NULL THEN photo_credit_url
        ELSE %(photo_credit_url)s END,
    photo_expires_at = CASE WHEN %(photo_key)s::text IS NULL THEN photo_expires_at
        ELSE now() + %(keep_for)s::interval END,
    provider = COALESCE(%(provider)s, provider),
    expires_at = now() + %(keep_for)s::interval,
    looked_up_at = now(),
    updated_at = now()
WHERE id = %(id)s
RETURNING """
    + _COLUMNS
)

# The photo a lookup is about to replace, locked until the lookup is recorded.
_PHOTO_FOR_UPDATE = "SELECT photo_key FROM restaurants WHERE id = %(id)s FOR UPDATE"

# Every invite showing a restaurant owes a publish once what it shows changed.
_REPUBLISH = """
UPDATE invites SET version = version + 1, updated_at = now()
WHERE restaurant_id = %(id)s
RETURNING id
"""

# The stored files of a photo no longer shown, removed after the grace period (workers/removals.py).
_OWE_PHOTO_REMOVAL = """
INSERT INTO storage_removals (prefix, due_at)
VALUES (%(prefix)s, now() + make_interval(secs => %(delay)s))
"""

_STRIP_DETAILS = """
UPDATE restaurants SET name = NULL, address = NULL, latitude = NULL, longitude = NULL,
    rating = NULL, rating_count = NULL, price_level = NULL, maps_uri = NULL, website = NULL,
    expires_at = NULL, looked_up_at = NULL, updated_at = now()
WHERE id = %(id)s AND expires_at <= %(cutoff)s
RETURNING id
"""

# Only the photo that was read: one replaced meanwhile is the new photo's to keep.
_STRIP_PHOTO = """
UPDATE restaurants SET photo_key = NULL, photo_width = NULL, photo_height = NULL,
    photo_credit = NULL, photo_credit_url = NULL, photo_expires_at = NULL, updated_at = now()
WHERE id = %(id)s AND photo_expires_at <= %(cutoff)s AND photo_key = %(photo_key)s
RETURNING id
"""

_EXPIRING = """
SELECT id, photo_key FROM restaurants
WHERE expires_at <= %(cutoff)s OR photo_expires_at <= %(cutoff)s
ORDER BY id LIMIT %(limit)s
"""

# Rows whose deadline comes before `before` and that an invite yet to happen still shows.
_DUE_FOR_REFRESH = (
    "SELECT "
    + _COLUMNS
    + """ FROM restaurants r
WHERE r.expires_at <= %(before)s AND EXISTS (
    SELECT 1 FROM invites i
    WHERE i.restaurant_id = r.id AND i.status = 'active' AND i.starts_at > %(now)s
)
ORDER BY r.expires_at LIMIT %(limit)s"""
)

_CACHED_LOOKUP = """
SELECT restaurant_id, looked_up_at FROM restaurant_lookups WHERE lookup_key = %(lookup_key)s
"""

_REMEMBER_LOOKUP = """
INSERT INTO restaurant_lookups (lookup_key, restaurant_id) VALUES (%(lookup_key)s, %(id)s)
ON CONFLICT (lookup_key)
DO UPDATE SET restaurant_id = EXCLUDED.restaurant_id, looked_up_at = now()
"""

# The restaurants other invites carrying a Swiggy id were matched to, most recently looked up
# first. Anyone can claim any id, so these are candidates to check, never answers.
_MATCHED_WITH_SWIGGY_ID = (
    "SELECT "
    + _COLUMNS
    + """ FROM restaurants WHERE id IN (
    SELECT restaurant_id FROM invites
    WHERE swiggy_restaurant_id = %(swiggy_id)s AND restaurant_id IS NOT NULL
        AND id <> %(invite_id)s
)
ORDER BY looked_up_at DESC NULLS LAST, id DESC LIMIT %(limit)s"""
)


def lookup_key(name: str, area: str | None, city: str | None) -> str:
    """The same search written slightly differently (case, spacing) gets the same key."""
    parts = (" ".join(part.casefold().split()) for part in (name, area or "", city or ""))
    return "|".join(parts)


async def get(conn: Connection, *, restaurant_id: int) -> RestaurantRow | None:
    return await _maybe(conn, _GET, {"id": restaurant_id})


async def claim_place(
    conn: Connection, *, place_ref: str, name: str, provider: str
) -> RestaurantRow:
    params = {"place_ref": place_ref, "name": name, "provider": provider}
    row = await _maybe(conn, _CLAIM_PLACE, params)
    assert row is not None
    return row


async def record_lookup(
    conn: Connection,
    *,
    restaurant_id: int,
    details: Details,
    keep_for: timedelta | None,
    replaced_photo: str | None = None,
    removal_delay: float = 0.0,
) -> Recorded:
    """Record what a lookup found, kept for `keep_for` from now (None: no deadline). The
    invites showing the row owe a publish; `replaced_photo`, the prefix of the photo a new one
    replaces, is owed a removal."""
    params = {**msgspec.structs.asdict(details), "id": restaurant_id, "keep_for": keep_for}
    async with conn.transaction():
        row = await _maybe(conn, _RECORD_LOOKUP, params)
        assert row is not None
        if replaced_photo is not None and details.photo_key is not None:
            await _owe_removal(conn, replaced_photo, removal_delay)
        republish = await _republish(conn, restaurant_id)
    return Recorded(row=row, invites=republish)


async def photo_for_update(conn: Connection, *, restaurant_id: int) -> str | None:
    """The row's photo key, the row locked until the transaction ends (call inside one)."""
    cursor = await conn.execute(_PHOTO_FOR_UPDATE, {"id": restaurant_id})
    row = await cursor.fetchone()
    return None if row is None else row[0]


async def strip(
    conn: Connection,
    *,
    target: Expiring,
    cutoff: datetime,
    photo_prefix: str | None,
    removal_delay: float,
) -> Stripped:
    """Clear what is past its deadline at `cutoff`: details, photo (its files owed a removal
    after `removal_delay`), or both; the invites showing the row then owe a publish."""
    params = {"id": target.id, "cutoff": cutoff, "photo_key": target.photo_key}
    async with conn.transaction():
        details = await (await conn.execute(_STRIP_DETAILS, params)).fetchone() is not None
        photo = await (await conn.execute(_STRIP_PHOTO, params)).fetchone() is not None
        if photo and photo_prefix is not None:
            await _owe_removal(conn, photo_prefix, removal_delay)
        republish = await _republish(conn, target.id) if details or photo else ()
    return Stripped(details=details, photo=photo, invites=republish)


async def expiring(conn: Connection, *, cutoff: datetime, limit: int) -> list[Expiring]:
    """Rows holding details or a photo whose deadline is at or before `cutoff`."""
    async with conn.cursor(row_factory=class_row(Expiring)) as cursor:
        await cursor.execute(_EXPIRING, {"cutoff": cutoff, "limit": limit})
        return await cursor.fetchall()


async def due_for_refresh(
    conn: Connection, *, now: datetime, before: datetime, limit: int
) -> list[RestaurantRow]:
    """Rows whose details expire before `before` that an active invite after `now` shows."""
    params = {"now": now, "before": before, "limit": limit}
    async with conn.cursor(row_factory=class_row(RestaurantRow)) as cursor:
        await cursor.execute(_DUE_FOR_REFRESH, params)
        return await cursor.fetchall()


async def _owe_removal(conn: Connection, prefix: str, delay: float) -> None:
    await conn.execute(_OWE_PHOTO_REMOVAL, {"prefix": prefix, "delay": delay})


async def _republish(conn: Connection, restaurant_id: int) -> tuple[int, ...]:
    cursor = await conn.execute(_REPUBLISH, {"id": restaurant_id})
    return tuple(int(row[0]) for row in await cursor.fetchall())


async def cached_lookup(conn: Connection, *, lookup_key: str) -> Lookup | None:
    async with conn.cursor(row_factory=class_row(Lookup)) as cursor:
        await cursor.execute(_CACHED_LOOKUP, {"lookup_key": lookup_key})
        return await cursor.fetchone()


async def remember_lookup(conn: Connection, *, lookup_key: str, restaurant_id: int | None) -> None:
    """An empty search counts too: the reuse window keeps us from asking again tomorrow."""
    await conn.execute(_REMEMBER_LOOKUP, {"lookup_key": lookup_key, "id": restaurant_id})


async def matched_with_swiggy_id(
    conn: Connection, *, swiggy_id: str, invite_id: int, limit: int = 20
) -> list[RestaurantRow]:
    """Restaurants other invites with this Swiggy id were matched to (not this invite's own)."""
    params = {"swiggy_id": swiggy_id, "invite_id": invite_id, "limit": limit}
    async with conn.cursor(row_factory=class_row(RestaurantRow)) as cursor:
        await cursor.execute(_MATCHED_WITH_SWIGGY_ID, params)
        return await cursor.fetchall()


async def _maybe(conn: Connection, query: Any, params: dict[str, Any]) -> RestaurantRow | None:
    async with conn.cursor(row_factory=class_row(RestaurantRow)) as cursor:
        await cursor.execute(query, params)
        return await cursor.fetchone()
