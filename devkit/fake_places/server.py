"""A local fake of Google Places (New) and Nominatim over real HTTP, for tests and `tablefor dev`.

It handles requests the way the real services do wherever our clients could tell the
difference: the API key and field-mask headers are required and checked, answers carry only the
fields in the mask, errors have Google's JSON shape, photos go through the media endpoint to real
JPEG bytes, and Nominatim refuses requests without an identifying User-Agent
(devkit/fake_places/routes.py). The restaurants are in devkit/fake_places/catalogue.py.

    with FakePlacesServer() as fake:
        places = GooglePlaces(fake.api_key, base_url=fake.base_url)
        fake.set_fault("rate_limit", count=1, retry_after=2)

Faults, set with `set_fault(...)` or `POST /_fake/faults` with JSON {"mode", "count",
"retry_after", "delay"} (cleared with `DELETE /_fake/faults`), apply to the next `count` requests
they concern (every one if count is None), after the API key check:
- rate_limit (429 + Retry-After), server_error (500), timeout (answers after `delay` seconds),
  malformed (200, invalid JSON), forbidden (403): Places search, details and photo media;
- no_results ({}): Places search; foreign_photo_uri: photo media; hostile_links (a
  `javascript:` website and a `data:` maps link): Places search and details;
- bomb_image (a 400-megapixel PNG), not_image (HTML as image/jpeg): the image endpoint.
Nominatim is never faulted. The server listens on 127.0.0.1 only, on a free port by default.
`billed()` counts answered Places requests by the SKU Google would bill them at.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from devkit.fake_places.catalogue import CATALOGUE, Restaurant
from devkit.fake_places.routes import FAULTS, FakeApi, Fault, Incoming, Reply

__all__ = ["API_KEY", "CATALOGUE", "FAULTS", "FakePlacesServer", "LoggedRequest", "Restaurant"]

API_KEY = "fake-places-key"
MAX_BODY = 1_000_000
_CONTROL_PREFIX = "/_fake/"


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


class FakePlacesServer:
    def __init__(self, *, api_key: str = API_KEY, port: int = 0) -> None:
        self.api_key = api_key
        self.base_url = ""
        self._port = port
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._api = FakeApi(api_key, stopping=self._stopping)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Start serving (once); the base URL, e.g. http://127.0.0.1:41234."""
        if self._httpd is None:
            self._stopping.clear()
            self._httpd = _HTTPServer(self, self._port)
            self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
            self._api.base_url = self.base_url
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, args=(0.05,), name="fake-places", daemon=True
            )
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving, close every connection and wait for the request threads."""
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
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request so far except the control endpoint's, oldest first (a copy)."""
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def billed(self) -> dict[str, int]:
        """Answered Places requests so far, by the SKU Google would bill them at."""
        return self._api.billed()

    def clear_billed(self) -> None:
        self._api.clear_billed()

    def set_fault(
        self,
        mode: str,
        *,
        count: int | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
    ) -> None:
        """Misbehave for the next `count` requests the mode applies to (all, if None)."""
        fault = Fault(mode, count, retry_after)
        if delay is not None:
            fault.delay = delay
        self._api.set_fault(fault)

    def clear_faults(self) -> None:
        self._api.set_fault(None)

    # Called from the request threads.

    def _opened(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
            if self._stopping.is_set():  # accepted just as stop() looked: close it too
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def _closed(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _serve(self, request: Incoming, target: str) -> Reply:
        if not request.route.startswith(_CONTROL_PREFIX):
            entry = LoggedRequest(
                request.method, target, request.headers, request.body, time.monotonic()
            )
            with self._lock:
                self._log.append(entry)
        return self._api.respond(request)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # so that server_close() joins the request threads
    block_on_close = True

    def __init__(self, fake: FakePlacesServer, port: int) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up: slow, or stuck, without DNS.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up (a test's short timeout) is no fault of the fake's.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real services
    server_version = "FakePlaces/1.0"
    timeout = 30.0  # an idle keep-alive connection ends on its own
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
        """Quiet: tests read FakePlacesServer.requests instead."""

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
            self._send(Reply(413, b"Request too large", "text/plain"))
            return
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        url = urlsplit(self.path)
        request = Incoming(self.command, url.path, parse_qs(url.query), headers, body)
        self._send(self.server.fake._serve(request, self.path))

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)
