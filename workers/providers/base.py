"""The small interface every place provider implements, and the errors it may raise."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Protocol

import msgspec


class PlaceQuery(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    area: str | None = None
    city: str | None = None


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """What matching looks at: a place's name and address (workers/providers/matching.py)."""

    provider: str  # "google" | "nominatim"
    ref: str  # the provider's own id, e.g. a Google place id or "node/123" for OSM
    name: str
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class PhotoCredit(msgspec.Struct, frozen=True, kw_only=True):
    """A photo's author, as the provider names them, and their profile page if it gives one."""

    name: str
    url: str | None = None  # http(s) only (renderer.links.web_link)


class PlaceDetails(Candidate, frozen=True, kw_only=True):
    """Everything the page shows of a place, as one search result or one lookup by id."""

    rating: float | None = None
    rating_count: int | None = None
    price_level: str | None = None  # Google's enum names, e.g. "PRICE_LEVEL_MODERATE"
    maps_uri: str | None = None
    website: str | None = None
    photo_refs: tuple[str, ...] = ()  # provider photo names, best first
    photo_credits: tuple[PhotoCredit | None, ...] = ()  # the same length and order


class ProviderError(Exception):
    """A provider call failed. `retryable`: timeouts, 429 and 5xx; anything else is final."""

    def __init__(
        self, provider: str, detail: str, *, retryable: bool, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{provider}: {detail}")
        self.provider = provider
        self.retryable = retryable
        self.retry_after = retry_after


class Provider(Protocol):
    name: str
    # How long what it returned may be kept and shown, from the moment it was fetched (None: no
    # limit); workers/expiry.py refreshes or removes it before then.
    keep_for: ClassVar[timedelta | None]

    async def search(self, query: PlaceQuery) -> list[PlaceDetails]:
        """The places matching the query, each with everything the page shows: one request."""
        ...

    async def place(self, ref: str) -> PlaceDetails:
        """One place again, by the provider's own id (a refresh of what we showed)."""
        ...

    async def photo(self, photo_ref: str, *, max_width: int) -> bytes:
        """Raw image bytes from the provider's own host only, at most a few MB."""
        ...

    async def aclose(self) -> None: ...
