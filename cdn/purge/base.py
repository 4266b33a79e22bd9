"""The purge seam every CDN adapter implements."""

from __future__ import annotations

import enum
from typing import Protocol

import msgspec

from core.errors import TableforError


class PurgeReason(enum.Enum):
    """Why objects are purged. CDNs whose purges are free and fast (Varnish, Fastly, Cloudflare)
    purge for every reason; CloudFront, where each invalidated path costs money and takes
    minutes, serves changes through short cache lifetimes instead (cdn/layout.py) and
    invalidates only what must be gone at once (`urgent`)."""

    CHANGE = "change"  # an edit, an answer, enrichment, a re-render: fresh soon is enough
    REPLACED = "replaced"  # a content-hashed object no page shows any more (an old OG image)
    CANCEL = "cancel"  # the first publish that shows the invite cancelled
    DELETE = "delete"  # a deleted invite's objects (a creator's delete, `tablefor invites delete`)
    LINK_ROTATION = "link_rotation"  # a private invite's old link, which must stop working
    REQUESTED = "requested"  # `tablefor purge`, and any caller that gives no reason

    @property
    def urgent(self) -> bool:
        return self not in (PurgeReason.CHANGE, PurgeReason.REPLACED)


class PurgeRequest(msgspec.Struct, frozen=True):
    """What changed: surrogate keys (for CDNs that tag) and URL paths (for those that cannot),
    and why. A request that does not say why is treated as urgent: a purge that must happen
    is never skipped by omission."""

    keys: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    reason: PurgeReason = PurgeReason.REQUESTED


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
