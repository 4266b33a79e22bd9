"""OpenStreetMap's Nominatim: the keyless fallback for a restaurant's address and coordinates.

The public service's usage policy asks for a User-Agent that identifies the application and at
most one request per second. This client spaces its own requests (one at a time, `min_interval`
after the previous one ended), but that holds only within one process: several workers must
share a limit, which the caller does with the Redis limiter (workers/providers/setup.py).
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
_REF = re.compile(r"(node|way|relation)/[0-9]{1,20}")


class _Place(msgspec.Struct):
    osm_type: str
    osm_id: int
    lat: str  # jsonv2 gives coordinates as strings
    lon: str
    display_name: str
    name: str | None = None


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
    ref = f"{place.osm_type}/{place.osm_id}"
    return PlaceDetails(
        provider=PROVIDER,
        ref=ref,
        name=name,
        address=place.display_name,
        latitude=_coordinate(place.lat),
        longitude=_coordinate(place.lon),
        maps_uri=f"https://www.openstreetmap.org/{ref}" if _REF.fullmatch(ref) else None,
    )


def _coordinate(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ProviderError(
            PROVIDER, f"malformed coordinate {value[:40]!r}", retryable=False
        ) from None
