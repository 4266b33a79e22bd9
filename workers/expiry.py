"""Provider content kept no longer than the provider's terms allow.

Google's terms let us keep Places content other than the place ID only for a limited time
(Google Maps Platform Service Specific Terms, Places API; "Policies and attributions for Places
API"): every Google-sourced detail and photo of a restaurant carries a deadline, 30 days from
its fetch (workers/providers/google_places.py, KEEP_FOR). Every few minutes one job:
1. refreshes the restaurants that invites yet to happen still show, a few days before their
   deadline: one Place Details request by place ID (cheaper than a search) and the photo,
   recorded with a new deadline;
2. strips whatever is then within STRIP_EARLY of its deadline, refreshed or not (past invites,
   refreshes that failed, a provider no longer configured): the row keeps its place ID only,
   the photo's files are owed a removal after the usual grace period, and every invite showing
   the row owes a publish. Republished, a page shows the creator's own words and the designed
   fallback art instead; the replaced OG image is removed and purged as usual.
STRIP_EARLY is longer than the job's period, the grace period, a publish and the hour browsers
keep a photo (cdn/layout.py, Kind.PHOTO), so nothing is served, or shown from a browser's cache,
past its deadline. `now` can be given (tests move the clock).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cdn import layout
from core.db import restaurants
from core.db.pool import connection
from core.errors import TableforError
from workers.deps import Deps
from workers.providers.base import ProviderError

log = logging.getLogger("tablefor.worker")

REFRESH_AHEAD = timedelta(days=3)  # refresh what upcoming invites show this long before
STRIP_EARLY = timedelta(hours=2)  # strip this long before the deadline: see the docstring
BATCH = 200  # rows per run of each pass; the next run takes the rest
CRON = "*/10 * * * *"  # every ten minutes, well inside STRIP_EARLY


@dataclass(slots=True)
class ExpiryReport:
    refreshed: int = 0
    refresh_failed: int = 0
    stripped: int = 0
    republish: set[int] = field(default_factory=set)  # invites owing a publish


async def run(deps: Deps, *, now: datetime | None = None) -> ExpiryReport:
    """Refresh, then strip, then ask for the publishes; safe to run twice."""
    now = now or datetime.now(UTC)
    report = ExpiryReport()
    await _refresh(deps, now, report)
    await _strip(deps, now, report)
    for invite_id in sorted(report.republish):
        try:
            await deps.queues.request_publish(invite_id)
        except Exception as error:  # the sweep publishes from the recorded debt
            log.warning("enqueue failed", extra={"invite_id": invite_id, "error": str(error)})
    if report.refreshed or report.refresh_failed or report.stripped:
        log.info(
            "provider content expiry",
            extra={
                "refreshed": report.refreshed,
                "refresh_failed": report.refresh_failed,
                "stripped": report.stripped,
                "republish": len(report.republish),
            },
        )
    return report


async def _refresh(deps: Deps, now: datetime, report: ExpiryReport) -> None:
    async with connection(deps.pool) as conn:
        due = await restaurants.due_for_refresh(
            conn, now=now, before=now + REFRESH_AHEAD, limit=BATCH
        )
    for row in due:
        try:
            recorded = await deps.enricher.refresh(deps.pool, row)
        except (ProviderError, TableforError) as error:
            # Tried again next run; at its deadline the strip pass takes it.
            report.refresh_failed += 1
            log.warning("refresh failed", extra={"restaurant_id": row.id, "error": str(error)})
            continue
        if recorded is not None:
            report.refreshed += 1
            report.republish.update(recorded.invites)


async def _strip(deps: Deps, now: datetime, report: ExpiryReport) -> None:
    cutoff = now + STRIP_EARLY
    async with connection(deps.pool) as conn:
        expiring = await restaurants.expiring(conn, cutoff=cutoff, limit=BATCH)
        for target in expiring:
            prefix = layout.photo_prefix(target.photo_key) if target.photo_key else None
            stripped = await restaurants.strip(
                conn,
                target=target,
                cutoff=cutoff,
                photo_prefix=prefix,
                removal_delay=deps.publisher.removal_delay,
            )
            report.stripped += stripped.details or stripped.photo
            report.republish.update(stripped.invites)
