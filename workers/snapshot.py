"""Everything one invite's render needs, read from the database and turned into renderer types."""

from __future__ import annotations

from dataclasses import dataclass

from cdn import layout
from core.db import invites, restaurants, rsvps
from core.db.invites import InviteRow
from core.db.pool import Connection
from core.db.restaurants import RestaurantRow
from core.domain import InviteStatus
from renderer.model import (
    GOOGLE_MAPS,
    OPENSTREETMAP,
    Answer,
    Invite,
    Photo,
    PhotoSource,
    Restaurant,
)

# The widths a restaurant photo is stored at (see workers/enrichment.py), smallest first; photos
# narrower than the first are not used.
PHOTO_WIDTHS = (480, 720, 960, 1440)  # 720: a 390-px phone at 1.75-2x, the common case
# Whose attribution what a provider returned carries (renderer/attribution.py).
SOURCES = {"google": GOOGLE_MAPS, "nominatim": OPENSTREETMAP}


@dataclass(frozen=True, slots=True)
class Snapshot:
    row: InviteRow
    restaurant: RestaurantRow | None
    invite: Invite


async def load(conn: Connection, *, invite_id: int) -> Snapshot | None:
    """Read the invite first: its version is what this snapshot publishes (see publishing.py)."""
    row = await invites.get_by_id(conn, invite_id=invite_id)
    if row is None:
        return None
    restaurant = (
        await restaurants.get(conn, restaurant_id=row.restaurant_id) if row.restaurant_id else None
    )
    answers = await rsvps.for_invite(conn, invite_id=invite_id)
    return Snapshot(row=row, restaurant=restaurant, invite=to_model(row, restaurant, answers))


def to_model(
    row: InviteRow, restaurant: RestaurantRow | None, answers: list[rsvps.RsvpRow]
) -> Invite:
    return Invite(
        id=row.id,
        slug=row.slug,
        title=row.title,
        message=row.message,
        host_name=row.host_name,
        cancelled=row.status == InviteStatus.CANCELLED,
        starts_at=row.starts_at,
        timezone=row.timezone,
        party_size=row.party_size,
        close_when_full=row.close_when_full,
        offer=row.offer,
        revision=row.revision,
        revised_at=row.revised_at,
        version=row.version,
        restaurant=_restaurant(row, restaurant),
        answers=tuple(Answer(name=a.name, response=a.answer, guests=a.guests) for a in answers),
    )


def largest_photo_key(restaurant: RestaurantRow | None) -> str | None:
    if restaurant is None or restaurant.photo_key is None or restaurant.photo_width is None:
        return None
    return layout.photo_key(restaurant.photo_key, restaurant.photo_width)


def _restaurant(row: InviteRow, found: RestaurantRow | None) -> Restaurant:
    """The creator's words for name, area and city; the provider's for everything else."""
    return Restaurant(
        name=row.restaurant_name,
        area=row.area,
        city=row.city,
        address=found.address if found else None,
        rating=found.rating if found else None,
        rating_count=found.rating_count if found else None,
        price_level=found.price_level if found else None,
        maps_uri=found.maps_uri if found else None,
        website=found.website if found else None,
        latitude=found.latitude if found else None,
        longitude=found.longitude if found else None,
        photo=_photo(found),
        source=SOURCES.get(found.provider or "") if found else None,
    )


def _photo(found: RestaurantRow | None) -> Photo | None:
    if found is None or not (found.photo_key and found.photo_width and found.photo_height):
        return None
    # Stored at each standard width up to the original's; photo_width is the largest stored.
    widths = [w for w in PHOTO_WIDTHS if w <= found.photo_width]
    return Photo(
        sources=tuple(
            PhotoSource(url=layout.path_of(layout.photo_key(found.photo_key, w)), width=w)
            for w in widths
        ),
        width=found.photo_width,
        height=found.photo_height,
        credit=found.photo_credit,
        credit_url=found.photo_credit_url,
    )
