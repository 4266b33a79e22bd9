"""The SAQ worker: its clients opened once at start, hooks that beat, time and dead-letter jobs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from datetime import timedelta
from typing import Any

from saq import Worker
from saq.job import Status

from cdn.purge import create_purger
from cdn.storage import create_storage
from renderer.fonts import load_fonts, require_complex_shaping
from tablefor import jobs, logs
from tablefor.db.pool import create_pool
from tablefor.jobs import PUBLISH_OPTIONS, JobOptions, enrich_options
from tablefor.observability import init_sentry
from tablefor.ratelimit import RateLimiter
from tablefor.services import ServiceUrls
from tablefor.settings import Settings
from workers import tasks
from workers.deps import Deps
from workers.enrichment import Enricher
from workers.providers.setup import provider_slots
from workers.site import load_templates, publish_site
from workers.sweep import sweep_forever

log = logging.getLogger("tablefor.worker")


def create_workers(settings: Settings, deps: Deps) -> list[Worker[Any]]:
    """A SAQ worker per queue, sharing one process, one event loop and one set of clients."""
    options = {jobs.ENRICH: enrich_options(settings.worker), jobs.PUBLISH: PUBLISH_OPTIONS}

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["deps"] = deps

    async def before(ctx: dict[str, Any]) -> None:
        await before_process(ctx, options=options)

    def worker(queue: Any, task: tuple[str, Any], concurrency: int) -> Worker[Any]:
        made: Worker[Any] = Worker(
            queue,
            functions=[task],
            concurrency=concurrency,
            startup=startup,
            before_process=before,
            after_process=after_process,
            # SAQ's own sweeper rescues jobs of dead workers once their heartbeat is overdue.
            timers={"sweep": 2, "schedule": 1, "abort": 1, "worker_info": 10},
            shutdown_grace_period_s=10,
            dequeue_timeout=1.0,
        )
        made.SIGNALS = []  # run_worker stops both workers on a signal; SAQ would stop one
        return made

    return [
        worker(deps.queues.publish, (jobs.PUBLISH, tasks.publish), settings.worker.concurrency),
        worker(deps.queues.enrich, (jobs.ENRICH, tasks.enrich), settings.worker.enrich_concurrency),
    ]


async def open_deps(settings: Settings, urls: ServiceUrls, queues: jobs.Queues) -> Deps:
    require_complex_shaping()  # Hindi names must shape: fail at start, not in every image
    pool = create_pool(settings.database, urls.database)
    await pool.open(wait=False)
    await queues.connect()
    storage = create_storage(settings.storage)
    templates = load_templates()
    site = await publish_site(storage, templates, public_url=settings.api.public_url)
    limiter = RateLimiter(queues.publish.redis, prefix=f"{settings.redis.key_prefix}:rl")
    return Deps(
        settings=settings,
        pool=pool,
        queues=queues,
        storage=storage,
        purger=create_purger(settings.purge, public_url=settings.api.public_url),
        fonts=load_fonts(),
        templates=templates,
        site=site,
        enricher=Enricher(
            provider_slots(settings.places),
            storage=storage,
            limiter=limiter,
            reuse=timedelta(days=settings.places.reuse_days),
        ),
    )


async def close_deps(deps: Deps) -> None:
    await deps.enricher.aclose()
    await deps.purger.aclose()
    await deps.pool.close()


async def before_process(ctx: dict[str, Any], *, options: dict[str, JobOptions]) -> None:
    job = ctx["job"]
    own = options.get(job.function)
    if own is not None:  # undo a Retry-After override of the previous attempt
        job.retry_delay, job.retry_backoff = own.retry_delay, own.retry_backoff
    ctx["started_at"] = time.monotonic()
    ctx["beat"] = asyncio.create_task(_beat(job)) if job.heartbeat else None
    log.info(
        "job started",
        extra={
            "task": job.function,
            "job": job.key,
            "attempt": job.attempts,
            "queue_wait_ms": max(0, job.started - job.queued),
        },
    )


async def after_process(ctx: dict[str, Any]) -> None:
    job = ctx["job"]
    if ctx.get("beat") is not None:
        ctx["beat"].cancel()
    log.info(
        "job finished",
        extra={
            "task": job.function,
            "job": job.key,
            "status": str(job.status),
            "run_ms": round((time.monotonic() - ctx.get("started_at", time.monotonic())) * 1000),
        },
    )
    if job.status == Status.FAILED:  # no attempts left: SAQ will not run it again
        await tasks.give_up(
            ctx["deps"], job.function, dict(job.kwargs or {}), job.error or "failed", job.attempts
        )
    elif job.status == Status.COMPLETE and job.function == jobs.PUBLISH:
        await tasks.catch_up(ctx["deps"], int((job.kwargs or {})["invite_id"]))


async def _beat(job: Any) -> None:
    """Touch the job while it runs: a killed worker's job is then rescued within a heartbeat."""
    interval = max(0.5, job.heartbeat / 3)
    while True:
        await asyncio.sleep(interval)
        with contextlib.suppress(Exception):
            await job.update()


async def run_worker(settings: Settings, urls: ServiceUrls) -> None:
    """Both workers and the sweep, until SIGINT or SIGTERM; then jobs get their grace period."""
    logs.configure(settings.observability.log_level)
    init_sentry(settings, component="worker")
    queues = jobs.create_queues(urls.redis, settings.redis.queue_name)
    deps = await open_deps(settings, urls, queues)
    workers = create_workers(settings, deps)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    log.info("worker starting", extra={"queues": [queues.publish.name, queues.enrich.name]})
    running = [asyncio.create_task(worker.start()) for worker in workers]
    sweeper = asyncio.create_task(sweep_forever(deps, settings.worker.sweep_interval))
    try:
        await asyncio.wait(
            [asyncio.create_task(stopping.wait()), *running], return_when="FIRST_COMPLETED"
        )
    finally:
        await asyncio.gather(*(worker.stop() for worker in workers))
        sweeper.cancel()
        await asyncio.gather(*running, sweeper, return_exceptions=True)
        await close_deps(deps)
        await queues.disconnect()
