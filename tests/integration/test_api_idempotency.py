"""Idempotency-Key on create: replay, mismatch, in-flight, scope, and a 50-way race."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import psycopg

from core.creators import add_creator

WHEN = (datetime.now(UTC) + timedelta(days=5)).replace(microsecond=0).isoformat()
BODY = {"restaurant_name": "Toit", "starts_at": WHEN, "party_size": 4}


def invite_count(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM invites").fetchone()
    assert row is not None
    return int(row[0])


async def test_same_key_same_body_replays_the_first_response(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    headers = {**auth, "Idempotency-Key": "order-7781"}
    first = await api.post("/api/invites", json=BODY, headers=headers)
    second = await api.post("/api/invites", json=BODY, headers=headers)

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["idempotent-replayed"] == "true"
    assert invite_count(database_url) == 1


async def test_same_key_other_body_is_422(api: httpx.AsyncClient, auth: dict[str, str]) -> None:
    headers = {**auth, "Idempotency-Key": '"abc-1"'}
    await api.post("/api/invites", json=BODY, headers=headers)
    other = await api.post("/api/invites", json={**BODY, "party_size": 5}, headers=headers)
    assert other.status_code == 422
    assert "different request body" in other.json()["detail"]


async def test_keys_are_scoped_to_the_creator(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    _, _, other = await add_creator(database_url, "ravi@example.com", None)
    key = {"Idempotency-Key": "shared-key"}
    mine = await api.post("/api/invites", json=BODY, headers={**auth, **key})
    theirs = await api.post(
        "/api/invites", json=BODY, headers={"Authorization": f"Bearer {other}", **key}
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["slug"] != theirs.json()["slug"]


async def test_a_failed_first_attempt_does_not_burn_the_key(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    headers = {**auth, "Idempotency-Key": "retry-me"}
    bad = await api.post("/api/invites", json={"restaurant_name": "Toit"}, headers=headers)
    good = await api.post("/api/invites", json={"restaurant_name": "Toit"}, headers=headers)
    assert bad.status_code == good.status_code == 422  # same body, still not stored


async def test_malformed_key_is_refused(api: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await api.post(
        "/api/invites", json=BODY, headers={**auth, "Idempotency-Key": "bad key with spaces"}
    )
    assert response.status_code == 422


async def test_fifty_concurrent_creates_with_one_key_make_exactly_one_invite(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    headers = {**auth, "Idempotency-Key": "stampede"}

    responses = await asyncio.gather(
        *(api.post("/api/invites", json=BODY, headers=headers) for _ in range(50))
    )

    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}, statuses
    created = {r.json()["slug"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    assert invite_count(database_url) == 1
    in_flight = [r for r in responses if r.status_code == 409]
    assert all(r.headers["retry-after"] == "1" for r in in_flight)
