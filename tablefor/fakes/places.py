"""A local fake of Google Places (New) and Nominatim over real HTTP, for tests and `tablefor dev`.

It handles requests the way the real services do wherever our clients could tell the
difference: the API key and field-mask headers are required and checked, answers carry only the
fields in the mask, errors have Google's JSON shape, photos go through the media endpoint to real
JPEG bytes, and Nominatim refuses requests without an identifying User-Agent. The catalogue is a
few restaurants from the sample bookings plus namesakes in other cities, ranked by name words
only (no location bias), so a namesake can come first and picking by locality matters.

Faults, set with `set_fault(...)` or `POST /_fake/faults` (cleared with `DELETE`), apply to the
next `count` requests they concern (every one if count is None), after the key check:
- rate_limit, server_error, timeout, malformed, forbidden: Places search, details, photo media;
- no_results: Places search; foreign_photo_uri: photo media;
- bomb_image, not_image: the image endpoint (/images/...).
Nominatim is never faulted. Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import json
import re
import socket
import struct
import sys
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image, ImageDraw

API_KEY = "fake-places-key"
PHOTO_SIZE = (1600, 1200)
MAX_PHOTO_WIDTH = 4800
BOMB_SIDE = 20_000
MAX_BODY = 1_000_000
FOREIGN_PHOTO_URI = "http://evil.example/x.jpg"
_PLACES = frozenset({"search", "details", "media"})
FAULTS: dict[str, frozenset[str]] = {  # mode → the endpoints it applies to
    "rate_limit": _PLACES,
    "server_error": _PLACES,
    "timeout": _PLACES,
    "malformed": _PLACES,
    "forbidden": _PLACES,
    "no_results": frozenset({"search"}),
    "foreign_photo_uri": frozenset({"media"}),
    "bomb_image": frozenset({"image"}),
    "not_image": frozenset({"image"}),
}
# Fields of a Place in the real API; a mask naming anything else is refused, as Google does.
PLACE_FIELDS = frozenset(
    "name id displayName formattedAddress shortFormattedAddress addressComponents location "
    "viewport types primaryType primaryTypeDisplayName rating userRatingCount priceLevel "
    "priceRange googleMapsUri googleMapsLinks websiteUri photos businessStatus "
    "nationalPhoneNumber internationalPhoneNumber regularOpeningHours currentOpeningHours "
    "utcOffsetMinutes timeZone editorialSummary reviews plusCode adrFormatAddress postalAddress "
    "iconMaskBaseUri iconBackgroundColor servesBeer servesWine servesVegetarianFood reservable "
    "takeout delivery dineIn outdoorSeating goodForGroups accessibilityOptions".split()
)
_DETAILS = re.compile(r"/v1/places/([A-Za-z0-9_-]+)")
_MEDIA = re.compile(r"/v1/places/([A-Za-z0-9_-]+)/photos/([A-Za-z0-9_-]+)/media")
_IMAGE = re.compile(r"/images/([A-Za-z0-9_-]+)\.jpg")
_FILLER = frozenset({"the", "and", "cafe", "restaurant", "brewing", "company", "bar", "pub"})
_STOCK_AGENTS = ("python-httpx/", "python-requests/", "python-urllib/", "aiohttp/")
_BLOCK_PAGE = (
    b"<html><head><title>Access blocked</title></head><body><h1>Access blocked</h1>"
    b"<p>You have been blocked because you have violated the usage policy of OSM's Nominatim "
    b"geocoding service. Please be aware that OSM's resources are limited and shared between "
    b"many users.</p></body></html>"
)
_JSON = "application/json; charset=UTF-8"


@dataclass(frozen=True, slots=True)
class Restaurant:
    name: str
    road: str
    area: str
    city: str  # as OpenStreetMap names it
    state: str
    postcode: str
    country: str
    country_code: str
    latitude: float
    longitude: float
    address: str  # as Google formats it
    rating: float
    rating_count: int
    price_level: str
    website: str | None = None
    photographers: tuple[str, ...] = ("Asha Rao", "Local Guide Dev")

    @property
    def place_id(self) -> str:
        return "ChIJ" + _digest(f"{self.name}|{self.city}")[:23]

    @property
    def photo_refs(self) -> tuple[str, ...]:
        return tuple(f"AUc{_digest(f'{self.place_id}|{i}')[:40]}" for i in range(2))

    @property
    def osm_id(self) -> int:
        return int.from_bytes(hashlib.sha256(self.place_id.encode()).digest()[:4], "big")


def _r(
    name: str, road: str, area: str, city: str, state: str, postcode: str, **more: Any
) -> Restaurant:
    country, code = more.pop("country", ("India", "in"))
    address = more.pop("address", f"{road}, {area}, {city}, {state} {postcode}, {country}")
    return Restaurant(
        name, road, area, city, state, postcode, country, code, address=address, **more
    )


# Namesakes come before the places the samples mean: a search by name alone finds them first.
CATALOGUE: tuple[Restaurant, ...] = (
    _r("The Happy Yard Cafe", "Lane 5", "Koregaon Park", "Pune", "Maharashtra", "411001",
       latitude=18.5362, longitude=73.8940, rating=4.1, rating_count=812,
       price_level="PRICE_LEVEL_MODERATE"),
    _r("The Happy Yard", "Road No. 36", "Jubilee Hills", "Hyderabad", "Telangana", "500033",
       latitude=17.4326, longitude=78.4071, rating=4.3, rating_count=5120,
       price_level="PRICE_LEVEL_EXPENSIVE", website="https://thehappyyard.example"),
    _r("Toit Brewpub", "Kamala Mills Compound", "Lower Parel", "Mumbai", "Maharashtra",
       "400013", latitude=19.0008, longitude=72.8279, rating=4.4, rating_count=9034,
       price_level="PRICE_LEVEL_EXPENSIVE"),
    _r("Toit", "298, 100 Feet Road", "Indiranagar", "Bengaluru", "Karnataka", "560038",
       latitude=12.9791, longitude=77.6408, rating=4.5, rating_count=41210,
       price_level="PRICE_LEVEL_EXPENSIVE", website="https://toit.example"),
    _r("Byg Brewski Brewing Company", "Hennur Main Road", "Hennur", "Bengaluru", "Karnataka",
       "560043", latitude=13.0418, longitude=77.6395, rating=4.4, rating_count=38022,
       price_level="PRICE_LEVEL_EXPENSIVE"),
    _r("Bastian", "Dr Annie Besant Road", "Worli", "Mumbai", "Maharashtra", "400018",
       latitude=19.0124, longitude=72.8183, rating=4.3, rating_count=6800,
       price_level="PRICE_LEVEL_VERY_EXPENSIVE"),
    _r("Farzi Cafe", "8 Haymarket", "St. James's", "London", "England", "SW1Y 4BP",
       country=("United Kingdom", "gb"), address="8 Haymarket, London SW1Y 4BP, UK",
       latitude=51.5089, longitude=-0.1324, rating=4.2, rating_count=1900,
       price_level="PRICE_LEVEL_EXPENSIVE"),
    _r("Farzi Cafe", "Road No. 45", "Jubilee Hills", "Hyderabad", "Telangana", "500033",
       latitude=17.4302, longitude=78.4042, rating=4.2, rating_count=7300,
       price_level="PRICE_LEVEL_EXPENSIVE"),
    _r("Olive Beach", "16, Wood Street, off Richmond Road", "Ashok Nagar", "Bengaluru",
       "Karnataka", "560025", latitude=12.9650, longitude=77.6040, rating=4.4,
       rating_count=4100, price_level="PRICE_LEVEL_VERY_EXPENSIVE"),
    _r("Hunger Camp", "SCO 51, Sector 29", "Sector 29", "Gurugram", "Haryana", "122001",
       latitude=28.4675, longitude=77.0622, rating=4.0, rating_count=2600,
       price_level="PRICE_LEVEL_MODERATE"),
    _r("Smoke House Deli", "52/1, Lavelle Road", "Ashok Nagar", "Bengaluru", "Karnataka",
       "560001", latitude=12.9716, longitude=77.5988, rating=4.3, rating_count=7700,
       price_level="PRICE_LEVEL_EXPENSIVE"),
    _r("Cervejaria Ramiro", "Avenida Almirante Reis", "Anjos", "Lisboa", "Lisboa", "1150-007",
       country=("Portugal", "pt"), address="Av. Almirante Reis 1, 1150-007 Lisboa, Portugal",
       latitude=38.7206, longitude=-9.1357, rating=4.5, rating_count=33000,
       price_level="PRICE_LEVEL_MODERATE", website="https://cervejariaramiro.example"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    method: str
    path: str  # as sent, query string included
    headers: dict[str, str]  # names lower-cased; values as sent (the API key too, to assert on)
    body: bytes
    at: float  # time.monotonic() on arrival

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query)


@dataclass(slots=True)
class Fault:
    mode: str
    remaining: int | None = None  # None: every request
    retry_after: float | None = None
    delay: float = 5.0


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    body: bytes = b""
    content_type: str = _JSON
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Incoming:
    method: str
    route: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class FakePlacesServer:
    def __init__(self, *, api_key: str = API_KEY, port: int = 0) -> None:
        self.api_key = api_key
        self.base_url = ""
        self._port = port
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._fault: Fault | None = None
        self._photos: dict[tuple[str, int], bytes] = {}
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._by_id = {place.place_id: place for place in CATALOGUE}
        self._photo_refs = frozenset(ref for place in CATALOGUE for ref in place.photo_refs)

    def start(self) -> str:
        if self._httpd is None:
            self._stopping.clear()
            self._httpd = _HTTPServer(self, self._port)
            self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, args=(0.05,), name="fake-places", daemon=True
            )
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()  # wakes requests sleeping in a timeout fault
        httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:  # idle keep-alive connections would block the join
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()  # joins the request threads
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> FakePlacesServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def set_fault(
        self,
        mode: str,
        *,
        count: int | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
    ) -> None:
        if mode not in FAULTS:
            raise ValueError(f"unknown fault mode {mode!r}; one of {sorted(FAULTS)}")
        if count is not None and count < 0:
            raise ValueError("count must be at least 0")
        with self._lock:
            self._fault = Fault(mode, count, retry_after, 5.0 if delay is None else delay)

    def clear_faults(self) -> None:
        with self._lock:
            self._fault = None

    # -- called from request threads

    def _opened(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
            if self._stopping.is_set():  # accepted just as stop() looked: close it too
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def _closed(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    def _take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            fault = self._fault
            if fault is None or endpoint not in FAULTS[fault.mode] or fault.remaining == 0:
                return None
            if fault.remaining is not None:
                fault.remaining -= 1
            return Fault(fault.mode, fault.remaining, fault.retry_after, fault.delay)

    def _respond(self, request: _Incoming) -> _Reply:
        route, method = request.route, request.method
        if route.startswith("/_fake/"):
            return self._control(request)
        if route == "/v1/places:searchText" and method == "POST":
            return self._places("search", request, lambda fault: self._search(request))
        if (media := _MEDIA.fullmatch(route)) and method == "GET":
            place_id, ref = media.groups()
            return self._places("media", request, lambda f: self._media(place_id, ref, request, f))
        if (details := _DETAILS.fullmatch(route)) and method == "GET":
            return self._places(
                "details", request, lambda fault: self._details(details[1], request)
            )
        if (image := _IMAGE.fullmatch(route)) and method == "GET":
            return self._image(image[1], request)
        if route == "/search" and method == "GET":
            return _nominatim(request)
        return _google_error(404, "NOT_FOUND", f"The requested URL {route} was not found.")

    def _control(self, request: _Incoming) -> _Reply:
        if request.route != "/_fake/faults":
            return _google_error(404, "NOT_FOUND", "No such control endpoint.")
        if request.method == "DELETE":
            self.clear_faults()
            return _Reply(204)
        try:
            spec = json.loads(request.body)
            self.set_fault(
                spec["mode"],
                count=spec.get("count"),
                retry_after=spec.get("retry_after"),
                delay=spec.get("delay"),
            )
        except (ValueError, KeyError, TypeError) as error:
            return _google_error(400, "INVALID_ARGUMENT", f"bad fault: {error}")
        return _json(200, {"mode": spec["mode"]})

    def _places(
        self, endpoint: str, request: _Incoming, serve: Callable[[Fault | None], _Reply]
    ) -> _Reply:
        key = request.headers.get("x-goog-api-key")
        if not key:
            return _google_error(
                403, "PERMISSION_DENIED", "The request is missing a valid API key."
            )
        if key != self.api_key:
            message = "API key not valid. Please pass a valid API key."
            return _google_error(400, "INVALID_ARGUMENT", message)
        fault = self._take_fault(endpoint)
        if fault is not None and fault.mode == "timeout":
            self._stopping.wait(fault.delay)
        reply = _fault_reply(fault) if fault is not None else None
        return reply if reply is not None else serve(fault)

    def _search(self, request: _Incoming) -> _Reply:
        mask = _field_mask(request, prefix="places")
        if isinstance(mask, _Reply):
            return mask
        try:
            body = json.loads(request.body)
            text, limit = str(body["textQuery"]), int(body.get("maxResultCount") or 20)
        except (ValueError, KeyError, TypeError):
            return _google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload: textQuery.")
        found = search_catalogue(text)[: max(1, min(limit, 20))]
        if not found:
            return _json(200, {})  # what the real API answers when nothing matches
        return _json(200, masked({"places": [google_place(place) for place in found]}, mask))

    def _details(self, place_id: str, request: _Incoming) -> _Reply:
        mask = _field_mask(request, prefix=None)
        if isinstance(mask, _Reply):
            return mask
        place = self._by_id.get(place_id)
        if place is None:
            return _google_error(404, "NOT_FOUND", f"Place '{place_id}' not found.")
        return _json(200, masked(google_place(place), mask))

    def _media(self, place_id: str, ref: str, request: _Incoming, fault: Fault | None) -> _Reply:
        place = self._by_id.get(place_id)
        if place is None or ref not in place.photo_refs:
            return _google_error(404, "NOT_FOUND", "Photo not found.")
        width = _photo_width(request)
        if isinstance(width, _Reply):
            return width
        uri = f"{self.base_url}/images/{ref}.jpg?w={width}"
        if fault is not None and fault.mode == "foreign_photo_uri":
            uri = FOREIGN_PHOTO_URI
        if request.param("skipHttpRedirect") == "true":
            name = f"places/{place_id}/photos/{ref}/media"
            return _json(200, {"name": name, "photoUri": uri})
        return _Reply(302, content_type="text/html", headers=(("Location", uri),))

    def _image(self, ref: str, request: _Incoming) -> _Reply:
        fault = self._take_fault("image")
        if fault is not None and fault.mode == "bomb_image":
            return _Reply(200, bomb_png(), "image/png")
        if fault is not None and fault.mode == "not_image":
            return _Reply(200, b"<!doctype html><title>Hello</title><p>Not a photo.", "image/jpeg")
        if ref not in self._photo_refs:
            return _Reply(404, b"Not Found", "text/plain")
        width = request.param("w") or ""
        width_px = min(int(width), PHOTO_SIZE[0]) if width.isdigit() and int(width) else 0
        return _Reply(200, self._photo(ref, width_px or PHOTO_SIZE[0]), "image/jpeg")

    def _photo(self, ref: str, width: int) -> bytes:
        with self._lock:
            cached = self._photos.get((ref, width))
        if cached is None:  # made on first use: drawing them all at start-up takes a second
            cached = photo_jpeg(ref, width)
            with self._lock:
                self._photos[ref, width] = cached
        return cached


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins the request threads
    block_on_close = True

    def __init__(self, fake: FakePlacesServer, port: int) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer's own server_bind resolves the host name, slow or hanging without DNS.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a test's short timeout) is not an error of the fake's.
        if not isinstance(_current_error(), ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


def _current_error() -> BaseException | None:
    return sys.exc_info()[1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real services
    server_version = "FakePlaces/1.0"
    timeout = 30.0  # idle keep-alive connections end on their own
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.fake._opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `FakePlacesServer.requests` instead."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self._send(_Reply(413, b"Request too large", "text/plain"))
            return
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        url = urlsplit(self.path)
        if not url.path.startswith("/_fake/"):
            at = time.monotonic()
            self.server.fake._record(LoggedRequest(self.command, self.path, headers, body, at))
        request = _Incoming(self.command, url.path, parse_qs(url.query), headers, body)
        self._send(self.server.fake._respond(request))

    def _send(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


# -- the catalogue, as each API shows it


def search_catalogue(text: str) -> list[Restaurant]:
    """Places sharing a name word with the text, most shared words first, then catalogue order."""
    wanted = set(_words(text))
    scored = [(len(_name_keys(place.name) & wanted), place) for place in CATALOGUE]
    return [place for shared, place in sorted(scored, key=lambda s: -s[0]) if shared]


def google_place(place: Restaurant) -> dict[str, Any]:
    result: dict[str, Any] = {
        "name": f"places/{place.place_id}",
        "id": place.place_id,
        "types": ["restaurant", "food", "point_of_interest", "establishment"],
        "formattedAddress": place.address,
        "location": {"latitude": place.latitude, "longitude": place.longitude},
        "rating": place.rating,
        "googleMapsUri": f"https://maps.google.com/?cid={place.osm_id}",
        "priceLevel": place.price_level,
        "userRatingCount": place.rating_count,
        "displayName": {"text": place.name, "languageCode": "en"},
        "photos": [
            _google_photo(place, ref, author)
            for ref, author in zip(place.photo_refs, place.photographers, strict=True)
        ],
    }
    if place.website:
        result["websiteUri"] = place.website
    return result


def _google_photo(place: Restaurant, ref: str, author: str) -> dict[str, Any]:
    contributor = f"//maps.google.com/maps/contrib/{place.osm_id}"
    return {
        "name": f"places/{place.place_id}/photos/{ref}",
        "widthPx": PHOTO_SIZE[0],
        "heightPx": PHOTO_SIZE[1],
        "authorAttributions": [
            {
                "displayName": author,
                "uri": contributor,
                "photoUri": "//lh3.googleusercontent.com/a/x",
            }
        ],
    }


def nominatim_place(place: Restaurant, *, v2: bool, address_details: bool) -> dict[str, Any]:
    address = {
        "amenity": place.name,
        "road": place.road,
        "suburb": place.area,
        "city": place.city,
        "state": place.state,
        "postcode": place.postcode,
        "country": place.country,
        "country_code": place.country_code,
    }
    lat, lon = f"{place.latitude:.7f}", f"{place.longitude:.7f}"
    result: dict[str, Any] = {
        "place_id": place.osm_id % 400_000_000,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "node",
        "osm_id": place.osm_id,
        "lat": lat,
        "lon": lon,
        "category" if v2 else "class": "amenity",
        "type": "restaurant",
        "place_rank": 30,
        "importance": 0.00008,
        "addresstype": "amenity",
        "name": place.name,
        "display_name": ", ".join(v for k, v in address.items() if k != "country_code"),
        "boundingbox": [lat, lat, lon, lon],
    }
    if address_details:
        result["address"] = address
    return result


def _nominatim(request: _Incoming) -> _Reply:
    agent = request.headers.get("user-agent", "").strip()
    if not agent or agent.lower().startswith(_STOCK_AGENTS):
        return _Reply(403, _BLOCK_PAGE, "text/html; charset=utf-8")
    text, form = request.param("q") or "", request.param("format") or "xml"
    if not text.strip():
        return _json(400, {"error": {"code": 400, "message": "Nothing to search for."}})
    if form not in ("json", "jsonv2"):
        return _Reply(400, b"The fake speaks only json and jsonv2.", "text/plain")
    limit = request.param("limit") or "10"
    count = max(1, min(int(limit), 40)) if limit.isdigit() else 10
    details = request.param("addressdetails") == "1"
    found = search_catalogue(text)[:count]
    return _json(
        200, [nominatim_place(p, v2=form == "jsonv2", address_details=details) for p in found]
    )


# -- field masks, errors, faults


def masked(value: Any, paths: list[list[str]]) -> Any:
    """Only the parts of `value` the field-mask paths name ('places.id', '*'...)."""
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


def _field_mask(request: _Incoming, *, prefix: str | None) -> list[list[str]] | _Reply:
    header = request.headers.get("x-goog-fieldmask", "").strip()
    if not header:
        message = "FieldMask is a required parameter. Set the header 'X-Goog-FieldMask'."
        return _google_error(400, "INVALID_ARGUMENT", message)
    paths = [part.strip().split(".") for part in header.split(",") if part.strip()]
    for path in paths:
        place = path[1:] if prefix else path
        if path != ["*"] and not (
            (prefix is None or path[0] == prefix)
            and (not place or place[0] in {"*", *PLACE_FIELDS})
        ):
            message = f"Error expanding 'fields' parameter. Cannot find matching fields for path '{'.'.join(path)}'."
            return _google_error(400, "INVALID_ARGUMENT", message)
    return paths


def _photo_width(request: _Incoming) -> int | _Reply:
    width, height = request.param("maxWidthPx"), request.param("maxHeightPx")
    if width is None and height is None:
        message = "Please specify at least one of maxWidthPx or maxHeightPx."
        return _google_error(400, "INVALID_ARGUMENT", message)
    try:
        asked = int(width) if width is not None else int(height or 0) * 4 // 3
    except ValueError:
        asked = 0
    if not 1 <= asked <= MAX_PHOTO_WIDTH:
        return _google_error(400, "INVALID_ARGUMENT", "maxWidthPx must be in [1, 4800].")
    return min(asked, PHOTO_SIZE[0])


def _fault_reply(fault: Fault) -> _Reply | None:
    """The answer a fault gives instead of the real one; None where the endpoint shapes it."""
    if fault.mode == "rate_limit":
        retry = () if fault.retry_after is None else (("Retry-After", f"{fault.retry_after:g}"),)
        message = "Quota exceeded for quota metric 'Requests' of service 'places.googleapis.com'."
        return _google_error(429, "RESOURCE_EXHAUSTED", message, headers=retry)
    if fault.mode == "server_error":
        return _google_error(500, "INTERNAL", "Internal error encountered.")
    if fault.mode == "forbidden":
        message = "Places API (New) has not been used in this project or it is disabled."
        return _google_error(403, "PERMISSION_DENIED", message)
    if fault.mode == "malformed":
        return _Reply(200, b'{"places": [{"id": "ChIJ')
    if fault.mode == "no_results":
        return _json(200, {})
    return None  # timeout (answers late), foreign_photo_uri


def _google_error(
    code: int, status: str, message: str, *, headers: tuple[tuple[str, str], ...] = ()
) -> _Reply:
    body = {"error": {"code": code, "message": message, "status": status}}
    return _Reply(code, json.dumps(body).encode(), headers=headers)


def _json(status: int, value: Any) -> _Reply:
    return _Reply(status, json.dumps(value, ensure_ascii=False).encode())


# -- images


def photo_jpeg(ref: str, width: int = PHOTO_SIZE[0]) -> bytes:
    """A real JPEG, the same for the same ref: a gradient and shapes drawn from its hash."""
    seed = hashlib.sha256(ref.encode()).digest()
    size = PHOTO_SIZE
    mask = Image.linear_gradient("L").resize(size)
    image = Image.composite(
        Image.new("RGB", size, _colour(seed[0:3])), Image.new("RGB", size, _colour(seed[3:6])), mask
    )
    draw = ImageDraw.Draw(image)
    for i in range(6):
        x, y, radius, shade = seed[6 + 4 * i : 10 + 4 * i]
        box = (
            x * size[0] // 256,
            y * size[1] // 256,
            x * size[0] // 256 + 80 + radius,
            y * size[1] // 256 + 80 + radius,
        )
        colour = _colour(seed[(i + shade) % 29 : (i + shade) % 29 + 3])
        (draw.ellipse if shade % 2 else draw.rectangle)(box, fill=colour)
    if width < size[0]:
        image = image.resize((width, round(size[1] * width / size[0])), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@functools.cache
def bomb_png(side: int = BOMB_SIDE) -> bytes:
    """A valid 1-bit PNG of side×side pixels, all black: ~50 KB that decode to 400 megapixels."""
    row = b"\x00" + bytes((side + 7) // 8)  # filter byte, then the packed pixels
    squeeze = zlib.compressobj(9)
    rows_per_block = 100
    data = b"".join(squeeze.compress(row * rows_per_block) for _ in range(side // rows_per_block))
    data += squeeze.compress(row * (side % rows_per_block)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _colour(three: bytes) -> tuple[int, int, int]:
    red, green, blue = three
    return red, green, blue


def _digest(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).decode().rstrip("=")


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.findall(r"\w+", bare)


def _name_keys(name: str) -> set[str]:
    return set(_words(name)) - _FILLER
