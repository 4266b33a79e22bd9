"""Purging Cloudflare: by cache tag (the origin sends `Cache-Tag`) or by absolute URL.

Cloudflare limits purges per plan (developers.cloudflare.com/cache/how-to/purge-cache): tag,
prefix, hostname and purge-everything requests share one rate (Free 5 a minute, Pro 5 a second,
Business 10, Enterprise 50), while single-file (URL) purges, Cloudflare's recommended method,
are counted by URL (Free 800 a second, Pro and Business 1,500, Enterprise 3,000); at most 100
items a request (500 URLs on Enterprise). Every publish wants a purge, so callers do not send:
they add their items to the pending batch of their kind and wait for it, and each kind has its
own flusher sending batches as its own limit allows. Three hundred publishes finishing together
cost three tag requests, not three hundred, and URL purges never wait behind the tag rate.

Tags need the origin to send them: nginx over the storage directory does (cdn/origin.nginx.conf.j2,
the cached 404 included). S3 cannot send a `Cache-Tag` header, so with S3 as the origin every
purge goes by URL (`by_url`, CLOUDFLARE_PURGE_BY=urls), the publisher's paths made absolute.

The rates are counted in this process only: with several worker processes, give each its share
of the plan's limits. Cloudflare's own 429s are retried (honouring Retry-After) regardless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from functools import partial

import httpx
import msgspec

from cdn.purge.base import PurgeFailed, PurgeRequest
from cdn.purge.coalesce import Pending, close_flusher, linger, settle, wait_for
from cdn.purge.retry import BASE_DELAY, with_retries

log = logging.getLogger("tablefor.purge")

MAX_ITEMS = 100  # tags (and hosts, prefixes) per purge_cache call, for every plan
LINGER = 1.0  # seconds a batch waits for company before it is sent (unless it is full)
CLOSE_TIMEOUT = 10.0  # seconds aclose gives pending purges before failing them
TAGS, FILES = "tags", "files"


class RateWindow:
    """At most `limit` units (requests, or URLs) in any `window` seconds, one request at a time.
    A request counts from when its response arrived: the latest moment Cloudflare can have
    counted it, so network delays cannot squeeze two windows' worth into one of Cloudflare's."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self._sent: deque[tuple[float, int]] = deque()  # (response arrived, units)
        self._window = window
        self._lock = asyncio.Lock()

    async def ready(self, units: int = 1) -> None:
        """Wait until a request of `units` could be sent now."""
        while True:
            delay = self._wait(units)
            if delay <= 0:
                return
            await asyncio.sleep(delay)

    @contextlib.asynccontextmanager
    async def slot(self, units: int = 1) -> AsyncIterator[None]:
        async with self._lock:
            await self.ready(units)
            try:
                yield
            finally:
                self._sent.append((time.monotonic(), units))

    def _wait(self, units: int) -> float:
        now = time.monotonic()
        while self._sent and self._sent[0][0] <= now - self._window:
            self._sent.popleft()
        excess = sum(used for _, used in self._sent) + units - self.limit
        for sent_at, used in self._sent:  # oldest first: wait until enough have aged out
            if excess <= 0:
                break
            excess -= used
            if excess <= 0:
                return sent_at + self._window - now
        return 0.0


@dataclass
class _Lane:
    """One kind of item: its pending batch, its rate, its batch size and its flusher."""

    kind: str
    rate: RateWindow
    batch: int
    counts_items: bool  # a request costs one unit per item (URLs), else one per request
    full: asyncio.Event = field(default_factory=asyncio.Event)
    pending: Pending = field(init=False)
    flusher: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self.pending = Pending(self.batch, self.full)

    def units(self, items: int) -> int:
        return items if self.counts_items else 1


class _Error(msgspec.Struct):
    message: str = ""
    code: int | None = None


class _Answer(msgspec.Struct):
    success: bool
    errors: list[_Error] = []


class CloudflarePurger:
    """Tags when the request has keys (one tag clears every object of an invite), else, or
    always with `by_url`, the paths as absolute URLs. Cloudflare's API has no soft purge:
    `soft` purges normally."""

    name = "cloudflare"

    def __init__(
        self,
        *,
        zone_id: str,
        token: str,
        base_url: str = "https://api.cloudflare.com/client/v4",
        public_url: str,
        requests_per_minute: int = 5,
        by_url: bool = False,
        urls_per_second: int = 800,
        urls_per_request: int = MAX_ITEMS,
        client: httpx.AsyncClient | None = None,
        window: float = 60.0,
        linger: float = LINGER,
        close_timeout: float = CLOSE_TIMEOUT,
        retry_delay: float = BASE_DELAY,
    ) -> None:
        """`window` is the length of Cloudflare's "minute", shortened in tests."""
        self._url = f"{base_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._public_url = public_url.rstrip("/")
        self._by_url = by_url
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=10.0)
        self._requests = RateWindow(requests_per_minute, window)
        self._lanes = {
            TAGS: _Lane(TAGS, self._requests, MAX_ITEMS, counts_items=False),
            FILES: _Lane(
                FILES,
                RateWindow(urls_per_second, 1.0),
                min(urls_per_request, urls_per_second),
                counts_items=True,
            ),
        }
        self._linger, self._close_timeout, self._retry_delay = linger, close_timeout, retry_delay
        self._closed = False

    async def purge(self, request: PurgeRequest, *, soft: bool = False) -> None:
        if request.keys and not self._by_url:
            await self._enqueue(self._lanes[TAGS], request.keys)
        elif request.paths:
            urls = [self._public_url + path for path in request.paths]
            await self._enqueue(self._lanes[FILES], urls)
        elif request.keys:
            raise PurgeFailed("cloudflare purge failed: purging by URL, and the request has none")

    async def purge_all(self) -> None:
        await self._post({"purge_everything": True}, self._requests, 1)

    async def aclose(self) -> None:
        self._closed = True
        for lane in self._lanes.values():
            lane.full.set()  # what is pending goes now, without waiting for company
        for lane in self._lanes.values():
            await close_flusher(lane.flusher, self._close_timeout)
            lane.pending.fail_all(
                PurgeFailed("cloudflare purge not sent: purger closed"), self.name
            )
        if self._owns_client:
            await self._client.aclose()

    async def _enqueue(self, lane: _Lane, items: Iterable[str]) -> None:
        if self._closed:
            raise PurgeFailed("cloudflare purge not sent: purger closed")
        futures = lane.pending.add(items)
        if lane.flusher is None or lane.flusher.done():
            lane.flusher = asyncio.create_task(self._flush(lane), name=f"cloudflare-{lane.kind}")
        await wait_for(futures)

    async def _flush(self, lane: _Lane) -> None:
        try:
            await linger(lane.full, self._linger)
            while lane.pending:
                # Items keep joining the batch while we wait for the rate.
                await lane.rate.ready(lane.units(min(len(lane.pending), lane.batch)))
                await self._send(lane, lane.pending.take(lane.batch))
            lane.full.clear()  # nothing is pending: a signal from a past batch is stale
        except asyncio.CancelledError as error:  # by aclose: nobody may wait forever
            lane.pending.fail_all(error, self.name)
            raise
        except Exception as error:  # a bug: fail who waits, and say so
            lane.pending.fail_all(error, self.name)
            log.exception("cloudflare purge flusher failed")

    async def _send(self, lane: _Lane, batch: dict[str, asyncio.Future[None]]) -> None:
        try:
            await self._post({lane.kind: list(batch)}, lane.rate, lane.units(len(batch)))
        except Exception as error:  # this batch failed; the next one may not
            settle(batch.values(), error, self.name)
        except BaseException as error:  # cancelled mid-send: its callers must hear of it
            settle(batch.values(), error, self.name)
            raise
        else:
            settle(batch.values(), None, self.name)

    async def _post(self, body: dict[str, object], rate: RateWindow, units: int) -> None:
        send = partial(self._attempt, body, rate, units)
        response = await with_retries(self.name, send, base_delay=self._retry_delay)
        _check(response)

    async def _attempt(
        self, body: dict[str, object], rate: RateWindow, units: int
    ) -> httpx.Response:
        async with rate.slot(units):  # every attempt, retries too, counts against the rate
            return await self._client.post(self._url, json=body, headers=self._headers)


def _check(response: httpx.Response) -> None:
    """Cloudflare answers some failures with 200 and `"success": false`."""
    try:
        answer = msgspec.json.decode(response.content, type=_Answer)
    except msgspec.MsgspecError as error:
        raise PurgeFailed(
            f"cloudflare purge failed: unexpected answer ({error}): {response.text[:200]}"
        ) from error
    if not answer.success:
        reasons = "; ".join(f"{e.message} (code {e.code})" for e in answer.errors)
        raise PurgeFailed(f"cloudflare purge failed: {reasons or 'success is false'}")
