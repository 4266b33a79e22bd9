"""Coalescing purges: callers add items to a pending batch and await its outcome, while one
flusher sends batches as the CDN's limits allow. Shared by the Cloudflare and CloudFront
adapters, whose APIs take many items per call but few calls per minute."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from cdn.purge.base import PurgeFailed


class Pending:
    """Items waiting to be sent, each with the future its callers await. An item already
    waiting is not queued twice: its callers share one future, and one slot in a batch."""

    def __init__(self, full_at: int, full: asyncio.Event) -> None:
        self._items: dict[str, asyncio.Future[None]] = {}
        self._full_at = full_at
        self._full = full

    def __len__(self) -> int:
        return len(self._items)

    def add(self, items: Iterable[str]) -> list[asyncio.Future[None]]:
        futures = [self._items.get(item) or self._new(item) for item in dict.fromkeys(items)]
        if len(self._items) >= self._full_at:
            self._full.set()
        return futures

    def take(self, count: int) -> dict[str, asyncio.Future[None]]:
        """The `count` oldest items, removed: from here on they belong to one batch."""
        batch = dict(list(self._items.items())[:count])
        for item in batch:
            del self._items[item]
        return batch

    def fail_all(self, error: BaseException, adapter: str) -> None:
        settle(self.take(len(self._items)).values(), error, adapter)

    def _new(self, item: str) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # Its callers may all have been cancelled: the failure must not be reported as unseen.
        future.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._items[item] = future
        return future


def settle(
    futures: Iterable[asyncio.Future[None]], error: BaseException | None, adapter: str
) -> None:
    """Complete a batch: every caller waiting on it sees its outcome (a failure of its own)."""
    for future in futures:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(_failure(error, adapter))


def _failure(error: BaseException, adapter: str) -> PurgeFailed:
    # A fresh exception per caller: one instance raised in many tasks tangles its traceback.
    if isinstance(error, PurgeFailed):
        failure = PurgeFailed(error.detail)
    elif isinstance(error, asyncio.CancelledError):
        failure = PurgeFailed(f"{adapter} purge not sent: purger closed")
    else:
        failure = PurgeFailed(f"{adapter} purge failed: {type(error).__name__}: {error}")
    failure.__cause__ = error
    return failure


async def wait_for(futures: Iterable[asyncio.Future[None]]) -> None:
    """Wait for a caller's batches; cancelling the caller leaves the batches to the others."""
    for future in futures:
        await asyncio.shield(future)


async def linger(full: asyncio.Event, seconds: float) -> None:
    """Let a batch gather company for `seconds`, or until it is full."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await full.wait()
    full.clear()


async def close_flusher(flusher: asyncio.Task[None] | None, grace: float) -> None:
    """Give the flusher `grace` seconds to send what is pending, then stop it."""
    if flusher is None or flusher.done():
        return
    await asyncio.wait({flusher}, timeout=grace)
    flusher.cancel()
    await asyncio.wait({flusher})
