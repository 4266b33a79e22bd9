"""Parse preview, health, request ids and logs, OpenAPI docs, unexpected errors."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from api.problems import EXCEPTION_HANDLERS

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
