"""Restaurants: normalized provider results, reused across invites within the reuse window."""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString

import msgspec
from psycopg.rows import class_row

from core.db.pool import Connection


class RestaurantRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    swiggy_id: str | None
    place_ref: str | None
    lookup_key: str
    name: str
    area: str | None
    city: str | None
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
    place_ref: str | None = None


_COLUMNS: LiteralString = """
    id, swiggy_id, place_ref, lookup_key, name, area, city, address, latitude, longitude,
    rating::float8 AS rating, rating_count, price_level, maps_uri, website, photo_key,
    photo_width, photo_height, photo_credit, provider, looked_up_at
"""

_GET = "SELECT " + _COLUMNS + " FROM restaurants WHERE id = %(id)s"

# One row per restaurant: by Swiggy id when the text had one, else by normalized name+place.
_FIND = (
    "SELECT "
    + _COLUMNS
    + """ FROM restaurants
WHERE (%(swiggy_id)s::text IS NOT NULL AND swiggy_id = %(swiggy_id)s) OR lookup_key = %(lookup_key)s
ORDER BY (swiggy_id = %(swiggy_id)s) DESC NULLS LAST LIMIT 1"""
)

_CREATE = (
    """
INSERT INTO restaurants (swiggy_id, lookup_key, name, area, city)
VALUES (%(swiggy_id)s, %(lookup_key)s, %(name)s, %(area)s, %(city)s)
ON CONFLICT (lookup_key) DO UPDATE
SET swiggy_id = COALESCE(restaurants.swiggy_id, EXCLUDED.swiggy_id)
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
    place_ref = COALESCE(%(place_ref)s, place_ref),
    looked_up_at = now(),
    updated_at = now()
WHERE id = %(id)s
RETURNING """
    + _COLUMNS
)

_MARK_LOOKED_UP = (
    "UPDATE restaurants SET looked_up_at = now(), updated_at = now() WHERE id = %(id)s"
)

_BY_PLACE_REF = "SELECT " + _COLUMNS + " FROM restaurants WHERE place_ref = %(place_ref)s"


def lookup_key(name: str, area: str | None, city: str | None) -> str:
    """The same restaurant written slightly differently (case, spacing) gets the same key."""
    parts = (" ".join(part.casefold().split()) for part in (name, area or "", city or ""))
    return "|".join(parts)


async def get(conn: Connection, *, restaurant_id: int) -> RestaurantRow | None:
    return await _maybe(conn, _GET, {"id": restaurant_id})


async def find_or_create(
    conn: Connection, *, swiggy_id: str | None, name: str, area: str | None, city: str | None
) -> RestaurantRow:
    params = {
        "swiggy_id": swiggy_id,
        "lookup_key": lookup_key(name, area, city),
        "name": name,
        "area": area,
        "city": city,
    }
    found = await _maybe(conn, _FIND, params)
    if found is not None:
        return found
    created = await _maybe(conn, _CREATE, params)
    assert created is not None
    return created


async def by_place_ref(conn: Connection, *, place_ref: str) -> RestaurantRow | None:
    return await _maybe(conn, _BY_PLACE_REF, {"place_ref": place_ref})


async def record_lookup(conn: Connection, *, restaurant_id: int, details: Details) -> RestaurantRow:
    row = await _maybe(
        conn, _RECORD_LOOKUP, {**msgspec.structs.asdict(details), "id": restaurant_id}
    )
    assert row is not None
    return row


async def mark_looked_up(conn: Connection, *, restaurant_id: int) -> None:
    """An empty lookup still counts: the reuse window keeps us from asking again tomorrow."""
    await conn.execute(_MARK_LOOKED_UP, {"id": restaurant_id})


async def _maybe(conn: Connection, query: Any, params: dict[str, Any]) -> RestaurantRow | None:
    async with conn.cursor(row_factory=class_row(RestaurantRow)) as cursor:
        await cursor.execute(query, params)
        return await cursor.fetchone()
