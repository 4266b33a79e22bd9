"""The queue's tasks. Each takes ids, is safe to run twice, and gets its options from
core/jobs.py (timeouts, heartbeats, attempts, backoff), set at enqueue time.

Each write path enqueues what it owes: the API asks for the first publish and the enrichment
together; an enrichment that changed what the page shows asks for a publish. Publishing knows
nothing about enrichment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import traceback
from typing import Any

from saq.job import Job

from core import jobs
from core.db import dead_letters, invite_work, invites, removals
from core.db.pool import connection, transaction
from core.domain import EnrichState, InviteStatus
from core.errors import Unavailable
from core.observability import report_dead_letter
from workers import expiry, publishing
from workers import removals as removing
from workers.deps import Deps
from workers.providers.base import ProviderError

log = logging.getLogger("tablefor.worker")

# Across queue retries and sweeps (a job that kills its worker is re-enqueued by the sweep with
# fresh queue attempts): after this many starts, enrichment gives up for good.
MAX_ENRICH_STARTS = 12
# Runs of publish jobs count on the invite until a publish is recorded. A failing job ends in
# give_up after its own attempts; runs that kill their worker are rescued by the sweeps, where
# no failure hook runs, so after this many jobs' worth of runs publishing gives up all the same.
JOBS_OF_RUNS = 3
# Tries of one removal pass before a dead letter (waits double from 2 s, up to 5 minutes).
MAX_REMOVAL_TRIES = 10
# Follow-up rounds of one publish job while changes keep arriving (then the sweep carries on).
MAX_PUBLISH_ROUNDS = 20
FOLLOW_UP_MS = 50


class RetryLater(Exception):
    """A provider asked us to come back later; SAQ retries the job with backoff."""


async def enrich(
    ctx: dict[str, Any], *, invite_id: int, request_id: str | None = None
) -> dict[str, Any]:
    """`request_id` (of the request that asked for it) is bound by the worker's hook."""
    deps: Deps = ctx["deps"]
    job: Job = ctx["job"]
    async with connection(deps.pool) as conn:
        counted = await invite_work.count_enrich_attempt(conn, invite_id=invite_id)
        if counted is None:
            return {"skipped": "no such invite"}
        starts, state = counted
        if state != EnrichState.PENDING:
            return {"skipped": f"enrichment is {state}"}
        row = await invites.get_by_id(conn, invite_id=invite_id)
        assert row is not None
        if row.status == InviteStatus.CANCELLED:
            await invite_work.set_enrich_state(conn, invite_id=invite_id, state=EnrichState.SKIPPED)
            return {"skipped": "cancelled"}
    if starts > MAX_ENRICH_STARTS:
        reason = f"gave up after {starts - 1} starts"
        await give_up(deps, jobs.ENRICH, {"invite_id": invite_id}, reason, starts - 1)
        return {"gave_up": True}
    try:
        outcome = await deps.enricher.enrich(deps.pool, row)
    except ProviderError as error:
        if not error.retryable:
            await give_up(deps, jobs.ENRICH, {"invite_id": invite_id}, str(error), job.attempts)
            return {"failed": str(error)}
        _honour_retry_after(job, error.retry_after)
        raise RetryLater(str(error)) from error
    await _request_publish(deps, invite_id)  # the restaurant changed what the page shows
    for other in outcome.republish:  # other invites at a restaurant the lookup changed
        await _request_publish(deps, other)
    return {"restaurant_id": outcome.restaurant_id, "looked_up": outcome.looked_up}


async def expire(ctx: dict[str, Any]) -> dict[str, Any]:
    """Refresh or strip provider content near its deadline (workers/expiry.py); on a cron."""
    report = await expiry.run(ctx["deps"])
    return {
        "refreshed": report.refreshed,
        "refresh_failed": report.refresh_failed,
        "stripped": report.stripped,
        "republish": len(report.republish),
    }


async def publish(
    ctx: dict[str, Any], *, invite_id: int, debounce_ms: int = 0, request_id: str | None = None
) -> dict[str, Any]:
    """Publish the invite; if it changes meanwhile, wait a little and publish again.

    The waits coalesce bursts (50 RSVPs in a second cost a few publishes), and the follow-up
    rounds cover changes whose enqueue SAQ dropped because this job was already running.
    """
    deps: Deps = ctx["deps"]
    job: Job = ctx["job"]
    if debounce_ms:
        await asyncio.sleep(debounce_ms / 1000)
    if (stopped := await _count_start(deps, invite_id)) is not None:
        return stopped
    try:
        return await _publish_rounds(deps, invite_id, debounce_ms)
    except Exception:
        # The last attempt gives up here, while the job's key still holds off the sweep's
        # enqueue; once SAQ marks the job failed, a sweep could start another round first.
        if not job.retryable:
            arguments = {"invite_id": invite_id}
            await give_up(deps, jobs.PUBLISH, arguments, traceback.format_exc(), job.attempts)
        raise


async def _publish_rounds(deps: Deps, invite_id: int, debounce_ms: int) -> dict[str, Any]:
    # Follow-ups wait as long as the job's own debounce (an RSVP burst keeps coalescing), or
    # briefly for other jobs: the waits hold a worker slot, and new invites must not queue
    # behind them.
    delay = (debounce_ms or FOLLOW_UP_MS) / 1000
    rounds = 0
    result = await publishing.publish(deps.publisher, invite_id)
    await _schedule_removals(deps, result.removals)
    while rounds < MAX_PUBLISH_ROUNDS and await publishing.is_behind(deps.publisher, invite_id):
        rounds += 1
        await asyncio.sleep(delay)
        result = await publishing.publish(deps.publisher, invite_id)
        await _schedule_removals(deps, result.removals)
    return {"version": result.version, "written": result.written, "rounds": rounds + 1}


async def remove(ctx: dict[str, Any], *, removal_id: int) -> dict[str, Any]:
    """Delete what storage owes to remove, then purge. A failure is tried again later from
    PostgreSQL, each wait longer, MAX_REMOVAL_TRIES times in all; then a dead letter."""
    deps: Deps = ctx["deps"]
    removal = await removing.start(deps.publisher, removal_id)
    if removal is None:
        return {"skipped": "not due"}
    try:
        removed = await removing.run(deps.publisher, removal)
    except Exception as error:  # storage or the CDN; the row is still owed
        failure = f"{type(error).__name__}: {error}"
        if removal.attempts >= MAX_REMOVAL_TRIES:
            await give_up(deps, jobs.REMOVE, {"removal_id": removal_id}, failure, removal.attempts)
            return {"gave_up": True}
        wait = await removing.retry_later(deps.publisher, removal, failure)
        log.warning("removal failed", extra={"removal_id": removal_id, "error": failure[-500:]})
        return {"retry_in_s": wait}
    return {"removed": len(removed.keys), "more": removed.more}


async def _count_start(deps: Deps, invite_id: int) -> dict[str, Any] | None:
    """Count this run on the invite; why it stops here, if it does."""
    async with connection(deps.pool) as conn:
        starts = await invite_work.count_publish_start(conn, invite_id=invite_id)
    if starts is None:  # published meanwhile, failed for good, or gone
        return {"skipped": "nothing owed"}
    if starts > JOBS_OF_RUNS * deps.queues.options[jobs.PUBLISH].retries:
        reason = f"gave up after {starts - 1} runs"
        await give_up(deps, jobs.PUBLISH, {"invite_id": invite_id}, reason, starts - 1)
        return {"gave_up": True}
    return None


async def catch_up(deps: Deps, invite_id: int) -> None:
    """Runs after SAQ released the job's key. A change that came while the job was finishing
    had its enqueue dropped (the key was still held) and was not seen by the job's last check;
    this check sees it, and this enqueue is not dropped. No change is left to the sweep."""
    with contextlib.suppress(Unavailable):
        if await publishing.is_behind(deps.publisher, invite_id):
            await _request_publish(deps, invite_id)


async def give_up(
    deps: Deps, task: str, arguments: dict[str, Any], error: str, attempts: int
) -> None:
    """One dead letter, one report, and a failed state that ends the work for good.

    A failed enrichment leaves the page as first published. A failed publish leaves the invite
    marked failed: nothing enqueues it again (the sweep, RSVPs and follow-ups skip it) until
    `tablefor dlq replay` or the creator's next edit clears the mark.
    """
    invite_id = arguments.get("invite_id")
    async with transaction(deps.pool) as conn:
        publish_of = invite_id if task == jobs.PUBLISH and isinstance(invite_id, int) else None
        if publish_of and not await invite_work.mark_publish_failed(conn, invite_id=publish_of):
            return  # given up already (by the job's last attempt), or the invite is gone
        await dead_letters.record(
            conn,
            task=task,
            arguments=arguments,
            error=error,
            attempts=attempts,
            invite_id=invite_id,
        )
        if task == jobs.ENRICH and isinstance(invite_id, int):
            await invite_work.set_enrich_state(conn, invite_id=invite_id, state=EnrichState.FAILED)
        if task == jobs.REMOVE and isinstance(removal_id := arguments.get("removal_id"), int):
            await removals.mark_failed(conn, removal_id=removal_id, error=error)
    log.warning("dead letter", extra={"task": task, "invite_id": invite_id, "error": error[-500:]})
    report_dead_letter(task, invite_id, error)


async def _schedule_removals(deps: Deps, owed: tuple[int, ...]) -> None:
    """Each when it falls due; if Redis is down, the sweep runs it from PostgreSQL."""
    at = time.time() + deps.publisher.removal_delay
    for removal_id in owed:
        try:
            await deps.queues.request_removal(removal_id, at=at)
        except Exception as error:
            log.warning("enqueue failed", extra={"removal_id": removal_id, "error": str(error)})


def _honour_retry_after(job: Job, retry_after: float | None) -> None:
    """The next attempt waits what the provider asked, not a jittered backoff that could be
    shorter. The worker's before-process hook restores the task's own options afterwards."""
    if retry_after is not None:
        job.retry_delay = retry_after
        job.retry_backoff = False


async def _request_publish(deps: Deps, invite_id: int) -> None:
    try:
        await deps.queues.request_publish(invite_id)
    except Exception as error:  # the sweep publishes from the recorded debt
        log.warning("enqueue failed", extra={"invite_id": invite_id, "error": str(error)})
