"""The PostgreSQL connection pool and the one place psycopg's errors become domain errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import errors as pgerrors
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from core.errors import Conflict, InvalidInput, NotMigrated, Unavailable
from core.settings import DatabaseSettings

Connection = psycopg.AsyncConnection[Any]


def create_pool(settings: DatabaseSettings) -> AsyncConnectionPool[Connection]:
    """A closed pool; open it in the lifespan with `await pool.open(wait=False)`.

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
        kwargs={"connect_timeout": max(1, round(settings.connect_timeout)), "autocommit": True},
        name="tablefor",
    )


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
