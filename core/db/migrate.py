"""Apply the plain-SQL migrations in order, once each, safely from several processes at once."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from core.db import locks
from core.db.pool import translated_errors
from core.errors import TableforError
from core.resources import resource_dir

_FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class MigrationError(TableforError):
    """A migration file is malformed, was edited after it ran, or failed to apply."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(directory: Path | None = None) -> list[Migration]:
    directory = directory or resource_dir("migrations")
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_words.sql")
        migrations.append(Migration(match.group(1), path.name, path.read_text("utf-8")))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a version number")
    return migrations


async def migrate(url: str, migrations: list[Migration] | None = None) -> list[str]:
    """Apply what is missing; returns the names applied (empty on a re-run)."""
    migrations = load_migrations() if migrations is None else migrations
    # A session lock, held across the per-migration transactions below, makes a second
    # migrator wait and then find nothing left to do.
    async with (
        translated_errors(),
        await psycopg.AsyncConnection.connect(url, autocommit=True) as conn,
        locks.session_lock(conn, locks.MIGRATIONS),
    ):
        await conn.execute(_CREATE_LEDGER)
        applied = await _applied(conn)
        return [m.name for m in migrations if await _apply_one(conn, m, applied)]


async def _applied(conn: psycopg.AsyncConnection[tuple[str, str]]) -> dict[str, str]:
    cursor = await conn.execute("SELECT version, checksum FROM schema_migrations")
    return dict(await cursor.fetchall())


async def _apply_one(
    conn: psycopg.AsyncConnection[tuple[str, str]], migration: Migration, applied: dict[str, str]
) -> bool:
    if migration.version in applied:
        if applied[migration.version] != migration.checksum:
            raise MigrationError(
                f"{migration.name} changed after it was applied; add a new migration instead"
            )
        return False
    try:
        async with conn.transaction():
            await conn.execute(migration.sql.encode())
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
    except psycopg.Error as error:
        raise MigrationError(f"{migration.name} failed: {error}") from error
    return True
