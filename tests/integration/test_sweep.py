"""The sweep turns debts recorded in PostgreSQL into jobs, and leaves failed publishes alone."""

from __future__ import annotations

from typing import Any

import psycopg

from core.db import invite_work
from core.db.pool import connection
from tests.support.rows import insert_invite
from workers.sweep import sweep_once


async def test_the_sweep_enqueues_an_unpublished_invite(deps: Any, database_url: str) -> None:
    insert_invite(database_url)

    report = await sweep_once(deps)

    assert (report.led, report.publishes) == (True, 1)


async def test_the_sweep_skips_a_failed_publish_until_it_is_cleared(
    deps: Any, database_url: str
) -> None:
    invite = insert_invite(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE invites SET publish_failed_at = now() WHERE id = %s", (invite.id,))

    skipped = await sweep_once(deps)
    async with connection(deps.pool) as conn:
        cleared = await invite_work.clear_publish_failure(conn, invite_id=invite.id)
        backlog = await invite_work.backlog(conn)
    swept = await sweep_once(deps)

    assert skipped.publishes == 0
    assert cleared
    assert (backlog.unpublished, backlog.publish_failed) == (1, 0)
    assert swept.publishes == 1


async def test_the_sweep_runs_removals_that_fell_due_and_skips_parked_ones(
    deps: Any, database_url: str
) -> None:
    """A removal outlives a worker restart or a lost job: PostgreSQL holds it until it is done."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        for due, parked in (("-5 s", False), ("-5 s", True), ("+1 h", False)):
            conn.execute(
                "INSERT INTO storage_removals (slug, prefix, due_at, failed_at) "
                "VALUES ('AbCdEfGhIjKlMn', 'i/AbCdEfGhIjKlMn/', now() + %s::interval, "
                "CASE WHEN %s THEN now() END)",
                (due, parked),
            )

    report = await sweep_once(deps)

    assert report.removals == 1
    assert await deps.queues.publish.count("queued") == 1
