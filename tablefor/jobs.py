"""The queue's tasks as the API and CLI enqueue them: names, keys and options in one place.

SAQ takes job options at enqueue time, so every option is set here explicitly (its defaults are
one attempt and a 10 s timeout). Keys de-duplicate: while a job with the same key is queued or
running, another enqueue is dropped by SAQ. The publish task re-reads the invite's version when
it finishes, and the sweep re-enqueues any debt left in PostgreSQL, so a dropped enqueue never
loses a change.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from saq.queue.redis import RedisQueue

from tablefor.settings import WorkerSettings

ENRICH = "enrich"
PUBLISH = "publish"
SWEEP = "sweep"


@dataclass(frozen=True, slots=True)
class JobOptions:
    timeout: int  # seconds a run may take before the worker cancels it
    heartbeat: int  # seconds without a beat before the sweeper rescues the job (a dead worker)
    retries: int  # total attempts, the first included
    retry_delay: float
    retry_backoff: float  # cap of the doubling, jittered delay
    ttl: int  # seconds SAQ keeps the finished job's record

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "timeout": self.timeout,
            "heartbeat": self.heartbeat,
            "retries": self.retries,
            "retry_delay": self.retry_delay,
            "retry_backoff": self.retry_backoff,
            "ttl": self.ttl,
        }


# Providers can be slow and rate-limited: several spaced attempts, then a dead letter.
ENRICH_OPTIONS = JobOptions(
    timeout=60, heartbeat=10, retries=5, retry_delay=1.0, retry_backoff=60.0, ttl=3600
)
# Publishing is local work plus storage writes: quick to retry, never given up on for long,
# since the sweep keeps re-enqueueing unpublished invites anyway.
PUBLISH_OPTIONS = JobOptions(
    timeout=30, heartbeat=5, retries=6, retry_delay=0.5, retry_backoff=30.0, ttl=600
)


def enrich_options(settings: WorkerSettings) -> JobOptions:
    """ENRICH_OPTIONS with the attempts and backoff an operator configured."""
    return dataclasses.replace(
        ENRICH_OPTIONS,
        retries=settings.enrich_attempts,
        retry_delay=settings.enrich_retry_delay,
        retry_backoff=settings.enrich_retry_cap,
    )


@dataclass(frozen=True, slots=True)
class Queues:
    """Two queues, so that publishing never waits behind enrichment: lookups are slow and
    rate-limited (Nominatim: one a second), and would otherwise fill every worker slot."""

    publish: RedisQueue
    enrich: RedisQueue

    async def connect(self) -> None:
        await self.publish.connect()
        await self.enrich.connect()

    async def disconnect(self) -> None:
        await self.enrich.disconnect()
        await self.publish.disconnect()


def create_queues(redis_url: str, name: str) -> Queues:
    """SAQ queues on `redis_url` (TCP or unix socket; SAQ's own from_url takes no unix URL)."""
    return Queues(publish=_queue(redis_url, name), enrich=_queue(redis_url, f"{name}-enrich"))


def _queue(redis_url: str, name: str) -> RedisQueue:
    client = aioredis.Redis.from_url(
        redis_url, socket_connect_timeout=1.0, socket_timeout=5.0, health_check_interval=10
    )
    return RedisQueue(client, name=name)


def enrich_key(invite_id: int) -> str:
    return f"enrich:{invite_id}"


def publish_key(invite_id: int) -> str:
    return f"publish:{invite_id}"


async def request_enrich(
    queues: Queues, *, invite_id: int, options: JobOptions = ENRICH_OPTIONS
) -> bool:
    """True if a job was enqueued, False if one for this invite is already queued or running."""
    job = await queues.enrich.enqueue(
        ENRICH, key=enrich_key(invite_id), invite_id=invite_id, **options.as_kwargs()
    )
    return job is not None


async def request_publish(queues: Queues, *, invite_id: int, debounce_ms: int = 0) -> bool:
    """Ask for the invite's current version to be published.

    `debounce_ms` makes the job wait before reading, so a burst of RSVPs becomes one publish.
    """
    job = await queues.publish.enqueue(
        PUBLISH,
        key=publish_key(invite_id),
        invite_id=invite_id,
        debounce_ms=debounce_ms,
        **PUBLISH_OPTIONS.as_kwargs(),
    )
    return job is not None
