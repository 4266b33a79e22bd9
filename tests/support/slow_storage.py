"""Storage that takes its time: a real backend behind a fixed delay per write, counting how
many writes are in flight at once (a fault injector for the storage seam)."""

from __future__ import annotations

import asyncio

from cdn.storage.base import Storage, StoredObject


class SlowStorage:
    def __init__(self, inner: Storage, *, delay: float) -> None:
        self._inner = inner
        self._delay = delay
        self.in_flight = 0
        self.most_in_flight = 0

    async def put(self, obj: StoredObject) -> bool:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self._delay)
            return await self._inner.put(obj)
        finally:
            self.in_flight -= 1

    async def get(self, key: str) -> bytes | None:
        return await self._inner.get(key)

    async def delete(self, key: str) -> None:
        await self._inner.delete(key)

    async def keys(self, prefix: str) -> list[str]:
        return await self._inner.keys(prefix)

    async def delete_prefix(self, prefix: str) -> list[str]:
        return await self._inner.delete_prefix(prefix)
