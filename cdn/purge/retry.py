"""Retries for purge calls: timeouts, 429 and 5xx are retried with jittered exponential
backoff (honouring Retry-After); anything else, or running out of attempts, is PurgeFailed."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable

import httpx

from cdn.purge.base import PurgeFailed

log = logging.getLogger("tablefor.purge")

ATTEMPTS = 5
BASE_DELAY = 0.2
MAX_DELAY = 10.0


async def with_retries(
    adapter: str,
    call: Callable[[], Awaitable[httpx.Response]],
    *,
    attempts: int = ATTEMPTS,
    base_delay: float = BASE_DELAY,
) -> httpx.Response:
    for attempt in range(1, attempts + 1):
        try:
            response = await call()
        except httpx.HTTPError as error:
            failure, retry_after = f"{type(error).__name__}: {error}", None
        else:
            if response.status_code < 400:
                return response
            failure = f"HTTP {response.status_code}: {response.text[:200]}"
            if not _retryable(response.status_code):
                break
            retry_after = _retry_after(response)
        if attempt == attempts:
            break
        delay = retry_after if retry_after is not None else _backoff(attempt, base_delay)
        log.warning("purge retry", extra={"adapter": adapter, "attempt": attempt, "error": failure})
        await asyncio.sleep(delay)
    raise PurgeFailed(f"{adapter} purge failed: {failure}")


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return min(float(value), 60.0) if value is not None else None
    except ValueError:
        return None


def _backoff(attempt: int, base: float) -> float:
    return random.uniform(0, min(MAX_DELAY, base * 2 ** (attempt - 1)))  # jitter, not crypto
