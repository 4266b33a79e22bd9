"""OpenStreetMap's Nominatim: the keyless fallback for a restaurant's address and coordinates.

The public service's usage policy (https://operations.osmfoundation.org/policies/nominatim/)
asks for a User-Agent that identifies the application and at most one request per second for
the whole application. This client spaces its own requests (one at a time, `min_interval` after
the previous one ended), but that holds only within one process: the workers share the limit
through the Redis limiter, and pause while it is unreachable (workers/providers/setup.py).
Production refuses the placeholder contact in the User-Agent (core/settings.py).

A result names its OpenStreetMap object (`osm_type`, `osm_id`) only when it has one: the server
leaves them out of some results ("Place Output", https://nominatim.org/release-docs/latest/api/Output/).
Such a result is still a place: it is known by Nominatim's own `place_id` and linked on the map
by its coordinates.
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import timedelta
from typing import ClassVar

import httpx
import msgspec

from core.metrics import PLACES_REQUESTS
from workers.providers.base import PlaceDetails, PlaceQuery, ProviderError
from workers.providers.http import (
    DEADLINE_FACTOR,
    decode,
    error_for_status,
    transport_errors,
)

PROVIDER = "nominatim"
BASE_URL = "https://nominatim.openstreetmap.org"
MAX_RESULTS = 5
MAP_URL = "https://www.openstreetmap.org/"
_REF = re.compile(r"(node|way|relation)/[0-9]{1,20}")


class _Place(msgspec.Struct):
    lat: str  # jsonv2 gives coordinates as strings
    lon: str
    display_name: str
    name: str | None = None
    osm_type: str | None = None  # absent when the result has no OSM object
    osm_id: int | str | None = None  # a number, or a string in some versions' output
    place_id: int | str | None = None  # the server's own id: not stable across servers


class Nominatim:
    name = PROVIDER
    # OpenStreetMap data is open (ODbL): it may be kept, with attribution, and the usage policy
    # asks clients to cache results rather than ask again.
    keep_for: ClassVar[timedelta | None] = None

    def __init__(
        self,
        *,
        base_url: str = BASE_URL,
        user_agent: str,
        timeout: float = 5.0,
        min_interval: float = 1.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if not user_agent.strip():
            raise ValueError("Nominatim's usage policy requires an identifying User-Agent")
        self._base_url = base_url.rstrip("/")
        self._headers = {"User-Agent": user_agent, "Accept-Language": "en"}
        self._timeout = httpx.Timeout(timeout)
        self._deadline = timeout * DEADLINE_FACTOR
        self._min_interval = min_interval
        self._turn = asyncio.Lock()
        self._next_at = 0.0  # time.monotonic() before which no request may start
        self._client = client or httpx.AsyncClient(follow_redirects=False)
        self._owns_client = client is None

    async def search(self, query: PlaceQuery) -> list[PlaceDetails]:
        """Everything Nominatim knows comes with the search: one request."""
        text = ", ".join(part for part in (query.name, query.area, query.city) if part)
        params = {"q": text, "format": "jsonv2", "limit": str(MAX_RESULTS), "addressdetails": "1"}
        body = await self._get("/search", params)
        places = decode(PROVIDER, body, list[_Place])
        return [details for place in places if (details := _details(place))]

    async def place(self, ref: str) -> PlaceDetails:
        raise ProviderError(PROVIDER, "OpenStreetMap data needs no refresh", retryable=False)

    async def photo(self, photo_ref: str, *, max_width: int) -> bytes:
        raise ProviderError(PROVIDER, "OpenStreetMap has no photos", retryable=False)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def _get(self, path: str, params: dict[str, str]) -> bytes:
        request = self._client.build_request(
            "GET",
            self._base_url + path,
            params=params,
            headers=self._headers,
            timeout=self._timeout,
        )
        async with self._turn:
            await asyncio.sleep(max(0.0, self._next_at - time.monotonic()))
            try:
                async with transport_errors(PROVIDER, self._deadline):
                    response = await self._client.send(request, follow_redirects=False)
            finally:
                # Spaced from the end of the previous request, failed or not, so the server never
                # sees two of ours closer together than min_interval.
                self._next_at = time.monotonic() + self._min_interval
        if response.status_code != httpx.codes.OK:
            raise error_for_status(PROVIDER, response, "")
        PLACES_REQUESTS.labels(PROVIDER, "search").inc()
        return response.content


def _details(place: _Place) -> PlaceDetails | None:
    name = place.name or place.display_name.split(",")[0].strip()
    if not name:
        return None
    latitude, longitude = _coordinate(place.lat), _coordinate(place.lon)
    osm_object = f"{place.osm_type}/{place.osm_id}"
    if _REF.fullmatch(osm_object):
        ref, maps_uri = osm_object, f"https://www.openstreetmap.org/{osm_object}"
    else:
        ref = f"place/{place.place_id}" if place.place_id else f"at/{latitude},{longitude}"
        maps_uri = f"{MAP_URL}?mlat={latitude}&mlon={longitude}#map=18/{latitude}/{longitude}"
    return PlaceDetails(
        provider=PROVIDER,
        ref=ref,
        name=name,
        address=place.display_name,
        latitude=latitude,
        longitude=longitude,
        maps_uri=maps_uri,
    )


def _coordinate(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ProviderError(
            PROVIDER, f"malformed coordinate {value[:40]!r}", retryable=False
        ) from None
