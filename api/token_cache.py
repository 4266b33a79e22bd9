"""A short-lived, bounded, in-process memory of which token belongs to which creator.

Every creator request would otherwise pay a database round trip to authenticate. The cost of
the cache: a revoked token keeps working for up to TTL seconds in each API process.
"""

from __future__ import annotations

import time
from collections.abc import Callable

TTL = 30.0
MAX_ENTRIES = 10_000


class TokenCache:
    def __init__(
        self,
        *,
        ttl: float = TTL,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._max = max_entries
        self._entries: dict[bytes, tuple[int, float]] = {}

    def get(self, token_hash: bytes) -> int | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        creator_id, expires = entry
        if self._clock() >= expires:
            del self._entries[token_hash]
            return None
        return creator_id

    def put(self, token_hash: bytes, creator_id: int) -> None:
        if len(self._entries) >= self._max:
            # Oldest first (dicts keep insertion order): drop a tenth, not everything.
            for stale in list(self._entries)[: self._max // 10]:
                del self._entries[stale]
        self._entries[token_hash] = (creator_id, self._clock() + self._ttl)
