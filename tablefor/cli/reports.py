"""What `status` and `dlq` read and do."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import psycopg

from tablefor import jobs
from tablefor.db import dead_letters, invites
from tablefor.db.dead_letters import DeadLetter
from tablefor.errors import NotFound
from tablefor.services import ServiceUrls
from tablefor.settings import Settings


class StatusReport(msgspec.Struct, kw_only=True):
    queue: str
    queued: int
    active: int
    scheduled: int
    dead_letters: int
    waiting_to_publish: int
    oldest_unpublished_age_s: float | None
    waiting_to_enrich: int
    oldest_enrich_age_s: float | None

    def describe(self) -> str:
        return "\n".join(
            [
                f"queue {self.queue}: {self.queued} queued, {self.active} running, "
                f"{self.scheduled} scheduled for retry",
                f"dead letters: {self.dead_letters}",
                f"waiting to publish: {self.waiting_to_publish}"
                + _oldest(self.oldest_unpublished_age_s),
                f"waiting to enrich: {self.waiting_to_enrich}" + _oldest(self.oldest_enrich_age_s),
            ]
        )


async def read_status(settings: Settings, urls: ServiceUrls) -> StatusReport:
    queue = jobs.create_queue(urls.redis, settings.redis.queue_name)
    try:
        queued = await queue.count("queued")
        active = await queue.count("active")
        incomplete = await queue.count("incomplete")
    finally:
        await queue.disconnect()
    async with await psycopg.AsyncConnection.connect(urls.database, autocommit=True) as conn:
        backlog = await invites.backlog(conn)
        letters = await dead_letters.count_open(conn)
    return StatusReport(
        queue=settings.redis.queue_name,
        queued=queued,
        active=active,
        scheduled=max(0, incomplete - queued - active),
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
        queue = jobs.create_queue(urls.redis, settings.redis.queue_name)
        try:
            if letter.task == jobs.ENRICH:
                options = jobs.enrich_options(settings.worker)
                await jobs.request_enrich(queue, invite_id=invite_id, options=options)
            else:
                await jobs.request_publish(queue, invite_id=invite_id)
        finally:
            await queue.disconnect()
        await dead_letters.mark_replayed(conn, letter_id=letter_id)
    return f"replayed dead letter {letter_id}: {letter.task} of invite {invite_id} is queued"


async def drop_dead_letter(urls: ServiceUrls, letter_id: int) -> str:
    async with await psycopg.AsyncConnection.connect(urls.database, autocommit=True) as conn:
        if not await dead_letters.drop(conn, letter_id=letter_id):
            raise NotFound(f"no dead letter {letter_id}")
    return f"dropped dead letter {letter_id}"


def _age(moment: datetime | None) -> float | None:
    return None if moment is None else round((datetime.now(UTC) - moment).total_seconds(), 1)


def _oldest(age: float | None) -> str:
    return "" if age is None else f" (oldest {age:.0f} s)"
