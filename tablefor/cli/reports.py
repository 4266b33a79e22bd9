"""What `status` and `dlq` read and do."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import msgspec
from redis.exceptions import RedisError
from saq.queue.redis import RedisQueue

from core import jobs
from core.db import dead_letters, invite_work, removals, sign_in
from core.db.dead_letters import DeadLetter
from core.db.pool import Connection, single_connection
from core.errors import NotFound, Unavailable
from core.jobs import Queues, create_queues
from core.settings import Settings


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
    failed_to_publish: int  # each has a dead letter; `dlq replay` or the creator's edit retries
    removals_owed: int  # stored objects still to delete (replaced, or of deleted invites)
    removals_failed: int  # each has a dead letter

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
                f"failed to publish: {self.failed_to_publish}"
                + (" (see `tablefor dlq list`)" if self.failed_to_publish else ""),
                f"storage removals owed: {self.removals_owed}"
                + (f", {self.removals_failed} failed" if self.removals_failed else ""),
            ]
        )


async def read_status(settings: Settings) -> StatusReport:
    async with _queues(settings) as queues:
        depths = [await _depth(queue) for queue in (queues.publish, queues.enrich, queues.accounts)]
    async with single_connection(settings.database.url) as conn:
        backlog = await invite_work.backlog(conn)
        letters = await dead_letters.count_open(conn)
        owed = await removals.owed(conn)
    return StatusReport(
        queues=depths,
        dead_letters=letters,
        waiting_to_publish=backlog.unpublished,
        oldest_unpublished_age_s=_age(backlog.oldest_unpublished),
        waiting_to_enrich=backlog.enrich_pending,
        oldest_enrich_age_s=_age(backlog.oldest_enrich_pending),
        failed_to_publish=backlog.publish_failed,
        removals_owed=owed.owed,
        removals_failed=owed.failed,
    )


async def list_dead_letters(settings: Settings, *, limit: int) -> list[DeadLetter]:
    async with single_connection(settings.database.url) as conn:
        return await dead_letters.list_open(conn, limit=limit)


async def replay_dead_letter(settings: Settings, letter_id: int) -> str:
    async with single_connection(settings.database.url) as conn:
        letter = await dead_letters.get(conn, letter_id=letter_id)
        if letter is None or letter.replayed_at is not None:
            raise NotFound(f"no open dead letter {letter_id}")
        if letter.task == jobs.SIGN_IN_MAIL:
            message = await _replay_account_job(settings, conn, letter)
            await dead_letters.mark_replayed(conn, letter_id=letter_id)
            return message
        subject, subject_id = _subject(letter)
        # The debt first: if Redis is down, the sweep enqueues it once Redis is back.
        if letter.task == jobs.ENRICH:
            await invite_work.reset_enrichment(conn, invite_id=subject_id)
        elif letter.task == jobs.REMOVE:
            await removals.clear_failure(conn, removal_id=subject_id)
        else:
            await invite_work.clear_publish_failure(conn, invite_id=subject_id)
        async with _queues(settings) as queues:
            if letter.task == jobs.ENRICH:
                await queues.request_enrich(subject_id)
            elif letter.task == jobs.REMOVE:
                await queues.request_removal(subject_id)
            else:
                await queues.request_publish(subject_id)
        await dead_letters.mark_replayed(conn, letter_id=letter_id)
    return f"replayed dead letter {letter_id}: {letter.task} of {subject} {subject_id} is queued"


def _subject(letter: DeadLetter) -> tuple[str, int]:
    """What the letter's job was about: an invite, or a storage removal."""
    name = "removal" if letter.task == jobs.REMOVE else "invite"
    subject_id = letter.arguments.get(f"{name}_id")
    if not isinstance(subject_id, int):
        raise NotFound(f"dead letter {letter.id} names no {name}")
    return name, subject_id


async def _replay_account_job(settings: Settings, conn: Connection, letter: DeadLetter) -> str:
    sign_in_id = str(letter.arguments.get("sign_in_id", ""))
    try:
        await sign_in.reopen(conn, request_id=uuid.UUID(sign_in_id))
    except ValueError:
        raise NotFound(f"dead letter {letter.id} names no sign-in request") from None
    async with _queues(settings) as queues:
        await queues.request_sign_in_mail(sign_in_id)
    return f"replayed dead letter {letter.id}: the sign-in mail is queued"


async def drop_dead_letter(settings: Settings, letter_id: int) -> str:
    async with single_connection(settings.database.url) as conn:
        if not await dead_letters.drop(conn, letter_id=letter_id):
            raise NotFound(f"no dead letter {letter_id}")
    return f"dropped dead letter {letter_id}"


@contextlib.asynccontextmanager
async def _queues(settings: Settings) -> AsyncIterator[Queues]:
    queues = create_queues(settings.redis, settings.worker, mail=settings.mail)
    try:
        yield queues
    except (RedisError, OSError) as error:
        raise Unavailable(f"Redis is not answering: {error}") from error
    finally:
        await queues.disconnect()


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
