"""Front-end errors to Sentry through our own origin (Sentry's "tunnel" pattern).

The page's script posts a Sentry envelope to /api/sentry-tunnel. The envelope is forwarded only
if its header names our own browser DSN, and only ever to the ingestion URL built from that
configured DSN, never from anything the client sent: the tunnel can be neither an open relay
nor a way to make the server fetch other addresses. Only `event` items pass, each a JSON
object; the client's address is not passed on. Forwarding happens after the answer is sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import msgspec

from core.errors import InvalidInput
from core.observability import public_dsn

log = logging.getLogger("tablefor.api")

MAX_ENVELOPE_BYTES = 32 * 1024
ALLOWED_ITEMS = frozenset({"event"})
MAX_ITEMS = 4


class NotOurs(Exception):
    """The envelope is addressed to another Sentry project than ours."""


@dataclass(frozen=True, slots=True)
class Target:
    dsn: str  # public form: what the page sends in its envelopes
    envelope_url: str
    auth: str  # X-Sentry-Auth


def target_of(dsn: str | None) -> Target | None:
    public = public_dsn(dsn)
    if public is None:
        return None
    parts = urlsplit(public)
    prefix, _, project = parts.path.rpartition("/")
    if not project.isdigit():
        return None
    host = parts.netloc.split("@")[-1]
    return Target(
        dsn=public,
        envelope_url=f"{parts.scheme}://{host}{prefix}/api/{project}/envelope/",
        auth=(
            f"Sentry sentry_version=7, sentry_key={parts.username}, sentry_client=tablefor-tunnel/1"
        ),
    )


def check_envelope(body: bytes, target: Target) -> None:
    """Raise InvalidInput for anything but a small envelope of events, NotOurs for another DSN."""
    if len(body) > MAX_ENVELOPE_BYTES:
        raise InvalidInput(f"an error report may be at most {MAX_ENVELOPE_BYTES} bytes")
    header_line, _, rest = body.partition(b"\n")
    header = _json_object(header_line, "the envelope header")
    if public_dsn(_text(header.get("dsn"))) != target.dsn:
        raise NotOurs("this tunnel forwards only to this site's own Sentry project")
    items = 0
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item = _json_object(item_line, "an item header")
        if item.get("type") not in ALLOWED_ITEMS:
            raise InvalidInput("only `event` items are accepted")
        payload, rest = _payload(rest, item.get("length"))
        _json_object(payload, "an event")
        items += 1
        if items > MAX_ITEMS:
            raise InvalidInput(f"at most {MAX_ITEMS} events per report")
    if not items:
        raise InvalidInput("the envelope holds no event")


class Tunnel:
    """The forwarding half; opened with the app, closed with it."""

    def __init__(self, target: Target | None, *, timeout: float = 5.0) -> None:
        self.target = target
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def forward(self, body: bytes) -> None:
        assert self.target is not None
        headers = {
            "Content-Type": "application/x-sentry-envelope",
            "X-Sentry-Auth": self.target.auth,
        }
        try:
            response = await self._client.post(
                self.target.envelope_url, content=body, headers=headers
            )
        except httpx.HTTPError as error:
            log.warning("error report not forwarded", extra={"error": str(error)})
            return
        if response.status_code >= 400:
            log.warning("Sentry refused an error report", extra={"status": response.status_code})

    async def aclose(self) -> None:
        await self._client.aclose()


def _payload(rest: bytes, length: object) -> tuple[bytes, bytes]:
    if length is None:
        payload, _, rest = rest.partition(b"\n")
        return payload, rest
    if not isinstance(length, int) or not 0 <= length <= len(rest):
        raise InvalidInput("an item's length does not match its payload")
    return rest[:length], rest[length:].removeprefix(b"\n")


def _json_object(raw: bytes, what: str) -> dict[str, object]:
    try:
        value = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise InvalidInput(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} is not a JSON object")
    return value


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
