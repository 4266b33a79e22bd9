"""The storage seam every backend implements, and the shape of a stored object."""

from __future__ import annotations

from typing import Protocol

import msgspec


class StoredObject(msgspec.Struct, frozen=True, kw_only=True):
    key: str  # e.g. "i/AbC…/index.html"; no leading slash
    body: bytes
    content_type: str
    cache_control: str
    surrogate_keys: tuple[str, ...] = ()


class Storage(Protocol):
    async def put(self, obj: StoredObject) -> bool:
        """Write the object; False (and no write) when the stored bytes are already these."""
        ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...

    async def delete_prefix(self, prefix: str) -> list[str]:
        """Delete every object whose key starts with `prefix` (ending in "/"); their keys."""
        ...


def check_key(key: str) -> str:
    parts = key.split("/")
    if key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A folder of keys ("i/AbC…/"): never the whole store, never outside it."""
    if not prefix.endswith("/"):
        raise ValueError(f"not a key prefix: {prefix!r}")
    check_key(prefix.removesuffix("/"))
    return prefix
