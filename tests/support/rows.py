"""Rows written straight into PostgreSQL, bypassing the API: for data the API refuses (a start
time nothing can render) and for debts nobody enqueued (only the sweep can find them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from core.secrets import new_slug

SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=14)
# The calendar file's time zone needs the following year too: year 10000 cannot be rendered.
NEVER_RENDERS = datetime(9999, 12, 31, 14, 30, tzinfo=UTC)  # 20:00 in Kolkata


@dataclass(frozen=True)
class Inserted:
    id: int
    slug: str


def insert_invite(database_url: str, *, starts_at: datetime = SOON) -> Inserted:
    """An active invite of the first creator (made if there is none), owing its first publish
    since a minute ago, with no enrichment owed."""
    slug = new_slug()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO creators (email) VALUES ('rows@example.com') ON CONFLICT DO NOTHING"
        )
        row = conn.execute(
            "INSERT INTO invites (slug, creator_id, source, restaurant_name, starts_at, timezone,"
            " enrich_state, updated_at) "
            "SELECT %s, min(id), 'manual', 'Toit', %s, 'Asia/Kolkata', 'skipped',"
            " now() - interval '1 minute' FROM creators RETURNING id",
            (slug, starts_at),
        ).fetchone()
    assert row is not None
    return Inserted(int(row[0]), slug)


def invite_row(database_url: str, invite_id: int) -> dict[str, Any]:
    with psycopg.connect(database_url) as conn:
        cursor = conn.execute("SELECT * FROM invites WHERE id = %s", (invite_id,))
        names = [column.name for column in cursor.description or []]
        values = cursor.fetchone()
    assert values is not None
    return dict(zip(names, values, strict=True))


def is_published(database_url: str, invite_id: int) -> bool:
    row = invite_row(database_url, invite_id)
    return bool(row["published_version"] >= row["version"])


def open_letters(database_url: str) -> list[dict[str, Any]]:
    with psycopg.connect(database_url) as conn:
        cursor = conn.execute("SELECT * FROM dead_letters WHERE replayed_at IS NULL ORDER BY id")
        names = [column.name for column in cursor.description or []]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
