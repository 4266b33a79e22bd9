"""HTTP helpers every provider client shares: deadlines, error mapping, capped reads."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TypeVar

import httpx
import msgspec

from workers.providers.base import ProviderError

_Response = TypeVar("_Response")

# httpx's timeout applies to each read; a server dripping bytes is cut off by a deadline of this
# many timeouts for the whole exchange.
DEADLINE_FACTOR = 3


@contextlib.asynccontextmanager
async def transport_errors(provider: str, deadline: float) -> AsyncIterator[None]:
    """httpx failures as ProviderErrors: timeouts and broken connections are worth a retry."""
    # `from None`: the httpx exception's frames hold the request, and so the API key header.
    try:
        async with asyncio.timeout(deadline):
            yield
    except (httpx.TimeoutException, TimeoutError):
        raise ProviderError(provider, "timed out", retryable=True) from None
    except httpx.TransportError as error:
        detail = f"connection failed ({type(error).__name__})"
        raise ProviderError(provider, detail, retryable=True) from None
    except httpx.HTTPError as error:
        detail = f"request failed ({type(error).__name__})"
        raise ProviderError(provider, detail, retryable=False) from None


def error_for_status(provider: str, response: httpx.Response, reason: str) -> ProviderError:
    """429 and 5xx are worth a retry (after Retry-After, if given); any other status is final."""
    status = response.status_code
    retryable = status == httpx.codes.TOO_MANY_REQUESTS or status >= 500
    retry_after = retry_after_seconds(response.headers.get("retry-after")) if retryable else None
    detail = f"HTTP {status} {reason}".rstrip()
    return ProviderError(provider, detail, retryable=retryable, retry_after=retry_after)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: either form the header allows (seconds or a date)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def decode(provider: str, body: bytes, into: type[_Response]) -> _Response:
    """The body as `into`; invalid JSON or the wrong shape is a final ProviderError."""
    try:
        return msgspec.json.decode(body, type=into)
    except msgspec.DecodeError as error:
        raise ProviderError(provider, f"malformed response: {error}", retryable=False) from None


async def read_capped(provider: str, response: httpx.Response, cap: int) -> bytes:
    """The raw body, refused as soon as it is known to exceed `cap` bytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise ProviderError(provider, f"body larger than {cap} bytes", retryable=False)
    body = bytearray()
    async for chunk in response.aiter_raw():
        body += chunk
        if len(body) > cap:
            raise ProviderError(provider, f"body larger than {cap} bytes", retryable=False)
    return bytes(body)
