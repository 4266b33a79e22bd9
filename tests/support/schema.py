"""The schema the migrations produce, as pg_dump prints it, compared with core/db/schema.sql.

The committed file is the schema at a glance, for reviewers; the test keeps it true. After a new
migration, regenerate it with `make schema`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import subprocess
import uuid
from pathlib import Path

import psycopg

from core.db.migrate import migrate
from tablefor.services import resolved_environment

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "core" / "db" / "schema.sql"
# pgserver's own pg_dump (PostgreSQL 16): the same tool wherever the tests run, and able to
# dump the older servers too.
# (Found without importing pgserver, which warns about XDG_RUNTIME_DIR on import.)
_PGSERVER = importlib.util.find_spec("pgserver")
assert _PGSERVER is not None and _PGSERVER.submodule_search_locations
PG_DUMP = Path(_PGSERVER.submodule_search_locations[0]) / "pginstall" / "bin" / "pg_dump"
_NOISE = ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict")
# Some server builds store a per-database attribute option (pg_attver) that pg_dump prints;
# it says nothing about the schema and differs between databases.


def dump(url: str) -> str:
    """The database's schema without owners, privileges, settings or comments."""
    completed = subprocess.run(
        [str(PG_DUMP), "--schema-only", "--no-owner", "--no-privileges", "--dbname", url],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [
        line
        for line in completed.stdout.splitlines()
        if not line.startswith(_NOISE) and "SET (pg_attver=" not in line
    ]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def migrated_schema(server_url: str) -> str:
    """Migrate a new, empty database on the server, dump it, drop it."""
    name = f"tablefor_schema_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        url = psycopg.conninfo.make_conninfo(server_url, dbname=name)
        asyncio.run(migrate(url))
        return dump(url)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--write", action="store_true", help=f"rewrite {SCHEMA_FILE.name}")
    args = options.parse_args()
    environ = {**os.environ, "TABLEFOR_DATA_DIR": str(ROOT / "var" / "test")}
    with resolved_environment(environ) as resolved:
        schema = migrated_schema(resolved["DATABASE_URL"])
    if args.write:
        SCHEMA_FILE.write_text(schema)
        print(f"wrote {SCHEMA_FILE.relative_to(ROOT)}")
    else:
        print(schema, end="")


if __name__ == "__main__":
    main()
