"""Migrations: applied in order, once, safely from several migrators at once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from core.db.migrate import MigrationError, load_migrations, migrate
from tests.conftest import ServiceUrls, _admin, database_url_for


@pytest.fixture
def empty_database(urls: ServiceUrls) -> Iterator[str]:
    name = f"tablefor_m_{uuid.uuid4().hex[:12]}"
    _admin(urls, f'CREATE DATABASE "{name}"')
    yield database_url_for(urls.database, name)
    _admin(urls, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return {row[0] for row in rows}


async def test_migrate_creates_the_schema_and_records_each_migration(empty_database: str) -> None:
    applied = await migrate(empty_database)

    assert applied == [m.name for m in load_migrations()]
    assert {"creators", "api_tokens", "restaurants", "invites", "rsvps", "dead_letters"} <= tables(
        empty_database
    )
    with psycopg.connect(empty_database) as conn:
        recorded = conn.execute("SELECT name FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in recorded] == applied


async def test_a_second_run_is_a_no_op(empty_database: str) -> None:
    await migrate(empty_database)
    assert await migrate(empty_database) == []


async def test_concurrent_migrators_apply_each_migration_once(empty_database: str) -> None:
    results = await asyncio.gather(*(migrate(empty_database) for _ in range(5)))

    assert sorted(len(r) for r in results) == [0, 0, 0, 0, len(load_migrations())]
    with psycopg.connect(empty_database) as conn:
        count = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert count == (len(load_migrations()),)


async def test_a_failing_migration_rolls_back_entirely(empty_database: str, tmp_path: Path) -> None:
    (tmp_path / "0001_good.sql").write_text("CREATE TABLE good (id int);")
    (tmp_path / "0002_bad.sql").write_text(
        "CREATE TABLE half (id int); SELECT nonsense FROM nowhere;"
    )

    with pytest.raises(MigrationError, match=r"0002_bad\.sql failed"):
        await migrate(empty_database, load_migrations(tmp_path))

    assert "good" in tables(empty_database)
    assert "half" not in tables(empty_database)  # the failed file left nothing behind


async def test_an_edited_migration_is_refused(empty_database: str, tmp_path: Path) -> None:
    (tmp_path / "0001_one.sql").write_text("CREATE TABLE one (id int);")
    await migrate(empty_database, load_migrations(tmp_path))
    (tmp_path / "0001_one.sql").write_text("CREATE TABLE one (id bigint);")

    with pytest.raises(MigrationError, match="changed after it was applied"):
        await migrate(empty_database, load_migrations(tmp_path))


def test_badly_named_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "first.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"NNNN_words\.sql"):
        load_migrations(tmp_path)


async def test_0011_looks_again_where_a_swiggy_id_picked_the_shared_restaurant(
    empty_database: str,
) -> None:
    await migrate(empty_database, [m for m in load_migrations() if m.version < "0011"])
    with psycopg.connect(empty_database) as conn:
        creator = conn.execute(
            "INSERT INTO creators (email) VALUES ('a@example.com') RETURNING id"
        ).fetchone()
        shared, typed_only = [
            conn.execute(
                "INSERT INTO restaurants (swiggy_id, place_ref, lookup_key, name, address) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                values,
            ).fetchone()
            for values in (
                ("1271281", "google:farzi", "farzi cafe||", "Farzi Cafe", "Road No. 45"),
                (None, None, "nowhere||", "Nowhere", None),
            )
        ]
        insert = (
            "INSERT INTO invites (slug, creator_id, source, restaurant_name, swiggy_restaurant_id,"
            " starts_at, timezone, restaurant_id, enrich_state)"
            " VALUES (%s, %s, 'manual', %s, %s, now() + interval '9 days', 'Asia/Kolkata', %s,"
            " 'done')"
        )
        assert creator and shared and typed_only
        conn.execute(insert, ("victimSlug0001", creator[0], "Toit", "1271281", shared[0]))
        conn.execute(insert, ("ownNameSlug001", creator[0], "Farzi Cafe", None, shared[0]))
        conn.execute(insert, ("typedOnlySlug1", creator[0], "Nowhere", None, typed_only[0]))

    await migrate(empty_database)

    with psycopg.connect(empty_database) as conn:
        rows = conn.execute(
            "SELECT slug, enrich_state, restaurant_id IS NOT NULL FROM invites"
        ).fetchall()
        names = conn.execute("SELECT place_ref, name FROM restaurants").fetchall()
    assert {slug: (state, linked) for slug, state, linked in rows} == {
        "victimSlug0001": ("pending", True),  # found through the id: looked up again
        "ownNameSlug001": ("done", True),
        "typedOnlySlug1": ("done", False),  # its row held nothing a provider said
    }
    assert names == [("google:farzi", "Farzi Cafe")]
