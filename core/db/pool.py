"""The PostgreSQL connection pool and the one place psycopg's errors become domain errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import errors as pgerrors
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from core.errors import Conflict, InvalidInput, NotMigrated, Unavailable
from core.settings import DatabaseSettings

Connection = psycopg.AsyncConnection[Any]

# The database roles the processes act as (migrations/0041_row_security.sql makes them). The
# API's is subject to row-level security: it sees a creator's rows only inside `as_creator`.
API_ROLE = "tablefor_api"
WORKER_ROLE = "tablefor_worker"

_ACT_FOR_CREATOR = "SELECT set_config('tablefor.creator_id', %(creator_id)s, true)"
_ANSWER_INVITE = "SELECT set_config('tablefor.answer_slug', %(slug)s, true)"


def create_pool(settings: DatabaseSettings, *, role: str) -> AsyncConnectionPool[Connection]:
    """A closed pool whose connections act as `role`; open it in the lifespan with
    `await pool.open(wait=False)`.

    `wait=False` lets the API start while PostgreSQL is down: readiness reports it and
    requests answer 503 until the pool reconnects by itself.
    """
    return AsyncConnectionPool(
        settings.url,
        min_size=settings.pool_min,
        max_size=settings.pool_max,
        open=False,
        timeout=settings.connect_timeout,
        reconnect_timeout=0,  # never give up: keep retrying in the background
        # No `check=` on checkout: it costs a round trip on every request. A connection broken
        # by an outage fails its one request (a 503) and the pool replaces it on return.
        # Autocommit: a statement outside `transaction()` commits at once, so no transaction
        # is ever left open across a network call (a provider lookup, a storage write).
        kwargs={
            "connect_timeout": max(1, round(settings.connect_timeout)),
            "autocommit": True,
            # The role is part of the connection's start-up, so it costs no round trip and is
            # the session's default: even RESET ROLE comes back to it.
            "options": with_role(settings.url, role),
        },
        name="tablefor",
    )


def with_role(url: str, role: str) -> str:
    """The URL's own start-up options plus the role to act as."""
    own = conninfo_to_dict(url).get("options") or ""
    return f"{own} -c role={role}".strip()


@asynccontextmanager
async def translated_errors() -> AsyncIterator[None]:
    try:
        yield
    except PoolTimeout as error:
        raise Unavailable("the database is not answering; try again shortly") from error
    except psycopg.OperationalError as error:
        raise Unavailable("the database connection failed; try again shortly") from error
    except pgerrors.UndefinedTable as error:
        # A database nobody migrated. (A missing column is a bug of ours, not this.)
        raise NotMigrated("the database has no Tablefor tables; run `tablefor migrate`") from error
    except pgerrors.UniqueViolation as error:
        raise Conflict("that already exists") from error
    except (pgerrors.CheckViolation, pgerrors.NotNullViolation) as error:
        raise InvalidInput("a value is outside what the database accepts") from error


@asynccontextmanager
async def transaction(pool: AsyncConnectionPool[Connection]) -> AsyncIterator[Connection]:
    """A connection inside one transaction, with psycopg errors turned into domain errors."""
    async with translated_errors(), pool.connection() as conn, conn.transaction():
        yield conn


@asynccontextmanager
async def as_creator(
    pool: AsyncConnectionPool[Connection], creator_id: int
) -> AsyncIterator[Connection]:
    """One transaction acting for a creator: row-level security shows the API their rows only."""
    async with transaction(pool) as conn:
        await act_for(conn, creator_id)
        yield conn


async def act_for(conn: Connection, creator_id: int) -> None:
    """From here to the end of the current transaction, act for this creator."""
    await conn.execute(_ACT_FOR_CREATOR, {"creator_id": str(creator_id)})


@asynccontextmanager
async def as_recipient(
    pool: AsyncConnectionPool[Connection], slug: str
) -> AsyncIterator[Connection]:
    """One transaction answering one invite: the API sees that invite and its answers only."""
    async with transaction(pool) as conn:
        await conn.execute(_ANSWER_INVITE, {"slug": slug})
        yield conn


@asynccontextmanager
async def connection(pool: AsyncConnectionPool[Connection]) -> AsyncIterator[Connection]:
    """A connection whose statements each commit on their own (the pool is autocommit)."""
    async with translated_errors(), pool.connection() as conn:
        yield conn


@asynccontextmanager
async def single_connection(url: str, *, connect_timeout: float = 2.0) -> AsyncIterator[Connection]:
    """One autocommit connection of its own (a short-lived command), errors translated."""
    async with (
        translated_errors(),
        await psycopg.AsyncConnection.connect(
            url, autocommit=True, connect_timeout=max(1, round(connect_timeout))
        ) as conn,
    ):
        yield conn
