"""The `tablefor` command as a person runs it: a subprocess, its output and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import ServiceUrls, database_url_for

SAMPLE = (
    "Hey! I have made a booking on 12 Dec 2026, 07:30 PM for 9 guest(s) at The Happy Yard, "
    "Jubilee Hills, Hyderabad with offer Flat 20% Off on Total Bill. Checkout the restaurant "
    "details here: https://swiggy.onelink.me/BVRZ?af_dp=swiggydiners%3A%2F%2Fdetails%2F1084072"
    "%3Fsource%3Dsharing"
)


def tablefor(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tablefor", *args],
        input=stdin,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_parse_reads_standard_input_and_prints_the_fields() -> None:
    result = tablefor("parse", "-", "--now", "2026-11-24T12:00:00+05:30", stdin=SAMPLE)

    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert parsed["restaurant_name"] == "The Happy Yard"
    assert parsed["swiggy_restaurant_id"] == "1084072"
    assert parsed["starts_at"] == "2026-12-12T19:30:00+05:30"
    assert parsed["party_size"] == 9


def test_production_will_not_start_with_the_placeholder_nominatim_contact() -> None:
    result = tablefor(
        "migrate",
        env={"TABLEFOR_ENVIRONMENT": "production", "NOMINATIM_USER_AGENT": ""},
    )

    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("tablefor: configuration error: NOMINATIM_USER_AGENT: in production")


def test_parse_reads_a_file_and_honours_the_zone(tmp_path: Path) -> None:
    booking = tmp_path / "booking.txt"
    booking.write_text("Table for 2 tomorrow 8:30 pm at Cervejaria Ramiro, Lisbon")
    result = tablefor(
        "parse", str(booking), "--now", "2026-11-24T12:00:00+00:00", "--tz", "Europe/Lisbon"
    )
    assert json.loads(result.stdout)["starts_at"] == "2026-11-25T20:30:00+00:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("parse", "-", "--tz", "Mars/Base"), "unknown time zone"),
        (("parse", "-", "--now", "yesterday"), "is not ISO 8601"),
        (("parse", "/no/such/file"), "No such file"),
    ],
)
def test_parse_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    result = tablefor(*args, stdin="")
    assert result.returncode == 2
    assert message in result.stderr


def test_a_bad_setting_stops_a_command_with_one_line() -> None:
    result = tablefor("migrate", env={"DATABASE_URL": "sqlite:///x.db"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "tablefor: configuration error: DATABASE_URL: expected a postgresql/postgres URL, got 'sqlite:///x.db'"
    ]


def test_creators_add_prints_a_token_once_and_stores_its_hash(
    env: dict[str, str], database_url: str
) -> None:
    result = tablefor("creators", "add", "Meera@Example.com", "--name", "Meera", env=env)

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.startswith("tf_") and len(token) > 40
    assert "meera@example.com" in result.stderr
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT token_hash FROM api_tokens").fetchall()
    assert len(stored) == 1
    assert token.encode() not in bytes(stored[0][0])
    bad = tablefor("creators", "add", "not-an-email", env=env)
    assert bad.returncode == 1
    assert "is not an e-mail address" in bad.stderr


def test_status_reports_the_backlog_as_json(env: dict[str, str]) -> None:
    result = tablefor("status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["waiting_to_publish"] == 0
    assert report["dead_letters"] == 0
    assert (report["failed_to_publish"], report["removals_owed"]) == (0, 0)


@pytest.fixture
def empty_database(urls: ServiceUrls) -> Iterator[str]:
    """A database nobody has migrated."""
    name = f"tablefor_empty_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(urls.database, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        yield database_url_for(urls.database, name)
    finally:
        with psycopg.connect(urls.database, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("dlq", "list"),
        ("purge", "AbCdEfGhIjKlMn"),
        ("render", "--all"),
        ("invites", "delete", "AbCdEfGhIjKlMn"),
    ],
)
def test_an_unmigrated_database_is_one_line_and_exit_1(
    env: dict[str, str], empty_database: str, args: tuple[str, ...]
) -> None:
    result = tablefor(*args, env={**env, "DATABASE_URL": empty_database})
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        "tablefor: the database has no Tablefor tables; run `tablefor migrate`"
    ]


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("dlq", "list"),
        ("migrate",),
        ("render", "--all"),
        ("invites", "delete", "AbCdEfGhIjKlMn"),
    ],
)
def test_a_database_outage_is_one_line_and_exit_1(
    env: dict[str, str], args: tuple[str, ...]
) -> None:
    unreachable = "postgresql://postgres@127.0.0.1:9/tablefor"  # nothing listens on port 9
    result = tablefor(*args, env={**env, "DATABASE_URL": unreachable})
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("tablefor: the database")
