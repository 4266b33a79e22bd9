"""What the renderer is given: plain frozen data, built by the worker from the database."""

from __future__ import annotations

from datetime import datetime

import msgspec

# Who provided a restaurant's details and photo: each has its own attribution on the page, the
# OG image and the calendar file (renderer/words.py).
GOOGLE_MAPS = "google_maps"
OPENSTREETMAP = "openstreetmap"


class PhotoSource(msgspec.Struct, frozen=True):
    url: str  # absolute or root-relative URL of one size
    width: int


class Photo(msgspec.Struct, frozen=True, kw_only=True):
    sources: tuple[PhotoSource, ...]  # smallest first; the page builds its srcset from these
    width: int  # of the largest, for the aspect ratio
    height: int
    credit: str | None = None  # the author's name, as the provider gives it
    credit_url: str | None = None  # the author's profile, when the provider gives one


class Restaurant(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    area: str | None = None
    city: str | None = None
    address: str | None = None
    rating: float | None = None
    rating_count: int | None = None
    price_level: str | None = None  # e.g. "PRICE_LEVEL_MODERATE"
    maps_uri: str | None = None
    website: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    photo: Photo | None = None
    source: str | None = None  # GOOGLE_MAPS, OPENSTREETMAP, or None: the creator's words only


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    response: str  # IN / MAYBE / OUT
    guests: int


class Invite(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    slug: str
    title: str | None
    message: str | None
    host_name: str | None
    cancelled: bool
    starts_at: datetime  # aware
    timezone: str
    party_size: int | None
    offer: str | None
    revision: int
    revised_at: datetime
    version: int
    restaurant: Restaurant
    answers: tuple[Answer, ...] = ()
    close_when_full: bool = False


class Site(msgspec.Struct, frozen=True, kw_only=True):
    public_url: str  # e.g. https://tablefor.in, no trailing slash
    js_url: str  # the content-hashed script
    sentry_dsn: str | None = None  # public DSN the page's errors are reported for, if any


class Links(msgspec.Struct, frozen=True, kw_only=True):
    """Where the page's own objects are; the publisher decides (cdn/layout.py)."""

    page: str  # absolute: the address as shared, canonical
    calendar: str  # the .ics, root-relative
    rsvp_action: str  # where the answer form posts, root-relative


class OgImageRef(msgspec.Struct, frozen=True, kw_only=True):
    url: str  # absolute
    width: int
    height: int
    alt: str
