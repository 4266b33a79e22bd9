"""What `status` and `dlq` read and do."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import psycopg
from saq.queue.redis import RedisQueue

from tablefor import jobs
from tablefor.db import dead_letters, invites
from tablefor.db.dead_letters import DeadLetter
from tablefor.errors import NotFound
from tablefor.services import ServiceUrls
from tablefor.settings import Settings


class QueueDepth(msgspec.Struct, kw_only=True):
    name: str
    queued: int
    active: int
    scheduled: int  # waiting for a retry


class StatusReport(msgspec.Struct, kw_only=True):
    queues: list[QueueDepth]
    dead_letters: int
    waiting_to_publish: int
    oldest_unpublished_age_s: float | None
    waiting_to_enrich: int
    oldest_enrich_age_s: float | None

    def describe(self) -> str:
        return "\n".join(
            [
                *(
                    f"queue {q.name}: {q.queued} queued, {q.active} running, "
                    f"{q.scheduled} scheduled for retry"
                    for q in self.queues
                ),
                f"dead letters: {self.dead_letters}",
                f"waiting to publish: {self.waiting_to_publish}"
                + _oldest(self.oldest_unpublished_age_s),
                f"waiting to enrich: {self.waiting_to_enrich}" + _oldest(self.oldest_enrich_age_s),
            ]
        )


async def read_status(settings: Settings, urls: ServiceUrls) -> StatusReport:
    queues = jobs.create_queues(urls.redis, settings.redis.queue_name)
    try:
        depths = [await _depth(queue) for queue in (queues.publish, queues.enrich)]
    finally:
        await queues.disconnect()
    async with await psycopg.AsyncConnection.connect(urls.database, autocommit=True) as conn:
        backlog = await invites.backlog(conn)
        letters = await dead_letters.count_open(conn)
    return StatusReport(
        queues=depths,
        dead_letters=letters,
        waiting_to_publish=backlog.unpublished,
        oldest_unpublished_age_s=_age(backlog.oldest_unpublished),
        waiting_to_enrich=backlog.enrich_pending,
        oldest_enrich_age_s=_age(backlog.oldest_enrich_pending),
    )


async def list_dead_letters(urls: ServiceUrls, *, limit: int) -> list[DeadLetter]:
    async with await psycopg.AsyncConnection.connect(urls.database, autocommit=True) as conn:
        return await dead_letters.list_open(conn, limit=limit)


async def replay_dead_letter(settings: Settings, urls: ServiceUrls, letter_id: int) -> str:
    async with await psycopg.AsyncConnection.connect(urls.database, autocommit=True) as conn:
        letter = await dead_letters.get(conn, letter_id=letter_id)
        if letter is None or letter.replayed_at is not None:
            raise NotFound(f"no open dead letter {letter_id}")
        invite_id = letter.arguments.get("invite_id")
        if not isinstance(invite_id, int):
            raise NotFound(f"dead letter {letter_id} names no invite")
        if letter.task == jobs.ENRICH:
            await invites.reset_enrichment(conn, invite_id=invite_id)
        queues = jobs.create_queues(urls.redis, settings.redis.queue_name)
        try:
            if letter.task == jobs.ENRICH:
                options = jobs.enrich_options(settings.worker)
                await jobs.request_enrich(queues, invite_id=invite_id, options=options)
            else:
                await jobs.request_publish(queues, invite_id=invite_id)
        finally:
            await queues.disconnect()
        await dead_letters.mark_replayed(conn, letter_id=letter_id)
    return f"replayed dead letter {letter_id}: {letter.task} of invite {invite_id} is queued"


async def drop_dead_letter(urls: ServiceUrls, letter_id: int) -> str:
    async with await psycopg.AsyncConnection.connect(urls.database, autocommit=True) as conn:
        if not await dead_letters.drop(conn, letter_id=letter_id):
            raise NotFound(f"no dead letter {letter_id}")
    return f"dropped dead letter {letter_id}"


async def _depth(queue: RedisQueue) -> QueueDepth:
    queued, active = await queue.count("queued"), await queue.count("active")
    incomplete = await queue.count("incomplete")
    return QueueDepth(
        name=queue.name,
        queued=queued,
        active=active,
        scheduled=max(0, incomplete - queued - active),
    )


def _age(moment: datetime | None) -> float | None:
    return None if moment is None else round((datetime.now(UTC) - moment).total_seconds(), 1)


def _oldest(age: float | None) -> str:
    return "" if age is None else f" (oldest {age:.0f} s)"
