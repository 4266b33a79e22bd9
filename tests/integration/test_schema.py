"""The migrations produce exactly the committed schema (core/db/schema.sql)."""

from __future__ import annotations

from tests.conftest import ServiceUrls
from tests.support.schema import SCHEMA_FILE, migrated_schema


def test_the_migrations_produce_the_committed_schema(urls: ServiceUrls) -> None:
    produced = migrated_schema(urls.database)
    committed = SCHEMA_FILE.read_text()
    assert produced.splitlines() == committed.splitlines(), (
        "the migrations and core/db/schema.sql disagree: run `make schema` after a new migration"
    )
