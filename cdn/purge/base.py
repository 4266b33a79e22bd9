"""The purge seam every CDN adapter implements."""

from __future__ import annotations

from typing import Protocol

import msgspec

from core.errors import TableforError


class PurgeRequest(msgspec.Struct, frozen=True):
    """What changed: surrogate keys (for CDNs that tag) and URL paths (for those that cannot)."""

    keys: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


class PurgeFailed(TableforError):
    """The CDN did not confirm the purge after the adapter's own retries."""


class Purger(Protocol):
    name: str

    async def purge(self, request: PurgeRequest, *, soft: bool = False) -> None: ...

    async def purge_all(self) -> None: ...

    async def aclose(self) -> None: ...


class NoopPurger:
    """For storage with no cache in front."""

    name = "none"

    async def purge(self, request: PurgeRequest, *, soft: bool = False) -> None:
        return None

    async def purge_all(self) -> None:
        return None

    async def aclose(self) -> None:
        return None
