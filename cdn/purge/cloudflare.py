"""Purging Cloudflare: by cache tag (the origin sends `Cache-Tag`) or by absolute URL.

Cloudflare allows few purge requests (5 a minute on the Free plan) of at most 100 items each,
while every publish wants one. So callers do not send: they add their items to a pending batch
and wait for it, and one flusher task sends batches of up to 100 as the rate allows. Three
hundred publishes finishing together cost three requests, not three hundred.

The rate is counted in this process only: with several worker processes, give each its share
of the plan's limit. Cloudflare's own 429s are retried (honouring Retry-After) regardless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable
from functools import partial

import httpx
import msgspec

from cdn.purge.base import PurgeFailed, PurgeRequest
from cdn.purge.coalesce import Pending, close_flusher, linger, settle, wait_for
from cdn.purge.retry import BASE_DELAY, with_retries

log = logging.getLogger("tablefor.purge")

MAX_ITEMS = 100  # per purge_cache call, for every plan
LINGER = 1.0  # seconds a batch waits for company before it is sent (unless it is full)
CLOSE_TIMEOUT = 10.0  # seconds aclose gives pending purges before failing them


class RequestWindow:
    """At most `limit` requests in any `window` seconds, sent one at a time. A request counts
    from when its response arrived: the latest moment Cloudflare can have counted it, so
    network delays cannot squeeze two windows' requests into one of Cloudflare's."""

    def __init__(self, limit: int, window: float) -> None:
        self._finished: deque[float] = deque(maxlen=limit)
        self._window = window
        self._lock = asyncio.Lock()

    async def ready(self) -> None:
        """Wait until a request could be sent now."""
        while len(self._finished) == self._finished.maxlen:
            delay = self._finished[0] + self._window - time.monotonic()
            if delay <= 0:
                return
            await asyncio.sleep(delay)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._lock:
            await self.ready()
            try:
                yield
            finally:
                self._finished.append(time.monotonic())


class _Error(msgspec.Struct):
    message: str = ""
    code: int | None = None


class _Answer(msgspec.Struct):
    success: bool
    errors: list[_Error] = []


class CloudflarePurger:
    """Tags when the request has keys (one tag clears every object of an invite), else the
    paths as absolute URLs. Cloudflare's API has no soft purge: `soft` purges normally."""

    name = "cloudflare"

    def __init__(
        self,
        *,
        zone_id: str,
        token: str,
        base_url: str = "https://api.cloudflare.com/client/v4",
        public_url: str,
        requests_per_minute: int = 5,
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
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=10.0)
        self._window = RequestWindow(requests_per_minute, window)
        self._full = asyncio.Event()
        self._pending = {kind: Pending(MAX_ITEMS, self._full) for kind in ("tags", "files")}
        self._turns = deque(self._pending)  # the kinds take turns: neither starves the other
        self._linger, self._close_timeout, self._retry_delay = linger, close_timeout, retry_delay
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False

    async def purge(self, request: PurgeRequest, *, soft: bool = False) -> None:
        if request.keys:
            await self._enqueue("tags", request.keys)
        elif request.paths:
            await self._enqueue("files", [self._public_url + path for path in request.paths])

    async def purge_all(self) -> None:
        await self._post({"purge_everything": True})

    async def aclose(self) -> None:
        self._closed = True
        self._full.set()  # what is pending goes now, without waiting for company
        await close_flusher(self._flusher, self._close_timeout)
        self._fail_pending(PurgeFailed("cloudflare purge not sent: purger closed"))
        if self._owns_client:
            await self._client.aclose()

    async def _enqueue(self, kind: str, items: Iterable[str]) -> None:
        if self._closed:
            raise PurgeFailed("cloudflare purge not sent: purger closed")
        futures = self._pending[kind].add(items)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="cloudflare-purge")
        await wait_for(futures)

    async def _flush(self) -> None:
        try:
            await linger(self._full, self._linger)
            while kind := self._next_kind():
                await self._window.ready()  # items keep joining the batch while we wait
                await self._send(kind, self._pending[kind].take(MAX_ITEMS))
            self._full.clear()  # nothing is pending: a signal from a past batch is stale
        except asyncio.CancelledError as error:  # by aclose: nobody may wait forever
            self._fail_pending(error)
            raise
        except Exception as error:  # a bug: fail who waits, and say so
            self._fail_pending(error)
            log.exception("cloudflare purge flusher failed")

    def _fail_pending(self, error: BaseException) -> None:
        for pending in self._pending.values():
            pending.fail_all(error, self.name)

    def _next_kind(self) -> str | None:
        for _ in range(len(self._turns)):
            self._turns.rotate(-1)
            if self._pending[self._turns[-1]]:
                return self._turns[-1]
        return None

    async def _send(self, kind: str, batch: dict[str, asyncio.Future[None]]) -> None:
        try:
            await self._post({kind: list(batch)})
        except Exception as error:  # this batch failed; the next one may not
            settle(batch.values(), error, self.name)
        except BaseException as error:  # cancelled mid-send: its callers must hear of it
            settle(batch.values(), error, self.name)
            raise
        else:
            settle(batch.values(), None, self.name)

    async def _post(self, body: dict[str, object]) -> None:
        send = partial(self._attempt, body)
        response = await with_retries(self.name, send, base_delay=self._retry_delay)
        _check(response)

    async def _attempt(self, body: dict[str, object]) -> httpx.Response:
        async with self._window.slot():  # every attempt, retries too, counts against the rate
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
