"""The revocation epoch: one Redis counter that every revocation moves.

API processes remember recently checked credentials for a few seconds, and trust that memory
only while they keep seeing the same epoch (api/credentials.py polls it). Whoever revokes a
token or a session, or deletes a creator, first commits that in PostgreSQL (the truth) and then
calls `announce`, so every process forgets what it remembered within one poll.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import cast

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger("core.revocation")


def epoch_key(prefix: str) -> str:
    return f"{prefix}:auth:epoch"


async def announce(client: aioredis.Redis, prefix: str) -> bool:
    """Move the epoch; False if Redis could not be told (processes that cannot reach it do not
    trust their memory anyway, and every memory expires within its TTL)."""
    try:
        await cast("Awaitable[int]", client.incr(epoch_key(prefix)))
    except (RedisError, OSError) as error:
        log.error("revocation: could not move the epoch", extra={"error": str(error)})
        return False
    return True


async def current(client: aioredis.Redis, prefix: str) -> bytes | None:
    """The epoch as stored (None when never moved, or lost with a flushed Redis)."""
    return await cast("Awaitable[bytes | None]", client.get(epoch_key(prefix)))


async def announce_to(url: str, prefix: str) -> bool:
    """`announce` from a short-lived command, with a client of its own."""
    client = aioredis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return await announce(client, prefix)
    finally:
        await client.aclose()
