"""What the fake Places server answers: Google Places (New), its photos, Nominatim, and faults.

Plain functions of a parsed request; the HTTP plumbing is in devkit/fake_places/server.py.
Faults apply to the next `count` requests they concern (every one if count is None), after the
API key check; Nominatim is never faulted. Every answered Places request is tallied under the
SKU Google would bill it at (devkit/fake_places/billing.py).

Request and response shapes follow the Places API (New) reference: Text Search takes
`pageSize` (1-20, 0 or absent for 20, larger coerced to 20, negative refused; the deprecated
`maxResultCount` is read only without it) and returns `nextPageToken` when more results exist
and the mask asks for it
(https://developers.google.com/maps/documentation/places/web-service/reference/rest/v1/places/searchText);
a photo's `authorAttributions` carry `displayName`, `uri` and `photoUri`
(https://developers.google.com/maps/documentation/places/web-service/reference/rest/v1/places#AuthorAttribution).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devkit.fake_places import billing, catalogue
from devkit.fake_places.images import PHOTO_SIZE, bomb_png, photo_jpeg

_PLACES = frozenset({"search", "details", "media"})
FAULTS: dict[str, frozenset[str]] = {  # mode → the endpoints it applies to
    "rate_limit": _PLACES,
    "server_error": _PLACES,
    "timeout": _PLACES,
    "malformed": _PLACES,
    "forbidden": _PLACES,
    "no_results": frozenset({"search"}),
    "foreign_photo_uri": frozenset({"media"}),
    "hostile_links": frozenset({"search", "details"}),
    "bomb_image": frozenset({"image"}),
    "not_image": frozenset({"image"}),
}
MAX_PHOTO_WIDTH = 4800
DEFAULT_DELAY = 5.0  # seconds a timeout fault holds its answer back
FOREIGN_PHOTO_URI = "http://evil.example/x.jpg"
# What a hostile_links fault puts in a place's details: links that run script when tapped.
HOSTILE_WEBSITE = "javascript:alert(document.domain)//https://toit.example"
HOSTILE_MAPS_URI = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
# Fields of a Place in the real API; a mask naming anything else is refused, as Google does.
_PLACE_FIELD_NAMES = (
    "name id displayName formattedAddress shortFormattedAddress addressComponents location "
    "viewport types primaryType primaryTypeDisplayName rating userRatingCount priceLevel "
    "priceRange googleMapsUri googleMapsLinks websiteUri photos businessStatus timeZone "
    "nationalPhoneNumber internationalPhoneNumber regularOpeningHours currentOpeningHours "
    "utcOffsetMinutes editorialSummary reviews plusCode adrFormatAddress postalAddress "
    "iconMaskBaseUri iconBackgroundColor servesBeer servesWine servesVegetarianFood "
    "reservable takeout delivery dineIn outdoorSeating goodForGroups accessibilityOptions "
    "attributions"
)
PLACE_FIELDS = frozenset(_PLACE_FIELD_NAMES.split())
_DETAILS = re.compile(r"/v1/places/([A-Za-z0-9_-]+)")
_MEDIA = re.compile(r"/v1/places/([A-Za-z0-9_-]+)/photos/([A-Za-z0-9_-]+)/media")
_IMAGE = re.compile(r"/images/([A-Za-z0-9_-]+)\.jpg")
_STOCK_AGENTS = ("python-httpx/", "python-requests/", "python-urllib/", "aiohttp/")
_BLOCK_PAGE = (
    b"<html><head><title>Access blocked</title></head><body><h1>Access blocked</h1>"
    b"<p>You have been blocked because you have violated the usage policy of OSM's Nominatim "
    b"geocoding service.</p></body></html>"
)
_NOT_AN_IMAGE = b"<!doctype html><title>Hello</title><p>This is not a photo."
_JSON = "application/json; charset=UTF-8"


@dataclass(frozen=True, slots=True)
class Incoming:
    method: str
    route: str  # the path, without the query string
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = _JSON
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Fault:
    mode: str
    remaining: int | None = None  # None: every request
    retry_after: float | None = None
    delay: float = DEFAULT_DELAY


def fault_from(spec: dict[str, Any]) -> Fault:
    """A fault from the control endpoint's JSON: {"mode", "count", "retry_after", "delay"}."""
    count, retry_after, delay = spec.get("count"), spec.get("retry_after"), spec.get("delay")
    return Fault(
        str(spec["mode"]),
        None if count is None else int(count),
        None if retry_after is None else float(retry_after),
        DEFAULT_DELAY if delay is None else float(delay),
    )


class FakeApi:
    """The fake's state (faults, photo cache) and its answers; safe to call from many threads."""

    def __init__(self, api_key: str, *, stopping: threading.Event) -> None:
        self.api_key = api_key
        self.base_url = ""  # set once the server has its port
        self._stopping = stopping  # cuts a timeout fault's sleep short when the server stops
        self._lock = threading.Lock()
        self._fault: Fault | None = None
        self._photos: dict[tuple[str, int], bytes] = {}
        self._billed: dict[str, int] = {}

    def billed(self) -> dict[str, int]:
        """Answered Places requests so far, by the SKU Google bills them at."""
        with self._lock:
            return dict(self._billed)

    def clear_billed(self) -> None:
        with self._lock:
            self._billed.clear()

    def set_fault(self, fault: Fault | None) -> None:
        if fault is not None and fault.mode not in FAULTS:
            raise ValueError(f"unknown fault mode {fault.mode!r}; one of {sorted(FAULTS)}")
        if fault is not None and fault.remaining is not None and fault.remaining < 0:
            raise ValueError("count must be at least 0")
        with self._lock:
            self._fault = fault

    def respond(self, request: Incoming) -> Reply:
        route, method = request.route, request.method
        if route == "/_fake/faults":
            return self._control(request)
        if route == "/v1/places:searchText" and method == "POST":
            return self._billing(self._places("search", request, lambda f: _search(request, f)))
        if (media := _MEDIA.fullmatch(route)) and method == "GET":
            place_id, ref = media.groups()
            answer = self._places(
                "media", request, lambda f: self._media(place_id, ref, request, f)
            )
            return self._billing(answer)
        if (details := _DETAILS.fullmatch(route)) and method == "GET":
            answer = self._places("details", request, lambda f: _details(details[1], request, f))
            return self._billing(answer)
        if (image := _IMAGE.fullmatch(route)) and method == "GET":
            return self._image(image[1], request)
        if route == "/search" and method == "GET":
            return nominatim_search(request)
        return google_error(404, "NOT_FOUND", f"The requested URL {route} was not found.")

    def _control(self, request: Incoming) -> Reply:
        if request.method == "DELETE":
            self.set_fault(None)
            return Reply(204)
        if request.method != "POST":
            return google_error(405, "INVALID_ARGUMENT", "POST a fault, or DELETE to clear.")
        try:
            fault = fault_from(json.loads(request.body))
            self.set_fault(fault)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            return google_error(400, "INVALID_ARGUMENT", f"bad fault: {error}")
        return _json(200, {"mode": fault.mode, "count": fault.remaining})

    def _places(
        self, endpoint: str, request: Incoming, serve: Callable[[Fault | None], Reply]
    ) -> tuple[Reply, str | None]:
        """The answer, and the SKU it is billed at (None: not billable)."""
        key = request.headers.get("x-goog-api-key")
        if not key:
            message = "The request is missing a valid API key."
            return google_error(403, "PERMISSION_DENIED", message), None
        if key != self.api_key:
            message = "API key not valid. Please pass a valid API key."
            return google_error(400, "INVALID_ARGUMENT", message), None
        fault = self._take_fault(endpoint)
        if fault is not None and fault.mode == "timeout":
            self._stopping.wait(fault.delay)
        reply = _fault_reply(fault) if fault is not None else None
        sku = billing.sku_of(endpoint, request.headers.get("x-goog-fieldmask", ""))
        return (reply, sku) if reply is not None else (serve(fault), sku)

    def _billing(self, answer: tuple[Reply, str | None]) -> Reply:
        reply, sku = answer
        if sku is not None and reply.status == 200:
            with self._lock:
                self._billed[sku] = self._billed.get(sku, 0) + 1
        return reply

    def _take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            fault = self._fault
            if fault is None or endpoint not in FAULTS[fault.mode] or fault.remaining == 0:
                return None
            if fault.remaining is not None:
                fault.remaining -= 1
            return Fault(fault.mode, fault.remaining, fault.retry_after, fault.delay)

    def _media(self, place_id: str, ref: str, request: Incoming, fault: Fault | None) -> Reply:
        place = catalogue.BY_ID.get(place_id)
        if place is None or ref not in place.photo_refs:
            return google_error(404, "NOT_FOUND", "Photo not found.")
        width = _photo_width(request)
        if isinstance(width, Reply):
            return width
        uri = f"{self.base_url}/images/{ref}.jpg?w={width}"
        if fault is not None and fault.mode == "foreign_photo_uri":
            uri = FOREIGN_PHOTO_URI
        if request.param("skipHttpRedirect") == "true":
            return _json(200, {"name": f"places/{place_id}/photos/{ref}/media", "photoUri": uri})
        return Reply(302, content_type="text/html", headers=(("Location", uri),))

    def _image(self, ref: str, request: Incoming) -> Reply:
        """The image host (googleusercontent.com for the real API): no key, no JSON."""
        fault = self._take_fault("image")
        if fault is not None and fault.mode == "bomb_image":
            return Reply(200, bomb_png(), "image/png")
        if fault is not None and fault.mode == "not_image":
            return Reply(200, _NOT_AN_IMAGE, "image/jpeg")
        if ref not in catalogue.PHOTO_REFS:
            return Reply(404, b"Not Found", "text/plain")
        asked = request.param("w") or ""
        width = min(int(asked), PHOTO_SIZE[0]) if asked.isdigit() and int(asked) else PHOTO_SIZE[0]
        return Reply(200, self._photo(ref, width), "image/jpeg")

    def _photo(self, ref: str, width: int) -> bytes:
        with self._lock:
            cached = self._photos.get((ref, width))
        if cached is None:  # drawn on first use: drawing them all at start-up takes a second
            cached = photo_jpeg(ref, width)
            with self._lock:
                self._photos[ref, width] = cached
        return cached


def _search(request: Incoming, fault: Fault | None) -> Reply:
    mask = field_mask(request, prefix="places")
    if isinstance(mask, Reply):
        return mask
    try:
        body = json.loads(request.body)
        text = str(body["textQuery"])
    except (ValueError, KeyError, TypeError):
        return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload: textQuery is required.")
    size = page_size(body)
    if isinstance(size, Reply):
        return size
    found = catalogue.search(text)
    if not found:
        return _json(200, {})  # what the real API answers when nothing matches
    places = [_shown(catalogue.google_place(place), fault) for place in found[:size]]
    answer: dict[str, Any] = {"places": places}
    if len(found) > size:
        answer["nextPageToken"] = f"page-2-of-{len(found)}"
    return _json(200, masked(answer, mask))


def page_size(body: dict[str, Any]) -> int | Reply:
    """`pageSize`, or the deprecated `maxResultCount` when it is absent: 0 or none for 20,
    anything above 20 as 20, a negative number refused."""
    asked = body.get("pageSize")
    name = "pageSize"
    if asked is None:
        asked, name = body.get("maxResultCount"), "maxResultCount"
    if asked is None:
        return 20
    if not isinstance(asked, int) or isinstance(asked, bool) or asked < 0:
        return google_error(400, "INVALID_ARGUMENT", f"Invalid value for {name}: {asked!r}.")
    return min(asked, 20) or 20


def _details(place_id: str, request: Incoming, fault: Fault | None) -> Reply:
    mask = field_mask(request, prefix=None)
    if isinstance(mask, Reply):
        return mask
    place = catalogue.BY_ID.get(place_id)
    if place is None:
        return google_error(404, "NOT_FOUND", f"Place '{place_id}' not found.")
    return _json(200, masked(_shown(catalogue.google_place(place), fault), mask))


def _shown(place: dict[str, Any], fault: Fault | None) -> dict[str, Any]:
    if fault is not None and fault.mode == "hostile_links":
        return place | {"websiteUri": HOSTILE_WEBSITE, "googleMapsUri": HOSTILE_MAPS_URI}
    return place


def nominatim_search(request: Incoming) -> Reply:
    agent = request.headers.get("user-agent", "").strip()
    if not agent or agent.lower().startswith(_STOCK_AGENTS):  # the usage policy refuses both
        return Reply(403, _BLOCK_PAGE, "text/html; charset=utf-8")
    text, form = request.param("q") or "", request.param("format") or "xml"
    if not text.strip():
        return _json(400, {"error": {"code": 400, "message": "Nothing to search for."}})
    if form not in ("json", "jsonv2"):
        return Reply(400, b"This fake speaks only format=json and format=jsonv2.", "text/plain")
    asked = request.param("limit") or ""
    limit = max(1, min(int(asked), 40)) if asked.isdigit() else 10
    details = request.param("addressdetails") == "1"
    found = catalogue.search(text)[:limit]
    places = [
        catalogue.nominatim_place(p, v2=form == "jsonv2", address_details=details) for p in found
    ]
    return _json(200, places)


def masked(value: Any, paths: list[list[str]]) -> Any:
    """Only the parts of `value` the field-mask paths name ('places.id', '*', ...)."""
    if any(not path for path in paths):
        return value  # a path ended here: the whole subtree
    if isinstance(value, list):
        return [masked(item, paths) for item in value]
    if not isinstance(value, dict):
        return value
    kept: dict[str, Any] = {}
    for key, item in value.items():
        deeper = [path[1:] for path in paths if path[0] in (key, "*")]
        if deeper:
            kept[key] = masked(item, deeper)
    return kept


def field_mask(request: Incoming, *, prefix: str | None) -> list[list[str]] | Reply:
    """The mask's paths; an error reply when it is missing or names an unknown field."""
    header = request.headers.get("x-goog-fieldmask", "").strip()
    if not header:
        message = "FieldMask is a required parameter. Set it with the header X-Goog-FieldMask."
        return google_error(400, "INVALID_ARGUMENT", message)
    paths = [part.strip().split(".") for part in header.split(",") if part.strip()]
    for path in paths:
        if not _known_path(path, prefix):
            message = (
                "Error expanding 'fields' parameter. "
                f"Cannot find matching fields for path '{'.'.join(path)}'."
            )
            return google_error(400, "INVALID_ARGUMENT", message)
    return paths


def _known_path(path: list[str], prefix: str | None) -> bool:
    if path == ["*"] or (prefix == "places" and path == ["nextPageToken"]):
        return True
    if prefix is not None:
        if path[0] != prefix:
            return False
        path = path[1:]
    return not path or path[0] == "*" or path[0] in PLACE_FIELDS


def _photo_width(request: Incoming) -> int | Reply:
    width, height = request.param("maxWidthPx"), request.param("maxHeightPx")
    if width is None and height is None:
        message = "Please specify at least one of maxWidthPx or maxHeightPx."
        return google_error(400, "INVALID_ARGUMENT", message)
    try:
        asked = int(width) if width is not None else int(height or 0) * 4 // 3
    except ValueError:
        asked = 0
    if not 1 <= asked <= MAX_PHOTO_WIDTH:
        return google_error(400, "INVALID_ARGUMENT", "maxWidthPx must be in [1, 4800].")
    return min(asked, PHOTO_SIZE[0])


def _fault_reply(fault: Fault) -> Reply | None:
    """The answer a fault gives instead of the real one; None where the endpoint shapes it."""
    if fault.mode == "rate_limit":
        retry = () if fault.retry_after is None else (("Retry-After", f"{fault.retry_after:g}"),)
        message = "Quota exceeded for quota metric 'Requests' of service 'places.googleapis.com'."
        return google_error(429, "RESOURCE_EXHAUSTED", message, headers=retry)
    if fault.mode == "server_error":
        return google_error(500, "INTERNAL", "Internal error encountered.")
    if fault.mode == "forbidden":
        message = "Places API (New) has not been used in this project before or it is disabled."
        return google_error(403, "PERMISSION_DENIED", message)
    if fault.mode == "malformed":
        return Reply(200, b'{"places": [{"id": "ChIJ')
    if fault.mode == "no_results":
        return _json(200, {})
    # timeout (answers late); foreign_photo_uri and hostile_links (shaped by their endpoint)
    return None


def google_error(
    code: int, status: str, message: str, *, headers: tuple[tuple[str, str], ...] = ()
) -> Reply:
    body = {"error": {"code": code, "message": message, "status": status}}
    return Reply(code, json.dumps(body).encode(), headers=headers)


def _json(status: int, value: Any) -> Reply:
    return Reply(status, json.dumps(value, ensure_ascii=False).encode())
