"""Restaurants: what a provider returned for one place, shared by every invite at that place.

A row is keyed by the provider's own reference for the place (`place_ref`) and holds only what
the provider said; nothing a creator typed is written into it (migrations/0011). What a
creator's search found is remembered apart, by the search (`restaurant_lookups`), and what
other invites with a Swiggy id were matched to is read from those invites.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString

import msgspec
from psycopg.rows import class_row

from core.db.pool import Connection


class RestaurantRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    place_ref: str
    name: str
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
    looked_up_at: datetime | None


class Details(msgspec.Struct, frozen=True, kw_only=True):
    """What a lookup found; None fields keep what the row had."""

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
    provider: str | None = None


class Lookup(msgspec.Struct, frozen=True, kw_only=True):
    """What a search found (None: nothing), and when."""

    restaurant_id: int | None
    looked_up_at: datetime


_COLUMNS: LiteralString = """
    id, place_ref, name, address, latitude, longitude, rating::float8 AS rating, rating_count,
    price_level, maps_uri, website, photo_key, photo_width, photo_height, photo_credit,
    provider, looked_up_at
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

_RECORD_LOOKUP = (
    """
UPDATE restaurants SET
    name = %(name)s,
    address = COALESCE(%(address)s, address),
    latitude = COALESCE(%(latitude)s, latitude),
    longitude = COALESCE(%(longitude)s, longitude),
    rating = COALESCE(%(rating)s, rating),
    rating_count = COALESCE(%(rating_count)s, rating_count),
    price_level = COALESCE(%(price_level)s, price_level),
    maps_uri = COALESCE(%(maps_uri)s, maps_uri),
    website = COALESCE(%(website)s, website),
    photo_key = COALESCE(%(photo_key)s, photo_key),
    photo_width = COALESCE(%(photo_width)s, photo_width),
    photo_height = COALESCE(%(photo_height)s, photo_height),
    photo_credit = COALESCE(%(photo_credit)s, photo_credit),
    provider = COALESCE(%(provider)s, provider),
    looked_up_at = now(),
    updated_at = now()
WHERE id = %(id)s
RETURNING """
    + _COLUMNS
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


async def record_lookup(conn: Connection, *, restaurant_id: int, details: Details) -> RestaurantRow:
    row = await _maybe(
        conn, _RECORD_LOOKUP, {**msgspec.structs.asdict(details), "id": restaurant_id}
    )
    assert row is not None
    return row


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
