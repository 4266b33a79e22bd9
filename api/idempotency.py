"""Idempotency-Key for creates (draft-ietf-httpapi-idempotency-key-header, Stripe's semantics).

- same key, same body: the first response is replayed (status, body, Location);
- same key, another body: 422;
- same key while the first request is still running: 409;
- keys belong to one creator and are kept for `ttl` seconds after success.

Only a success is remembered. A failed first attempt (bad input, an outage) releases the key so
the client can retry it, as Stripe does for requests that never started executing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec
import redis.asyncio as aioredis
from litestar import Response
from redis.exceptions import RedisError

from core.errors import IdempotencyInFlight, IdempotencyMismatch, InvalidInput, Unavailable

log = logging.getLogger("tablefor.api")

# A crashed request must not hold its key for a day: the in-flight marker expires quickly.
IN_FLIGHT_MS = 60_000
_KEY_SHAPE = re.compile(r'^"?([\x21\x23-\x7e]{1,255})"?$')  # an sf-string of printable ASCII


class StoredResponse(msgspec.Struct, frozen=True):
    status: int
    body: bytes
    location: str | None


class _Record(msgspec.Struct, frozen=True):
    fingerprint: str
    response: StoredResponse | None = None  # None while in flight


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to run the request for this key (or the response to replay instead)."""

    redis_key: str
    fingerprint: str
    replay: StoredResponse | None


def parse_key(header: str) -> str:
    match = _KEY_SHAPE.match(header.strip())
    if match is None:
        raise InvalidInput("Idempotency-Key must be 1–255 printable ASCII characters")
    return match.group(1)


def fingerprint(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


class IdempotencyStore:
    def __init__(self, client: aioredis.Redis, *, ttl: int, prefix: str) -> None:
        self._client = client
        self._ttl_ms = ttl * 1000
        self._prefix = prefix

    async def claim(self, *, creator_id: int, key: str, request_fingerprint: str) -> Claim:
        redis_key = f"{self._prefix}:{creator_id}:{hashlib.sha256(key.encode()).hexdigest()}"
        marker = msgspec.msgpack.encode(_Record(fingerprint=request_fingerprint))
        try:
            if await self._client.set(redis_key, marker, nx=True, px=IN_FLIGHT_MS):
                return Claim(redis_key, request_fingerprint, replay=None)
            stored = await self._client.get(redis_key)
        except (RedisError, OSError) as error:
            raise Unavailable("idempotency keys cannot be checked right now") from error
        if stored is None:  # expired between the two calls: claim again
            return await self.claim(
                creator_id=creator_id, key=key, request_fingerprint=request_fingerprint
            )
        record = msgspec.msgpack.decode(stored, type=_Record)
        if record.fingerprint != request_fingerprint:
            raise IdempotencyMismatch(
                "This Idempotency-Key was already used with a different request body."
            )
        if record.response is None:
            raise IdempotencyInFlight("A request with this Idempotency-Key is still in progress.")
        return Claim(redis_key, request_fingerprint, replay=record.response)

    async def complete(self, claim: Claim, response: StoredResponse) -> None:
        record = _Record(fingerprint=claim.fingerprint, response=response)
        try:
            await self._client.set(claim.redis_key, msgspec.msgpack.encode(record), px=self._ttl_ms)
        except (RedisError, OSError):
            # The invite exists; only the replay is lost. The in-flight marker expires in a
            # minute, after which a retry with this key would create a second invite.
            log.error("idempotency: could not store the response")

    async def release(self, claim: Claim) -> None:
        # On failure the marker expires by itself within IN_FLIGHT_MS.
        with contextlib.suppress(RedisError, OSError):
            await self._client.delete(claim.redis_key)


async def once(
    store: IdempotencyStore,
    *,
    creator_id: int,
    header: str | None,
    body: msgspec.Struct,
    run: Callable[[], Awaitable[Response[Any]]],
) -> Response[Any]:
    """`run` the request, or replay its first response when the key was seen with this body."""
    if header is None:
        return await run()
    claim = await store.claim(
        creator_id=creator_id,
        key=parse_key(header),
        request_fingerprint=fingerprint(msgspec.json.encode(body)),
    )
    if claim.replay is not None:
        return _replayed(claim.replay)
    try:
        response = await run()
    except BaseException:
        await store.release(claim)
        raise
    stored = StoredResponse(
        status=response.status_code or 200,
        body=msgspec.json.encode(response.content),
        location=response.headers.get("Location"),
    )
    await store.complete(claim, stored)
    return response


def _replayed(stored: StoredResponse) -> Response[Any]:
    headers = {"Idempotent-Replayed": "true"}
    if stored.location:
        headers["Location"] = stored.location
    return Response(
        stored.body, status_code=stored.status, media_type="application/json", headers=headers
    )
