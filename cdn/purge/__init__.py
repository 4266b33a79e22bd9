"""Purging the edge: one seam, an adapter per CDN, chosen by TABLEFOR_PURGE."""

from __future__ import annotations

from typing import Protocol

import msgspec

from tablefor.errors import TableforError
from tablefor.settings import PurgeSettings


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
    """For storage with no cache in front (and tests of the publisher alone)."""

    name = "none"

    def __init__(self) -> None:
        self.requests: list[PurgeRequest] = []

    async def purge(self, request: PurgeRequest, *, soft: bool = False) -> None:
        self.requests.append(request)
        del self.requests[:-100]  # keep the recent ones only: a long-lived worker holds this

    async def purge_all(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


def create_purger(settings: PurgeSettings, *, public_url: str) -> Purger:
    if settings.adapter == "none":
        return NoopPurger()
    from cdn.purge.adapters import create_adapter

    return create_adapter(settings, public_url=public_url)
