"""A short-lived, bounded, in-process memory of who each recently checked credential belongs to.

Without it every creator request pays a database round trip (or a signature check) to
authenticate. A revocation must still take effect everywhere within a second, so the memory is
trusted only while a watcher keeps confirming the revocation epoch in Redis (core/revocation.py):

- the watcher reads the epoch every POLL_INTERVAL; a new value empties the memory;
- if the watcher has not confirmed the epoch for TRUST_WINDOW (Redis down, a stalled loop), the
  memory is not used at all: every request asks PostgreSQL, which is the truth;
- an answer read from PostgreSQL is kept only if no revocation was seen while it was read
  (`generation`), so a lookup racing a revocation cannot put a revoked credential back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

import msgspec
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from core import revocation

log = logging.getLogger("tablefor.api")

TTL = 30.0
MAX_ENTRIES = 10_000
POLL_INTERVAL = 0.2
TRUST_WINDOW = 0.6  # three polls


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is calling, and how they proved it."""

    creator_id: int
    via: str  # "token" (an API token), "email" (a session from a sign-in link), "oidc"
    session_id: int | None = None
    valid_until: float | None = None  # wall-clock expiry of the credential itself, if any


_NEVER_SEEN = b"\x00never"


class CredentialCache:
    def __init__(
        self,
        *,
        ttl: float = TTL,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._wall_clock = wall_clock
        self._entries: dict[bytes, tuple[Principal, float]] = {}
        self._epoch: bytes | None = _NEVER_SEEN
        self._trusted_until = 0.0
        self.generation = 0

    def get(self, key: bytes) -> Principal | None:
        now = self._clock()
        if now >= self._trusted_until:
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        principal, expires = entry
        lapsed = principal.valid_until is not None and self._wall_clock() >= principal.valid_until
        if now >= expires or lapsed:
            del self._entries[key]
            return None
        return principal

    def put(self, key: bytes, principal: Principal, *, generation: int) -> None:
        """Remember `principal`, read while the cache was at `generation`, unless a revocation
        was seen since then."""
        if generation != self.generation:
            return
        if len(self._entries) >= self._max:
            # Oldest first (dicts keep insertion order): drop a tenth, not everything.
            for stale in list(self._entries)[: max(1, self._max // 10)]:
                del self._entries[stale]
        self._entries[key] = (principal, self._clock() + self._ttl)

    def vouch(self, epoch: bytes | None) -> None:
        """The watcher saw `epoch` just now."""
        if epoch != self._epoch:
            self.forget()
            self._epoch = epoch
        self._trusted_until = self._clock() + TRUST_WINDOW

    def distrust(self) -> None:
        """The epoch cannot be read: use nothing remembered until it can be again."""
        self._trusted_until = 0.0
        self._epoch = _NEVER_SEEN
        self.forget()

    def forget(self) -> None:
        self._entries.clear()
        self.generation += 1

    @property
    def trusted(self) -> bool:
        return self._clock() < self._trusted_until


async def watch_revocations(
    cache: CredentialCache,
    client: aioredis.Redis,
    prefix: str,
    stop: asyncio.Event,
    *,
    interval: float = POLL_INTERVAL,
) -> None:
    """Run until `stop` is set (the app's lifespan does). A stop event rather than a task
    cancel: the Redis client may swallow a cancellation that lands inside a read."""
    reachable = True
    while not stop.is_set():
        try:
            async with asyncio.timeout(max(interval, 0.1)):
                epoch = await revocation.current(client, prefix)
        except (RedisError, OSError, TimeoutError) as error:
            cache.distrust()
            if reachable:
                log.warning(
                    "revocation epoch unreadable: authenticating every request against "
                    "PostgreSQL until Redis answers",
                    extra={"error": str(error)},
                )
            reachable = False
        else:
            cache.vouch(epoch)
            reachable = True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(interval):
                await stop.wait()
