"""The SAQ worker: its clients opened once at start, hooks that beat, time and dead-letter jobs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from typing import Any

from saq import CronJob, Worker
from saq.job import Status

from core import jobs, logs
from core.jobs import JobOptions
from core.observability import init_sentry
from core.settings import Settings
from workers import accounts, expiry, tasks
from workers.deps import Deps, opened_deps
from workers.gauges import sample_forever
from workers.opens import ingest_forever
from workers.sweep import sweep_forever

log = logging.getLogger("tablefor.worker")

ACCOUNTS_CONCURRENCY = 4  # sign-in mails: few, and mostly waiting on the network


def create_workers(settings: Settings, deps: Deps) -> list[Worker[Any]]:
    """A SAQ worker per queue, sharing one process, one event loop and one set of clients."""
    options = deps.queues.options

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["deps"] = deps

    async def before(ctx: dict[str, Any]) -> None:
        await before_process(ctx, options=options)

    def worker(
        queue: Any,
        functions: list[tuple[str, Any]],
        concurrency: int,
        cron_jobs: list[CronJob[Any]] | None = None,
    ) -> Worker[Any]:
        made: Worker[Any] = Worker(
            queue,
            functions=functions,
            cron_jobs=cron_jobs,
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

    on_publish_queue = [(jobs.PUBLISH, tasks.publish), (jobs.REMOVE, tasks.remove)]
    # Provider content near its deadline, on the enrich queue (refreshes are lookups); unique,
    # so one run a tick whatever the number of worker processes.
    expire = options[jobs.EXPIRE]
    # Not CronJob[Any](...): the alias would land in the instance's __dict__, which SAQ passes
    # on to every enqueue. Our tasks take a plain dict, not SAQ's Context TypedDict.
    expire_cron = CronJob(  # type: ignore[type-var]
        tasks.expire,
        cron=expiry.CRON,
        unique=True,
        timeout=expire.timeout,
        heartbeat=expire.heartbeat,
        retries=expire.retries,
        ttl=expire.ttl,
    )
    return [
        worker(deps.queues.publish, on_publish_queue, settings.worker.concurrency),
        worker(
            deps.queues.enrich,
            [(jobs.ENRICH, tasks.enrich)],
            settings.worker.enrich_concurrency,
            cron_jobs=[expire_cron],
        ),
        worker(
            deps.queues.accounts,
            [(jobs.SIGN_IN_MAIL, accounts.send_sign_in_mail)],
            ACCOUNTS_CONCURRENCY,
        ),
    ]


async def before_process(ctx: dict[str, Any], *, options: dict[str, JobOptions]) -> None:
    job = ctx["job"]
    own = options.get(job.function)
    if own is not None:  # undo a Retry-After override of the previous attempt
        job.retry_delay, job.retry_backoff = own.retry_delay, own.retry_backoff
    ctx["started_at"] = time.monotonic()
    # The request that caused this job: in every log line and Sentry event of the job, and in
    # the jobs it enqueues in turn (core/jobs.py reads it back).
    ctx["request_id"] = logs.bind_request_id((job.kwargs or {}).get("request_id"))
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
    # No attempts left: SAQ will not run it again. (A removal has one attempt a job and counts
    # its tries in PostgreSQL: the sweep runs it again, and it gives up by itself.)
    if job.status == Status.FAILED and job.function != jobs.REMOVE:
        give_up = accounts.give_up if job.function in accounts.TASKS else tasks.give_up
        await give_up(
            ctx["deps"], job.function, dict(job.kwargs or {}), job.error or "failed", job.attempts
        )
    elif job.status == Status.COMPLETE and job.function == jobs.PUBLISH:
        await tasks.catch_up(ctx["deps"], int((job.kwargs or {})["invite_id"]))
    if "request_id" in ctx:
        logs.unbind_request_id(ctx.pop("request_id"))


async def _beat(job: Any) -> None:
    """Touch the job while it runs: a killed worker's job is then rescued within a heartbeat."""
    interval = max(0.5, job.heartbeat / 3)
    while True:
        await asyncio.sleep(interval)
        with contextlib.suppress(Exception):
            await job.update()


async def run_worker(settings: Settings) -> None:
    """Both workers and the sweep, until SIGINT or SIGTERM; then jobs get their grace period."""
    logs.configure(settings.observability.log_level)
    init_sentry(settings, component="worker")
    async with opened_deps(settings) as deps:
        workers = create_workers(settings, deps)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        names = [deps.queues.publish.name, deps.queues.enrich.name, deps.queues.accounts.name]
        log.info("worker starting", extra={"queues": names})
        running = [asyncio.create_task(worker.start()) for worker in workers]
        # Beside the queues: the sweep, the opens from the edge's spool, and the gauges.
        loops = [
            asyncio.create_task(sweep_forever(deps, settings.worker.sweep_interval)),
            asyncio.create_task(
                ingest_forever(deps.pool, settings.opens.spool_dir, settings.opens.ingest_interval)
            ),
            asyncio.create_task(sample_forever(deps)),
        ]
        try:
            await asyncio.wait(
                [asyncio.create_task(stopping.wait()), *running], return_when="FIRST_COMPLETED"
            )
        finally:
            await asyncio.gather(*(worker.stop() for worker in workers))
            for loop_task in loops:
                loop_task.cancel()
            await asyncio.gather(*running, *loops, return_exceptions=True)
