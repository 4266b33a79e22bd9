"""/api/metrics: Prometheus figures counted where each fact is owned, for the allow-list only;
and each invite's stats (opens, answers, conversion) in the creator API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from core.db import opens
from core.db.pool import single_connection
from core.settings import Settings
from tests.conftest import api_client
from tests.support.metrics import value

# Within the two years ahead an invite may be (api/invite_actions.py).
NEXT_YEAR = datetime.now(UTC).year + 1

WHEN = (datetime.now(UTC) + timedelta(days=4)).isoformat()
PASTED = (
    "Booking confirmed at Toit, Indiranagar, Bangalore on "
    f"12 Dec {NEXT_YEAR}, 08:00 PM for 4 guests"
)


async def figures(settings: Settings) -> str:
    async with api_client(settings, client_ip="127.0.0.1") as local:
        response = await local.get("/api/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_metrics_answer_loopback_and_refuse_everyone_else(settings: Settings) -> None:
    async with api_client(settings, client_ip="198.51.100.7") as stranger:
        refused = await stranger.get("/api/metrics")
    async with api_client(settings, client_ip="127.0.0.1") as edge:
        forwarded = await edge.get("/api/metrics", headers={"X-Forwarded-For": "203.0.113.5"})
        local = await edge.get("/api/metrics")

    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "TABLEFOR_METRICS_ALLOW" in refused.json()["detail"]
    assert forwarded.status_code == 403  # the edge passes on the real client: not one of ours
    assert local.status_code == 200 and "tablefor_creates_total" in local.text


async def test_the_allow_list_is_configurable(env: dict[str, str]) -> None:
    settings = Settings.from_env({**env, "TABLEFOR_METRICS_ALLOW": "198.51.100.0/24"})
    async with api_client(settings, client_ip="198.51.100.7") as monitoring:
        allowed = await monitoring.get("/api/metrics")
    async with api_client(settings, client_ip="127.0.0.1") as local:
        refused = await local.get("/api/metrics")
    assert (allowed.status_code, refused.status_code) == (200, 403)


async def test_creates_parses_and_answers_are_counted(
    api: httpx.AsyncClient, auth: dict[str, str], settings: Settings
) -> None:
    before = await figures(settings)

    made = await api.post("/api/invites", json={"text": PASTED}, headers=auth)
    await api.post(
        "/api/invites", json={"restaurant_name": "Toit", "starts_at": WHEN}, headers=auth
    )
    await api.post("/api/invites", json={"title": "nothing else"}, headers=auth)
    await api.post("/api/parse", json={"text": "dinner sometime"})
    slug = made.json()["slug"]
    for answer, name in (("IN", "Meera"), ("IN", "Vikas"), ("OUT", "Dev")):
        await api.post(f"/api/invites/{slug}/rsvp", json={"response": answer, "name": name})

    after = await figures(settings)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("tablefor_creates_total", outcome="created") == 2
    assert delta("tablefor_creates_total", outcome="invalid") == 1
    assert delta("tablefor_parse_total", outcome="complete") == 1
    assert delta("tablefor_parse_total", outcome="incomplete") == 1
    assert delta("tablefor_rsvps_total", answer="IN") == 2
    assert delta("tablefor_rsvps_total", answer="OUT") == 1


async def test_the_request_histogram_is_by_route_never_by_slug(
    api: httpx.AsyncClient, auth: dict[str, str], settings: Settings
) -> None:
    made = await api.post(
        "/api/invites", json={"restaurant_name": "Toit", "starts_at": WHEN}, headers=auth
    )
    slug = made.json()["slug"]
    await api.get(f"/api/invites/{slug}", headers=auth)

    text = await figures(settings)

    assert value(text, "tablefor_http_request_duration_seconds_count", path="/api/invites") >= 1
    route = "/api/invites/{slug}"
    assert value(text, "tablefor_http_requests_total", path=route, method="GET") >= 1
    assert slug not in text


async def test_an_invite_shows_its_opens_answers_and_conversion(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    made = await api.post(
        "/api/invites", json={"restaurant_name": "Toit", "starts_at": WHEN}, headers=auth
    )
    slug = made.json()["slug"]
    assert made.json()["stats"] == {
        "opens": 0,
        "unique_opens": 0,
        "answers": {"IN": 0, "MAYBE": 0, "OUT": 0},
        "conversion": 0.0,
    }
    for answer, name in (("IN", "Meera"), ("MAYBE", "Vikas")):
        await api.post(f"/api/invites/{slug}/rsvp", json={"response": answer, "name": name})
    today = datetime.now(UTC).date()
    viewers = {(slug, today, bytes([n]) * 8) for n in range(3)}
    async with single_connection(database_url) as conn:
        await opens.record_batch(conn, name="t", lines=7, opens={(slug, today): 7}, viewers=viewers)

    one = (await api.get(f"/api/invites/{slug}", headers=auth)).json()["stats"]
    listed = (await api.get("/api/invites", headers=auth)).json()["items"][0]["stats"]
    edited = await api.patch(f"/api/invites/{slug}", json={"title": "New"}, headers=auth)

    expected = {
        "opens": 7,
        "unique_opens": 3,
        "answers": {"IN": 1, "MAYBE": 1, "OUT": 0},
        "conversion": 0.6667,
    }
    assert one == listed == edited.json()["stats"] == expected
