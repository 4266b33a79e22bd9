"""Storage whose deletes fail, as a store does during an outage: a real backend behind it for
everything else (a fault injector for the storage seam)."""

from __future__ import annotations

from cdn.storage.base import Storage, StoredObject


class DeletesFail:
    def __init__(self, inner: Storage) -> None:
        self._inner = inner
        self.refused = 0

    async def put(self, obj: StoredObject) -> bool:
        return await self._inner.put(obj)

    async def get(self, key: str) -> bytes | None:
        return await self._inner.get(key)

    async def delete(self, key: str) -> None:
        self._refuse()

    async def keys(self, prefix: str) -> list[str]:
        return await self._inner.keys(prefix)

    async def delete_prefix(self, prefix: str) -> list[str]:
        self._refuse()
        return []

    def _refuse(self) -> None:
        self.refused += 1
        raise OSError("storage is unavailable")
