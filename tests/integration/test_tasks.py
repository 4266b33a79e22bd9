"""The worker's tasks in-process (real PostgreSQL and Redis): giving up ends the work."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from saq.job import Job

from core import jobs
from tests.support.rows import NEVER_RENDERS, insert_invite, invite_row, open_letters
from workers import tasks


def ctx(deps: Any, *, attempt: int = 1, of: int = 6) -> dict[str, Any]:
    """What SAQ hands a task: the worker's dependencies and the job, in its attempt `attempt`."""
    return {"deps": deps, "job": Job(jobs.PUBLISH, retries=of, attempts=attempt)}


async def queued_publishes(deps: Any) -> int:
    count: int = await deps.queues.publish.count("incomplete")
    return count


async def test_a_publish_given_up_is_marked_failed_and_not_enqueued_again(
    deps: Any, database_url: str
) -> None:
    invite = insert_invite(database_url, starts_at=NEVER_RENDERS)

    await tasks.give_up(deps, jobs.PUBLISH, {"invite_id": invite.id}, "ValueError: year", 6)

    assert invite_row(database_url, invite.id)["publish_failed_at"] is not None
    assert [(letter["task"], letter["attempts"]) for letter in open_letters(database_url)] == [
        ("publish", 6)
    ]
    assert await queued_publishes(deps) == 0


async def test_a_publish_job_skips_an_invite_whose_publishing_failed(
    deps: Any, database_url: str
) -> None:
    invite = insert_invite(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE invites SET publish_failed_at = now() WHERE id = %s", (invite.id,))

    result = await tasks.publish(ctx(deps), invite_id=invite.id)
    await tasks.catch_up(deps, invite.id)

    assert result == {"skipped": "nothing owed"}
    assert invite_row(database_url, invite.id)["published_version"] == 0
    assert await queued_publishes(deps) == 0  # no follow-up either


async def test_runs_that_never_record_a_publish_end_in_one_dead_letter(
    deps: Any, database_url: str
) -> None:
    """Runs rescued from dead workers get no failure hook; their count on the invite ends them."""
    invite = insert_invite(database_url)
    limit = tasks.JOBS_OF_RUNS * deps.queues.options[jobs.PUBLISH].retries
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE invites SET publish_starts = %s WHERE id = %s", (limit, invite.id))

    result = await tasks.publish(ctx(deps), invite_id=invite.id)
    again = await tasks.publish(ctx(deps), invite_id=invite.id)

    assert result == {"gave_up": True}
    assert again == {"skipped": "nothing owed"}
    row = invite_row(database_url, invite.id)
    assert row["publish_failed_at"] is not None and row["published_version"] == 0
    letters = open_letters(database_url)
    assert len(letters) == 1 and "gave up after" in letters[0]["error"]


async def test_a_recorded_publish_resets_the_count_of_runs(deps: Any, database_url: str) -> None:
    invite = insert_invite(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE invites SET publish_starts = 5 WHERE id = %s", (invite.id,))

    result = await tasks.publish(ctx(deps), invite_id=invite.id)

    assert result["version"] == 1
    assert invite_row(database_url, invite.id)["publish_starts"] == 0


async def test_the_last_attempt_gives_up_before_the_job_ends_and_only_once(
    deps: Any, database_url: str
) -> None:
    """Marked failed while the job's key still holds off the sweep; SAQ's failure hook, which
    calls give_up again afterwards, then finds nothing left to do."""
    invite = insert_invite(database_url, starts_at=NEVER_RENDERS)

    with pytest.raises(ValueError, match="year"):
        await tasks.publish(ctx(deps, attempt=1, of=2), invite_id=invite.id)
    retried = invite_row(database_url, invite.id)["publish_failed_at"]
    with pytest.raises(ValueError, match="year"):
        await tasks.publish(ctx(deps, attempt=2, of=2), invite_id=invite.id)
    await tasks.give_up(deps, jobs.PUBLISH, {"invite_id": invite.id}, "failed", 2)

    assert retried is None  # an attempt with attempts left is only an attempt
    row = invite_row(database_url, invite.id)
    assert row["publish_failed_at"] is not None and row["publish_starts"] == 2
    [letter] = open_letters(database_url)
    assert letter["attempts"] == 2 and "ValueError" in letter["error"]
