"""Google Places API (New): text search, place details and photos, with field masks.

A lookup is one Text Search (New) that asks for every field the page shows, billed at the
Text Search Enterprise SKU (rating, userRatingCount, priceLevel and websiteUri put it there;
workers/providers/google_billing.py), then one Place Photos (New) request. That replaces a Pro
search followed by an Enterprise Place Details. A refresh of a place we show asks Place Details
(New) by its id, with the same fields, billed at Place Details Enterprise, which costs less than
a search. The search asks for `pageSize` results: `maxResultCount` is deprecated
(https://developers.google.com/maps/documentation/places/web-service/reference/rest/v1/places/searchText).

The key travels in a header and never in a URL, photos come only from Google's own image host,
and website, maps and photo-author links are kept only when they are http(s). What Google
returns may be kept for at most 30 days (KEEP_FOR; workers/expiry.py). Retries are the caller's:
errors say whether a retry can help (`ProviderError.retryable`).
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any, ClassVar, TypeVar

import httpx
import msgspec

from core.metrics import PLACES_REQUESTS
from core.parsing.cities import canonical_city
from renderer.links import web_link
from workers.providers import google_billing
from workers.providers.base import PhotoCredit, PlaceDetails, PlaceQuery, ProviderError
from workers.providers.http import (
    DEADLINE_FACTOR,
    decode,
    error_for_status,
    read_capped,
    transport_errors,
)

PROVIDER = "google"
BASE_URL = "https://places.googleapis.com"
# What the page shows, and nothing more: the name and address (matching, the card), location
# (the calendar file's GEO), rating, rating count and price (the card's facts), the Google Maps
# and website links, and photos with their authors.
PLACE_FIELDS = (
    "id",
    "displayName",
    "formattedAddress",
    "location",
    "rating",
    "userRatingCount",
    "priceLevel",
    "googleMapsUri",
    "websiteUri",
    "photos",
)
SEARCH_FIELDS = tuple(f"places.{field}" for field in PLACE_FIELDS)
DETAILS_FIELDS = PLACE_FIELDS
SEARCH_SKU = google_billing.sku(google_billing.TEXT_SEARCH, SEARCH_FIELDS)
DETAILS_SKU = google_billing.sku(google_billing.PLACE_DETAILS, DETAILS_FIELDS)
PAGE_SIZE = 5  # candidates to choose from; one page is one request, whatever its size
# Google Maps Platform Service Specific Terms (Places API): content other than place IDs is not
# cached beyond what the terms allow; we keep it 30 days from the fetch at most.
KEEP_FOR = timedelta(days=30)
BIAS_RADIUS_M = 30_000.0
PHOTOS_KEPT = 2
MAX_PHOTO_BYTES = 8_000_000
MAX_PHOTO_WIDTH = 4800  # the API refuses a larger maxWidthPx
IMAGE_HOST_SUFFIX = ".googleusercontent.com"  # lh3, lh5...: where photoUri points
_PLACE_ID = re.compile(r"[A-Za-z0-9_-]{1,512}")
# Built into a URL path, so only the shape the API hands out: no "..", no scheme, no query.
_PHOTO_NAME = re.compile(r"places/[A-Za-z0-9_-]{1,512}/photos/[A-Za-z0-9_-]{1,2048}")

# Canonical city names (core.parsing.cities) → centre, to bias the search towards the city
# the booking names; a bias, not a restriction, so suburbs past the radius still match.
CITY_CENTRES: dict[str, tuple[float, float]] = {
    "Bengaluru": (12.9716, 77.5946),
    "Mumbai": (19.0760, 72.8777),
    "New Delhi": (28.6139, 77.2090),
    "Gurugram": (28.4595, 77.0266),
    "Noida": (28.5355, 77.3910),
    "Hyderabad": (17.3850, 78.4867),
    "Secunderabad": (17.4399, 78.4983),
    "Chennai": (13.0827, 80.2707),
    "Kolkata": (22.5726, 88.3639),
    "Pune": (18.5204, 73.8567),
    "Ahmedabad": (23.0225, 72.5714),
    "Jaipur": (26.9124, 75.7873),
    "Chandigarh": (30.7333, 76.7794),
    "Kochi": (9.9312, 76.2673),
    "Goa": (15.4909, 73.8278),  # Panaji: between the north and south beaches
    "Bhubaneswar": (20.2961, 85.8245),
    "Lucknow": (26.8467, 80.9462),
    "Indore": (22.7196, 75.8577),
    "Warangal": (17.9689, 79.5941),
    "Lisbon": (38.7223, -9.1393),
    "London": (51.5074, -0.1278),
    "New York": (40.7128, -74.0060),
    "Singapore": (1.3521, 103.8198),
    "Dubai": (25.2048, 55.2708),
}

_Response = TypeVar("_Response")


class _Text(msgspec.Struct):
    text: str


class _LatLng(msgspec.Struct):
    latitude: float
    longitude: float


class _Author(msgspec.Struct, rename="camel"):
    display_name: str | None = None
    uri: str | None = None  # the author's Google Maps profile


class _Photo(msgspec.Struct, rename="camel"):
    name: str
    author_attributions: list[_Author] = []


class _Place(msgspec.Struct, rename="camel"):
    id: str
    display_name: _Text | None = None
    formatted_address: str | None = None
    location: _LatLng | None = None
    rating: float | None = None
    user_rating_count: int | None = None
    price_level: str | None = None
    google_maps_uri: str | None = None
    website_uri: str | None = None
    photos: list[_Photo] = []


class _SearchResponse(msgspec.Struct):
    places: list[_Place] = []  # no match: Google answers {}


class _PhotoMedia(msgspec.Struct, rename="camel"):
    photo_uri: str


class _Status(msgspec.Struct):
    message: str = ""
    status: str = ""


class _ErrorBody(msgspec.Struct):
    error: _Status


class GooglePlaces:
    name = PROVIDER
    keep_for: ClassVar[timedelta | None] = KEEP_FOR

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = BASE_URL,
        timeout: float = 5.0,
        concurrency: int = 4,
        client: httpx.AsyncClient | None = None,
        max_photo_bytes: int = MAX_PHOTO_BYTES,
    ) -> None:
        if not api_key:
            raise ValueError("GooglePlaces needs an API key")
        self._key = api_key
        self._base_url = base_url.rstrip("/")
        self._base = httpx.URL(self._base_url)
        self._timeout = httpx.Timeout(timeout)
        # httpx's timeout is per read; a server dripping bytes needs an overall deadline too.
        self._deadline = timeout * DEADLINE_FACTOR
        self._slots = asyncio.Semaphore(concurrency)
        self._max_photo_bytes = max_photo_bytes
        self._client = client or httpx.AsyncClient(follow_redirects=False)
        self._owns_client = client is None

    async def search(self, query: PlaceQuery) -> list[PlaceDetails]:
        body = await self._call(
            "POST",
            "/v1/places:searchText",
            _SearchResponse,
            SEARCH_SKU,
            SEARCH_FIELDS,
            json=search_body(query),
        )
        return [details for place in body.places if (details := _details(place))]

    async def place(self, ref: str) -> PlaceDetails:
        if not _PLACE_ID.fullmatch(ref):
            raise ProviderError(PROVIDER, "not a Google place id", retryable=False)
        place = await self._call(
            "GET",
            f"/v1/places/{ref}",
            _Place,
            DETAILS_SKU,
            DETAILS_FIELDS,
            params={"languageCode": "en"},
        )
        details = _details(place)
        if details is None:
            raise ProviderError(PROVIDER, "the place has no name", retryable=False)
        return details

    async def photo(self, photo_ref: str, *, max_width: int) -> bytes:
        if not _PHOTO_NAME.fullmatch(photo_ref):
            raise ProviderError(PROVIDER, "not a Google photo name", retryable=False)
        width = min(max(1, max_width), MAX_PHOTO_WIDTH)
        media = await self._call(
            "GET",
            f"/v1/{photo_ref}/media",
            _PhotoMedia,
            google_billing.PLACE_DETAILS_PHOTOS,
            params={"maxWidthPx": str(width), "skipHttpRedirect": "true"},
        )
        return await self._download(self._image_url(media.photo_uri))

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def _call(
        self,
        method: str,
        path: str,
        into: type[_Response],
        sku: str,
        fields: tuple[str, ...] = (),
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
    ) -> _Response:
        request = self._client.build_request(
            method,
            self._base_url + path,
            params=params,
            json=json,
            headers=self._headers(fields),
            timeout=self._timeout,
        )
        async with self._slots, transport_errors(PROVIDER, self._deadline):
            response = await self._client.send(request, follow_redirects=False)
        if response.status_code != httpx.codes.OK:
            raise error_for_status(PROVIDER, response, self._redacted(_reason(response.content)))
        PLACES_REQUESTS.labels(PROVIDER, sku).inc()  # answered: billed
        return decode(PROVIDER, response.content, into)

    def _headers(self, fields: tuple[str, ...]) -> dict[str, str]:
        headers = {"X-Goog-Api-Key": self._key}
        if fields:
            headers["X-Goog-FieldMask"] = ",".join(fields)
        return headers

    def _image_url(self, photo_uri: str) -> httpx.URL:
        """photoUri, if it points at the provider's own image host; never anywhere else."""
        try:
            url = httpx.URL(photo_uri)
        except httpx.InvalidURL:
            raise ProviderError(PROVIDER, "invalid photo URI", retryable=False) from None
        if not self._is_image_host(url):
            raise ProviderError(
                PROVIDER, f"photo URI on foreign host {url.host!r}", retryable=False
            )
        return url

    def _is_image_host(self, url: httpx.URL) -> bool:
        if url.userinfo:
            return False
        if url.scheme == "https" and url.host.endswith(IMAGE_HOST_SUFFIX):
            return True
        # The configured API host also serves photos (the local fake does).
        base = self._base
        return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)

    async def _download(self, url: httpx.URL) -> bytes:
        # No key header: the image host is not the API. No compression: the cap counts what
        # arrives, and a compressed body could expand far past it in one chunk.
        request = self._client.build_request(
            "GET", url, headers={"Accept-Encoding": "identity"}, timeout=self._timeout
        )
        async with self._slots, transport_errors(PROVIDER, self._deadline):
            response = await self._client.send(request, stream=True, follow_redirects=False)
            try:
                if response.status_code != httpx.codes.OK:
                    raise error_for_status(PROVIDER, response, "photo download")
                return await read_capped(PROVIDER, response, self._max_photo_bytes)
            finally:
                await response.aclose()

    def _redacted(self, text: str) -> str:
        return text.replace(self._key, "[key]")


def search_body(query: PlaceQuery) -> dict[str, Any]:
    """The searchText body. No includedType: "restaurant" would drop cafes, bars and pubs."""
    body: dict[str, Any] = {
        "textQuery": ", ".join(part for part in (query.name, query.area, query.city) if part),
        "pageSize": PAGE_SIZE,
        "languageCode": "en",
    }
    centre = city_centre(query.city)
    if centre is not None:
        latitude, longitude = centre
        body["locationBias"] = {
            "circle": {
                "center": {"latitude": latitude, "longitude": longitude},
                "radius": BIAS_RADIUS_M,
            }
        }
    return body


def city_centre(city: str | None) -> tuple[float, float] | None:
    canonical = canonical_city(city) if city else None
    return CITY_CENTRES.get(canonical) if canonical else None


def _details(place: _Place) -> PlaceDetails | None:
    if place.display_name is None or not place.display_name.text:
        return None
    photos = [photo for photo in place.photos if _PHOTO_NAME.fullmatch(photo.name)][:PHOTOS_KEPT]
    return PlaceDetails(
        provider=PROVIDER,
        ref=place.id,
        name=place.display_name.text,
        address=place.formatted_address,
        latitude=place.location.latitude if place.location else None,
        longitude=place.location.longitude if place.location else None,
        rating=place.rating,
        rating_count=place.user_rating_count,
        price_level=place.price_level,
        maps_uri=web_link(place.google_maps_uri),
        website=web_link(place.website_uri),
        photo_refs=tuple(photo.name for photo in photos),
        photo_credits=tuple(_credit(photo) for photo in photos),  # paired with photo_refs
    )


def _credit(photo: _Photo) -> PhotoCredit | None:
    """The first named author, with their profile link when Google gives an http(s) one."""
    for author in photo.author_attributions:
        if author.display_name:
            return PhotoCredit(name=author.display_name, url=web_link(author.uri))
    return None


def _reason(body: bytes) -> str:
    """Google's own status and message from an error body, if it has the usual shape."""
    try:
        error = msgspec.json.decode(body, type=_ErrorBody).error
    except msgspec.DecodeError:
        return ""
    return f"{error.status}: {error.message}"[:300]
