"""Parse preview, health, request ids and logs, OpenAPI docs, unexpected errors."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from api.problems import EXCEPTION_HANDLERS
from core.settings import Settings
from tests.conftest import api_client

# A booking date within the two years ahead an invite may be (api/invite_actions.py).
NEXT_YEAR = datetime.now(UTC).year + 1

SOON = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()


async def test_parse_preview_returns_the_contract_fields(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/parse",
        json={
            "text": "Table for 4 tomorrow 8:30 pm https://www.swiggy.com/restaurants/"
            "pal-dhaba-sector-28-phase-2-chandigarh-606241/dineout",
            "now": "2026-11-24T12:00:00+05:30",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["swiggy_restaurant_id"] == "606241"
    assert body["starts_at"] == "2026-11-25T20:30:00+05:30"
    assert body["party_size"] == 4
    assert set(body) >= {
        "source", "restaurant_name", "area", "city", "swiggy_restaurant_id", "starts_at",
        "party_size", "booking_id", "offer", "warnings",
    }  # fmt: skip


async def test_long_hostile_pastes_are_parsed_alongside_other_requests(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    """Long texts are parsed in a worker thread (api/parsing.py): same answers, no 5xx."""
    booking = f"Table for 4 at Toit, Indiranagar, Bengaluru on 12 Dec {NEXT_YEAR} at 8 PM."
    hostile = booking + " " + ".co/" * 4900  # ~250 ms of the event loop once; linear now
    parses = [api.post("/api/parse", json={"text": hostile}) for _ in range(4)]
    create = api.post("/api/invites", json={"text": hostile, "title": "Long"}, headers=auth)

    *parsed, created, health = await asyncio.gather(*parses, create, api.get("/api/healthz"))

    assert [r.status_code for r in parsed] == [200] * 4
    assert {(r.json()["restaurant_name"], r.json()["party_size"]) for r in parsed} == {("Toit", 4)}
    assert created.status_code == 201, created.text
    assert created.json()["restaurant"]["name"] == "Toit"
    assert health.status_code == 200


async def test_parse_of_nothing_names_what_is_missing(api: httpx.AsyncClient) -> None:
    body = (await api.post("/api/parse", json={"text": ""})).json()
    assert body["restaurant_name"] is None and body["starts_at"] is None
    assert body["warnings"]


async def test_health_and_readiness(api: httpx.AsyncClient) -> None:
    assert (await api.get("/api/healthz")).json() == {"status": "ok", "checks": {}}
    ready = await api.get("/api/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"postgresql": "ok", "redis": "ok"}


async def test_request_id_is_echoed_or_made_and_logged_as_json(
    api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tablefor.request")
    given = await api.get("/api/healthz", headers={"X-Request-ID": "abc-123"})
    made = await api.get("/api/nowhere")

    assert given.headers["x-request-id"] == "abc-123"
    assert len(made.headers["x-request-id"]) == 16
    assert made.status_code == 404
    assert made.headers["content-type"] == "application/problem+json"
    records = [r for r in caplog.records if r.name == "tablefor.request"]
    assert records[0].request_id == "abc-123"  # type: ignore[attr-defined]
    assert records[0].endpoint == "/api/healthz"  # type: ignore[attr-defined]
    assert records[1].status == 404  # type: ignore[attr-defined]

    from core.logs import JsonFormatter

    line = json.loads(JsonFormatter().format(records[0]))
    assert {"request_id", "endpoint", "status", "latency_ms", "method"} <= set(line)


async def test_invite_id_is_in_the_request_log(
    api: httpx.AsyncClient, auth: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tablefor.request")
    await api.post(
        "/api/invites",
        json={"restaurant_name": "Toit", "starts_at": SOON},
        headers=auth,
    )
    record = next(r for r in caplog.records if r.name == "tablefor.request")
    assert isinstance(record.invite_id, int)  # type: ignore[attr-defined]


async def test_openapi_schema_and_docs_are_served_from_our_origin(api: httpx.AsyncClient) -> None:
    schema = await api.get("/api/schema/openapi.json")
    docs = await api.get("/api/schema/rapidoc")
    script = await api.get("/api/schema/assets/rapidoc-min.js")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/invites", "/api/invites/{slug}", "/api/invites/{slug}/rsvp", "/api/parse"} <= set(
        paths
    )
    rsvp_body = paths["/api/invites/{slug}/rsvp"]["post"]["requestBody"]["content"]
    assert set(rsvp_body) == {"application/json", "application/x-www-form-urlencoded"}
    assert docs.status_code == 200
    assert 'src="/api/schema/assets/rapidoc-min.js"' in docs.text
    assert "unpkg.com" not in docs.text
    assert script.status_code == 200 and len(script.content) > 100_000


async def test_every_api_response_is_no_store_errors_and_429s_included(
    env: dict[str, str], auth: dict[str, str]
) -> None:
    """Answers are private to their caller (a creator's list, a guest's key): no cache on the
    way may keep one. Only the docs page's vendored script is cacheable."""
    settings = Settings.from_env({**env, "TABLEFOR_LIMIT_PARSE_PER_IP": "1"})
    invite = {"restaurant_name": "Toit", "starts_at": f"{NEXT_YEAR}-01-01T20:00:00+05:30"}
    async with api_client(settings) as api:
        created = await api.post("/api/invites", json=invite, headers=auth)
        slug = created.json()["slug"]
        responses = [
            created,
            await api.get("/api/invites", headers=auth),
            await api.get(f"/api/invites/{slug}", headers=auth),
            await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "Dev"}),
            await api.post(f"/api/invites/{slug}/rsvp", data={"response": "IN", "name": "Dev"}),
            await api.get("/api/invites"),  # 401
            await api.get("/api/invites/AAAAAAAAAAAAAA", headers=auth),  # 404
            await api.get("/api/nowhere"),  # 404 of no route
            await api.put("/api/parse", json={}),  # 405
            await api.post("/api/invites", json={"party_size": 0}, headers=auth),  # 400
            await api.post("/api/invites", json={}, headers=auth),  # 422
            await api.post("/api/invites", content=b"x" * 70_000, headers=auth),  # 413
            await api.post("/api/parse", json={"text": "dinner at 8"}),
            await api.post("/api/parse", json={"text": "dinner at 8"}),  # 429
            await api.get("/api/healthz"),
            await api.get("/api/schema/openapi.json"),
        ]
        script = await api.get("/api/schema/assets/rapidoc-min.js")

    statuses = [r.status_code for r in responses]
    expected = [201, 200, 200, 200, 303, 401, 404, 404, 405, 400, 422, 413, 200, 429, 200, 200]
    assert statuses == expected
    for response in responses:
        assert response.headers["cache-control"] == "no-store", response.request.url
    assert "max-age=86400" in script.headers["cache-control"]


async def test_an_unexpected_error_is_a_500_that_leaks_nothing() -> None:
    @get("/boom")
    async def boom() -> None:
        raise RuntimeError("password=hunter2 at /srv/secret.py line 42")

    app = Litestar([boom], exception_handlers=EXCEPTION_HANDLERS)  # type: ignore[arg-type]
    async with AsyncTestClient(app) as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "hunter2" not in response.text and "secret.py" not in response.text
    assert response.json()["detail"].startswith("Something went wrong")
