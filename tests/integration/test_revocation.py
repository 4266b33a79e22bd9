"""Revocation takes effect in every API process within a second, and safely without Redis."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import psycopg

from core import revocation
from core.creators import revoke
from core.settings import Settings
from tests.conftest import api_client
from tests.support.accounts import page_headers, sign_in
from tests.support.processes import eventually


async def _refused_within(client: httpx.AsyncClient, headers: dict[str, str]) -> float:
    started = time.monotonic()
    await eventually(
        lambda: _status(client, headers, 401), timeout=5, interval=0.01, what="the refusal"
    )
    return time.monotonic() - started


async def _status(client: httpx.AsyncClient, headers: dict[str, str], expected: int) -> bool:
    return (await client.get("/api/me", headers=headers)).status_code == expected


async def test_a_token_revoked_in_one_process_is_refused_by_another_within_a_second(
    api: httpx.AsyncClient, auth: dict[str, str], settings: Settings
) -> None:
    made = (await api.post("/api/me/tokens", json={"name": "ci"}, headers=auth)).json()
    bearer = {"Authorization": f"Bearer {made['token']}"}
    async with api_client(settings) as other:
        await eventually(lambda: _status(other, bearer, 200), timeout=5, what="a trusted memory")
        for _ in range(3):  # remembered now: these are answered from memory
            assert (await other.get("/api/me", headers=bearer)).status_code == 200

        assert (await api.delete(f"/api/me/tokens/{made['id']}", headers=auth)).status_code == 204
        elapsed = await _refused_within(other, bearer)

    assert elapsed < 1.0


async def test_a_session_ended_elsewhere_is_refused_by_another_process_within_a_second(
    browser: Any, database_url: str, settings: Settings
) -> None:
    laptop = await browser()
    await sign_in(laptop, database_url, "asha@example.com")
    async with api_client(settings) as other:
        other.cookies.set(
            "tf_session", laptop.cookies["tf_session"], domain="invites.test", path="/api"
        )
        assert (await other.get("/api/me")).status_code == 200

        await laptop.delete("/api/me/sessions", headers=page_headers(laptop))
        elapsed = await _refused_within(other, {})

    assert elapsed < 1.0


async def test_an_operator_revocation_reaches_every_process(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str, settings: Settings
) -> None:
    assert (await api.get("/api/me", headers=auth)).status_code == 200
    revoked = await revoke(database_url, "asha@example.com")
    assert await revocation.announce_to(settings.redis.url, settings.redis.key_prefix)

    elapsed = await _refused_within(api, auth)

    assert revoked.tokens == 1
    assert elapsed < 1.0


async def test_without_redis_every_request_asks_the_database(
    env: dict[str, str], auth: dict[str, str], database_url: str
) -> None:
    env["REDIS_URL"] = "redis://127.0.0.1:9/0"  # nothing listens there
    async with api_client(Settings.from_env(env)) as api:
        assert (await api.get("/api/me", headers=auth)).status_code == 200
        assert (await api.get("/api/me", headers=auth)).status_code == 200
        # Revoked behind the API's back, with no announcement at all:
        with psycopg.connect(database_url) as conn:
            conn.execute("UPDATE api_tokens SET revoked_at = now()")
        response = await api.get("/api/me", headers=auth)

    assert response.status_code == 401


async def test_the_epoch_is_watched_only_while_the_api_runs(settings: Settings) -> None:
    async with api_client(settings) as api:
        await asyncio.sleep(0)
        assert (await api.get("/api/healthz")).status_code == 200
    # Leaving the block stopped the watcher: no task of the app is left running.
    leftovers = [t for t in asyncio.all_tasks() if "watch_revocations" in repr(t)]
    assert leftovers == []
