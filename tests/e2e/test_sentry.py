"""Errors reach Sentry (a local ingestion endpoint): an API 500 once, a dead letter once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from cdn.edge import free_port
from core.creators import add_creator
from tests.support.fake_sentry import FakeSentry
from tests.support.processes import TableforProcess, wait_for

pytestmark = pytest.mark.e2e

WHEN = (datetime.now(UTC) + timedelta(days=3)).isoformat()


def test_an_api_error_is_reported_to_sentry_and_hidden_from_the_client(
    env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    _, _, token = asyncio.run(add_creator(database_url, "s@example.com", None))
    port = free_port()
    with FakeSentry() as sentry:
        api_env = {**env, "SENTRY_DSN": sentry.dsn}
        with TableforProcess(["api", "--port", str(port)], api_env, tmp_path / "api.log"):
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: _ready(base), timeout=30)
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute(
                    "ALTER TABLE invites RENAME COLUMN offer TO offer_gone"
                )  # a bad deploy
            response = httpx.post(
                f"{base}/api/invites",
                json={"restaurant_name": "Toit", "starts_at": WHEN},
                headers={"Authorization": f"Bearer {token}"},
            )
            wait_for(lambda: sentry.events, timeout=10, what="a Sentry event")

    assert response.status_code == 500
    assert "offer" not in response.text and "psycopg" not in response.text
    event = sentry.events[0]
    assert event["level"] == "error"
    assert "offer" in str(event)


def test_a_dead_letter_is_one_sentry_event(
    worker_env: dict[str, str], database_url: str, tmp_path: Path, fake_places: object
) -> None:
    from core.settings import Settings
    from tests.conftest import api_client

    fake_places.set_fault("forbidden")  # type: ignore[attr-defined]
    with FakeSentry() as sentry:
        env = {**worker_env, "SENTRY_DSN": sentry.dsn}
        _, _, token = asyncio.run(add_creator(database_url, "s@example.com", None))

        async def create() -> None:
            async with api_client(Settings.from_env(worker_env)) as api:
                await api.post(
                    "/api/invites",
                    json={"restaurant_name": "Toit", "starts_at": WHEN},
                    headers={"Authorization": f"Bearer {token}"},
                )

        with TableforProcess(["worker"], env, tmp_path / "worker.log"):
            asyncio.run(create())
            wait_for(lambda: sentry.events, timeout=30, what="a Sentry event")

    messages = [e.get("message") or e.get("logentry", {}).get("message") for e in sentry.events]
    assert messages.count("dead letter: enrich") == 1
    assert sentry.events[0]["tags"]["task"] == "enrich"


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
