"""What `tablefor purge` does: resolve what to purge, then ask the configured adapter."""

from __future__ import annotations

import msgspec

from cdn import layout
from cdn.purge.base import Purger, PurgeReason, PurgeRequest
from cdn.purge.factory import create_purger
from core.db import invites
from core.db.pool import single_connection
from core.settings import Settings
from tablefor.devparts import dev_edge_url


class PurgeReport(msgspec.Struct, kw_only=True):
    adapter: str
    purged: list[str]
    missing: list[str]
    everything: bool = False
    soft: bool = False

    def describe(self) -> str:
        verb = "soft-purged" if self.soft else "purged"
        if self.everything:
            return f"{verb} everything ({self.adapter})"
        lines = [f"{verb} {len(self.purged)} invite(s) ({self.adapter})"]
        lines += [f"  {slug}" for slug in self.purged]
        lines += [f"not found: {slug}" for slug in self.missing]
        return "\n".join(lines)


async def purge_edge(
    settings: Settings,
    *,
    slugs: tuple[str, ...],
    everything: bool,
    swiggy_id: str | None,
    soft: bool,
) -> PurgeReport:
    purger = purger_for(settings)
    try:
        if everything:
            await purger.purge_all()
            return PurgeReport(adapter=purger.name, purged=[], missing=[], everything=True)
        found, missing = await _resolve(settings, slugs, swiggy_id)
        if found:
            await purger.purge(_request(found), soft=soft)
        return PurgeReport(adapter=purger.name, purged=found, missing=missing, soft=soft)
    finally:
        await purger.aclose()


def purger_for(settings: Settings) -> Purger:
    """The configured adapter; beside `tablefor dev` (no adapter set), the dev edge."""
    dev_edge = dev_edge_url(settings) if settings.purge.adapter == "none" else None
    if dev_edge is not None:
        from cdn.purge.varnish import VarnishPurger

        return VarnishPurger([dev_edge], secret=settings.purge.secret)
    return create_purger(settings.purge, public_url=settings.api.public_url)


async def _resolve(
    settings: Settings, slugs: tuple[str, ...], swiggy_id: str | None
) -> tuple[list[str], list[str]]:
    async with single_connection(settings.database.url) as conn:
        if swiggy_id is not None:
            found = await invites.slugs_of_restaurant(conn, swiggy_id=swiggy_id)
            return found, [] if found else [f"restaurant {swiggy_id}"]
        existing = await invites.ids_of_slugs(conn, slugs=list(slugs))
    return [s for s in slugs if s in existing], [s for s in slugs if s not in existing]


def _request(slugs: list[str]) -> PurgeRequest:
    paths = tuple(path for slug in slugs for path in layout.invite_paths(slug))
    keys = tuple(layout.slug_key(slug) for slug in slugs)
    return PurgeRequest(keys=keys, paths=paths, reason=PurgeReason.REQUESTED)
