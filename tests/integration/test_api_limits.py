"""Rate limits: exact across API processes, per IP and per creator, with the right headers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from core.settings import Settings
from tests.conftest import api_client

WHEN = (datetime.now(UTC) + timedelta(days=5)).isoformat()
BODY = {"restaurant_name": "Toit", "starts_at": WHEN}


def with_limits(env: dict[str, str], **limits: int) -> Settings:
    return Settings.from_env({**env, **{f"TABLEFOR_LIMIT_{k}": str(v) for k, v in limits.items()}})


async def test_create_beyond_the_ip_limit_is_429_with_retry_after(
    env: dict[str, str], auth: dict[str, str]
) -> None:
    async with api_client(with_limits(env, CREATE_PER_IP=3)) as api:
        responses = [await api.post("/api/invites", json=BODY, headers=auth) for _ in range(4)]

    assert [r.status_code for r in responses] == [201, 201, 201, 429]
    assert [r.headers["ratelimit-remaining"] for r in responses[:3]] == ["2", "1", "0"]
    refused = responses[3]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-limit"] == "3"
    assert refused.headers["ratelimit-policy"] == "3;w=60"


async def test_limits_are_exact_across_several_api_processes(
    env: dict[str, str], auth: dict[str, str]
) -> None:
    """Three app instances (as three server workers) share one budget of 10."""
    settings = with_limits(env, PARSE_PER_IP=10)
    async with api_client(settings) as a, api_client(settings) as b, api_client(settings) as c:
        responses = await asyncio.gather(
            *(client.post("/api/parse", json={"text": "dinner at 8"}) for client in (a, b, c) * 10)
        )
    assert sorted(r.status_code for r in responses) == [200] * 10 + [429] * 20


async def test_creator_limit_applies_whatever_the_ip(
    env: dict[str, str], auth: dict[str, str]
) -> None:
    settings = with_limits(env, CREATE_PER_CREATOR=2)
    statuses = []
    for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        async with api_client(settings, client_ip=ip) as api:
            statuses.append((await api.post("/api/invites", json=BODY, headers=auth)).status_code)
    assert statuses == [201, 201, 429]


async def test_edits_and_cancels_have_budgets_of_their_own(
    env: dict[str, str], auth: dict[str, str]
) -> None:
    settings = with_limits(env, EDIT_PER_CREATOR=2, CANCEL_PER_IP=1)
    async with api_client(settings) as api:
        slugs = [(await api.post("/api/invites", json=BODY, headers=auth)).json()["slug"]]
        slugs.append((await api.post("/api/invites", json=BODY, headers=auth)).json()["slug"])
        edits = [
            await api.patch(f"/api/invites/{slugs[0]}", json={"title": f"T{n}"}, headers=auth)
            for n in range(3)
        ]
        cancels = [await api.delete(f"/api/invites/{slug}", headers=auth) for slug in slugs]
        purge = await api.delete(f"/api/invites/{slugs[1]}", params={"purge": "true"}, headers=auth)

    assert [r.status_code for r in edits] == [200, 200, 429]
    assert edits[2].headers["ratelimit-policy"] == "2;w=3600"
    assert [r.status_code for r in cancels] == [200, 429]
    assert purge.status_code == 429  # a delete spends the same budget


async def test_forwarded_for_counts_only_from_a_trusted_proxy(env: dict[str, str]) -> None:
    settings = with_limits(env, PARSE_PER_IP=1)
    body = {"text": "x"}
    # From the edge (trusted): each forwarded client has its own budget.
    async with api_client(settings, client_ip="127.0.0.1") as edge:
        first = await edge.post("/api/parse", json=body, headers={"X-Forwarded-For": "192.0.2.1"})
        second = await edge.post("/api/parse", json=body, headers={"X-Forwarded-For": "192.0.2.2"})
    # From anywhere else: the header is ignored, so spoofing it gains nothing.
    async with api_client(settings, client_ip="198.51.100.99") as stranger:
        spoof1 = await stranger.post(
            "/api/parse", json=body, headers={"X-Forwarded-For": "1.1.1.1"}
        )
        spoof2 = await stranger.post(
            "/api/parse", json=body, headers={"X-Forwarded-For": "2.2.2.2"}
        )
    assert (first.status_code, second.status_code) == (200, 200)
    assert (spoof1.status_code, spoof2.status_code) == (200, 429)


async def test_rsvp_is_limited_per_ip(env: dict[str, str], auth: dict[str, str]) -> None:
    settings = with_limits(env, RSVP_PER_IP=2)
    async with api_client(settings) as api:
        slug = (await api.post("/api/invites", json=BODY, headers=auth)).json()["slug"]
        statuses = [
            (
                await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": n})
            ).status_code
            for n in ("A", "B", "C")
        ]
    assert statuses == [200, 200, 429]


async def test_successful_responses_carry_ratelimit_headers(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/parse", json={"text": "table for 2 tomorrow 8pm"})
    assert response.status_code == 200
    assert int(response.headers["ratelimit-remaining"]) >= 0
    assert "ratelimit-reset" in response.headers


async def test_rsvp_is_limited_per_invite_whatever_the_address(
    env: dict[str, str], auth: dict[str, str]
) -> None:
    """Answers from many addresses to one invite still meet one budget; other invites are not
    touched by it."""
    settings = with_limits(env, RSVP_PER_INVITE=3)
    async with api_client(settings) as api:
        slug = (await api.post("/api/invites", json=BODY, headers=auth)).json()["slug"]
        other = (await api.post("/api/invites", json=BODY, headers=auth)).json()["slug"]
    statuses = []
    for n in range(4):
        async with api_client(settings, client_ip=f"203.0.113.{n + 10}") as client:
            answer = {"response": "IN", "name": f"P{n}"}
            response = await client.post(f"/api/invites/{slug}/rsvp", json=answer)
            statuses.append(response.status_code)
    async with api_client(settings, client_ip="203.0.113.99") as client:
        elsewhere = await client.post(f"/api/invites/{other}/rsvp", json=answer)
    assert statuses == [200, 200, 200, 429]
    assert "for this invite" in response.json()["detail"]
    assert response.headers["retry-after"]
    assert elsewhere.status_code == 200


async def test_an_ipv6_client_is_its_64(env: dict[str, str], auth: dict[str, str]) -> None:
    """A /64 is one client (one home, one phone): new addresses in it get no new budget."""
    settings = with_limits(env, RSVP_PER_IP=2)
    async with api_client(settings) as api:
        slug = (await api.post("/api/invites", json=BODY, headers=auth)).json()["slug"]
    statuses = []
    for address in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff:ffff:ffff:ffff"):
        async with api_client(settings, client_ip=address) as client:
            answer = {"response": "IN", "name": "P"}
            statuses.append(
                (await client.post(f"/api/invites/{slug}/rsvp", json=answer)).status_code
            )
    async with api_client(settings, client_ip="2001:db8:1:3::1") as neighbour:
        next_door = await neighbour.post(f"/api/invites/{slug}/rsvp", json=answer)
    assert statuses == [200, 200, 429]
    assert next_door.status_code == 200
