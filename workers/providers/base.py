"""The small interface every place provider implements, and the errors it may raise."""

from __future__ import annotations

from typing import Protocol

import msgspec


class PlaceQuery(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    area: str | None = None
    city: str | None = None


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """One search result, before details are fetched."""

    provider: str  # "google" | "nominatim"
    ref: str  # the provider's own id, e.g. a Google place id or "node/123" for OSM
    name: str
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class PlaceDetails(msgspec.Struct, frozen=True, kw_only=True):
    provider: str
    ref: str
    name: str
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    rating: float | None = None
    rating_count: int | None = None
    price_level: str | None = None  # Google's enum names, e.g. "PRICE_LEVEL_MODERATE"
    maps_uri: str | None = None
    website: str | None = None
    photo_refs: tuple[str, ...] = ()  # provider photo names, best first
    photo_credits: tuple[str, ...] = ()  # author attributions, same order


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

    async def search(self, query: PlaceQuery) -> list[Candidate]: ...

    async def details(self, candidate: Candidate) -> PlaceDetails: ...

    async def photo(self, photo_ref: str, *, max_width: int) -> bytes:
        """Raw image bytes from the provider's own host only, at most a few MB."""
        ...

    async def aclose(self) -> None: ...
