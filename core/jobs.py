"""The queue's tasks as the API, the workers and the command enqueue them: names, keys and
options, built once from Settings.

SAQ takes job options at enqueue time, so every option is set here explicitly (its defaults are
one attempt and a 10 s timeout). Keys de-duplicate: while a job with the same key is queued or
running, another enqueue is dropped by SAQ. The publish task re-reads the invite's version when
it finishes, and the sweep re-enqueues any debt left in PostgreSQL, so a dropped enqueue never
loses a change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from saq.queue.redis import RedisQueue

from core.logs import current_request_id
from core.settings import MailSettings, RedisSettings, WorkerSettings

ENRICH = "enrich"
PUBLISH = "publish"
REMOVE = "remove"  # delete objects storage owes to remove, then purge (on the publish queue)
SIGN_IN_MAIL = "sign_in_mail"
EXPIRE = "expire"  # refresh or strip provider content near its deadline (a cron, enrich queue)


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


PUBLISH_TIMEOUT = 30  # seconds: what a publish may take before the worker cancels it


def publish_options(settings: WorkerSettings) -> JobOptions:
    """Local work plus storage writes and a purge: quick retries that ride out a short storage
    or CDN outage; then a dead letter, and the invite waits for a replay (workers/tasks.py)."""
    return JobOptions(
        timeout=PUBLISH_TIMEOUT,
        heartbeat=5,
        retries=settings.publish_attempts,
        retry_delay=settings.publish_retry_delay,
        retry_backoff=settings.publish_retry_cap,
        ttl=600,
    )


# One attempt a job: a removal counts its tries in PostgreSQL and is retried later from there
# (core/db/removals.py), where the wait can be minutes without holding a job.
REMOVE_OPTIONS = JobOptions(
    timeout=60, heartbeat=10, retries=1, retry_delay=0.0, retry_backoff=0.0, ttl=600
)


# One attempt: the cron's next run is the retry. A long timeout: refreshes wait their turn at
# the provider's rate; the heartbeat rescues a run whose worker died.
EXPIRE_OPTIONS = JobOptions(
    timeout=900, heartbeat=30, retries=1, retry_delay=0.0, retry_backoff=0.0, ttl=3600
)


def enrich_options(settings: WorkerSettings) -> JobOptions:
    """Providers can be slow and rate-limited: several spaced attempts, then a dead letter."""
    return JobOptions(
        timeout=60,
        heartbeat=10,
        retries=settings.enrich_attempts,
        retry_delay=settings.enrich_retry_delay,
        retry_backoff=settings.enrich_retry_cap,
        ttl=3600,
    )


def mail_options(settings: MailSettings) -> JobOptions:
    """An SMTP server that is down is retried with growing waits, then dead-lettered."""
    return JobOptions(
        timeout=max(10, round(settings.timeout * 3)),
        heartbeat=10,
        retries=settings.attempts,
        retry_delay=settings.retry_delay,
        retry_backoff=settings.retry_cap,
        ttl=3600,
    )


DEFAULT_MAIL = MailSettings(
    smtp_url=None,
    mail_from="Tablefor <no-reply@tablefor.invalid>",
    ca_file=None,
    timeout=10.0,
    attempts=6,
    retry_delay=2.0,
    retry_cap=60.0,
)


def sign_in_mail_key(sign_in_id: str) -> str:
    return f"signin:{sign_in_id}"


def enrich_key(invite_id: int) -> str:
    return f"enrich:{invite_id}"


def publish_key(invite_id: int) -> str:
    return f"publish:{invite_id}"


def remove_key(removal_id: int) -> str:
    return f"remove:{removal_id}"


@dataclass(frozen=True, slots=True)
class Queues:
    """Two queues, so that publishing never waits behind enrichment: lookups are slow and
    rate-limited (Nominatim: one a second), and would otherwise fill every worker slot.

    Each job carries the id of the request that caused it (`request_id`, bound in core/logs by
    the API's request log, and by the worker for the job it runs), so its logs and Sentry
    events can be traced back to that request.
    """

    publish: RedisQueue
    enrich: RedisQueue
    accounts: RedisQueue  # sign-in mails: a slow network of their own
    options: dict[str, JobOptions]  # by task name

    async def connect(self) -> None:
        await self.publish.connect()
        await self.enrich.connect()
        await self.accounts.connect()

    async def disconnect(self) -> None:
        await self.accounts.disconnect()
        await self.enrich.disconnect()
        await self.publish.disconnect()

    async def request_sign_in_mail(self, sign_in_id: str) -> bool:
        job = await self.accounts.enqueue(
            SIGN_IN_MAIL,
            key=sign_in_mail_key(sign_in_id),
            sign_in_id=sign_in_id,
            request_id=current_request_id(),
            **self.options[SIGN_IN_MAIL].as_kwargs(),
        )
        return job is not None

    async def request_enrich(self, invite_id: int) -> bool:
        """True if a job was enqueued, False if one for this invite is already queued or
        running."""
        job = await self.enrich.enqueue(
            ENRICH,
            key=enrich_key(invite_id),
            invite_id=invite_id,
            request_id=current_request_id(),
            **self.options[ENRICH].as_kwargs(),
        )
        return job is not None

    async def request_publish(self, invite_id: int, *, debounce_ms: int = 0) -> bool:
        """Ask for the invite's current version to be published.

        `debounce_ms` makes the job wait before reading, so a burst of RSVPs becomes one publish.
        """
        job = await self.publish.enqueue(
            PUBLISH,
            key=publish_key(invite_id),
            invite_id=invite_id,
            debounce_ms=debounce_ms,
            request_id=current_request_id(),
            **self.options[PUBLISH].as_kwargs(),
        )
        return job is not None

    async def request_removal(self, removal_id: int, *, at: float | None = None) -> bool:
        """Ask for a removal to run now, or at `at` (epoch seconds) when it falls due."""
        job = await self.publish.enqueue(
            REMOVE,
            key=remove_key(removal_id),
            removal_id=removal_id,
            scheduled=math.ceil(at) if at else 0,
            **self.options[REMOVE].as_kwargs(),
        )
        return job is not None


def create_queues(
    redis: RedisSettings,
    worker: WorkerSettings,
    *,
    client: aioredis.Redis | None = None,
    mail: MailSettings = DEFAULT_MAIL,
) -> Queues:
    """The queues on `client`, or on a client of their own (TCP or unix socket: SAQ's own
    from_url takes no unix URL)."""
    client = client or aioredis.Redis.from_url(
        redis.url, socket_connect_timeout=1.0, socket_timeout=5.0, health_check_interval=10
    )
    return Queues(
        publish=RedisQueue(client, name=redis.queue_name),
        enrich=RedisQueue(client, name=f"{redis.queue_name}-enrich"),
        accounts=RedisQueue(client, name=f"{redis.queue_name}-accounts"),
        options={
            PUBLISH: publish_options(worker),
            ENRICH: enrich_options(worker),
            REMOVE: REMOVE_OPTIONS,
            SIGN_IN_MAIL: mail_options(mail),
            EXPIRE: EXPIRE_OPTIONS,
        },
    )
