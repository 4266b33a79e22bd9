"""The sweep: turn the debts recorded in PostgreSQL back into queue jobs.

Invites created while Redis was down, jobs lost with a dead Redis, or enqueues SAQ dropped as
duplicates all leave the same trace: an invite whose published version is behind, or whose
enrichment is pending, or a storage removal that is due (core/db/removals.py). Every few
seconds one worker (an advisory lock elects it) enqueues them again; SAQ's keys make that a
no-op for jobs already queued or running. An invite whose publishing failed for good is no
debt of the sweep's: it waits for a replay or an edit.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from redis.exceptions import RedisError

from core.db import invite_work, locks, removals, sign_in
from core.db.pool import connection
from core.errors import Unavailable
from workers.deps import Deps

log = logging.getLogger("tablefor.worker")

BATCH = 500
# Younger debts are most likely still in the queue from the request that made them.
PUBLISH_GRACE_S = 1.0
ENRICH_GRACE_S = 15.0
REMOVAL_GRACE_S = 1.0  # a removal due is scheduled in the queue already, when Redis had it
MAIL_GRACE_S = 5.0
MAIL_MAX_AGE_S = 3600.0  # a sign-in mail later than this helps nobody
SIGN_IN_KEPT_S = 86_400.0  # then requests (and the addresses in them) are forgotten


@dataclass(frozen=True, slots=True)
class SweepReport:
    led: bool  # False: another worker holds the sweep
    publishes: int
    enrichments: int
    removals: int = 0
    mails: int = 0


async def sweep_once(deps: Deps) -> SweepReport:
    async with connection(deps.pool) as conn, locks.try_session_lock(conn, locks.SWEEP) as led:
        if not led:
            return SweepReport(led=False, publishes=0, enrichments=0)
        unpublished = await invite_work.unpublished(conn, grace=PUBLISH_GRACE_S, limit=BATCH)
        pending = await invite_work.enrich_pending(conn, grace=ENRICH_GRACE_S, limit=BATCH)
        due = await removals.due(conn, grace=REMOVAL_GRACE_S, limit=BATCH)
        unsent = await sign_in.unsent(conn, grace=MAIL_GRACE_S, max_age=MAIL_MAX_AGE_S, limit=BATCH)
        await sign_in.prune(conn, older_than_s=SIGN_IN_KEPT_S)
    published = [await deps.queues.request_publish(debt.invite_id) for debt in unpublished]
    enriched = [await deps.queues.request_enrich(debt.invite_id) for debt in pending]
    removed = [await deps.queues.request_removal(removal_id) for removal_id in due]
    mailed = [await deps.queues.request_sign_in_mail(str(request)) for request in unsent]
    report = SweepReport(
        led=True,
        publishes=sum(published),
        enrichments=sum(enriched),
        removals=sum(removed),
        mails=sum(mailed),
    )
    if report.publishes or report.enrichments or report.removals or report.mails:
        log.info(
            "sweep re-enqueued",
            extra={
                "publishes": report.publishes,
                "enrichments": report.enrichments,
                "removals": report.removals,
                "mails": report.mails,
            },
        )
    return report


async def sweep_forever(deps: Deps, interval: float) -> None:
    while True:
        try:
            await sweep_once(deps)
        except (Unavailable, RedisError, OSError) as error:
            log.warning("sweep skipped: a backing service is down", extra={"error": str(error)})
        except Exception:
            log.exception("sweep failed")
        await asyncio.sleep(interval)
