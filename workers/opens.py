"""Invite opens: the edge's sealed spool files (cdn/opens.py), counted into PostgreSQL.

Every worker process looks at the spool every TABLEFOR_OPENS_INTERVAL seconds; one at a time
(an advisory lock) counts the files and deletes them. The edge keeps spooling while the worker,
the API, Redis or PostgreSQL is down, and the worker catches up when it can: nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from psycopg_pool import AsyncConnectionPool

from cdn.opens import read_batch, sealed_files
from core.db import locks, opens
from core.db.pool import Connection, connection
from core.errors import Unavailable
from core.metrics import OPENS, UNIQUE_OPENS

log = logging.getLogger("tablefor.worker")

MAX_FILES = 200  # per pass, so one pass never holds the lock for long
PRUNE_EVERY = 600.0  # seconds
KEEP_VIEWER_DAYS = 2  # yesterday's viewers still dedupe views spooled late


@dataclass(frozen=True, slots=True)
class IngestReport:
    led: bool  # False: another worker is counting
    files: int
    opens: int
    unique_opens: int


async def ingest_once(pool: AsyncConnectionPool[Connection], spool_dir: Path) -> IngestReport:
    waiting = sealed_files(spool_dir)
    if not waiting:
        return IngestReport(led=True, files=0, opens=0, unique_opens=0)
    files = counted_opens = counted_unique = 0
    async with connection(pool) as conn, locks.try_session_lock(conn, locks.OPENS) as led:
        if not led:
            return IngestReport(led=False, files=0, opens=0, unique_opens=0)
        for path in waiting[:MAX_FILES]:
            try:
                batch = read_batch(path)
            except FileNotFoundError:  # counted and deleted by the worker before us
                continue
            counted = await opens.record_batch(
                conn, name=batch.name, lines=batch.lines, opens=batch.opens, viewers=batch.viewers
            )
            path.unlink(missing_ok=True)
            files += 1
            if counted is not None:
                counted_opens += counted.opens
                counted_unique += counted.unique_opens
            if batch.malformed:
                log.warning(
                    "spool lines skipped", extra={"file": batch.name, "lines": batch.malformed}
                )
    OPENS.inc(counted_opens)
    UNIQUE_OPENS.inc(counted_unique)
    return IngestReport(led=True, files=files, opens=counted_opens, unique_opens=counted_unique)


async def prune_once(pool: AsyncConnectionPool[Connection]) -> None:
    today = datetime.now(UTC).date()
    async with connection(pool) as conn:
        await opens.prune(conn, viewers_before=today - timedelta(days=KEEP_VIEWER_DAYS - 1))


async def ingest_forever(
    pool: AsyncConnectionPool[Connection], spool_dir: Path, interval: float
) -> None:
    pruned = 0.0
    while True:
        try:
            await ingest_once(pool, spool_dir)
            if time.monotonic() - pruned > PRUNE_EVERY:
                await prune_once(pool)
                pruned = time.monotonic()
        except Unavailable as error:
            log.warning(
                "opens wait in the spool: the database is down", extra={"error": str(error)}
            )
        except Exception:
            log.exception("counting opens failed; the files stay in the spool")
        await asyncio.sleep(interval)
