"""Odd bodies never reach the database: control characters are a 422 naming the field, bodies
that cannot be read (not JSON, nested absurdly deep) a 400 — never a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest

WHEN = (datetime.now(UTC) + timedelta(days=3)).isoformat()
INVITE = {"restaurant_name": "Toit", "starts_at": WHEN}
DEEP = "[" * 30_000 + "]" * 30_000
JSON = {"content-type": "application/json"}


async def make_invite(api: httpx.AsyncClient, auth: dict[str, str]) -> str:
    response = await api.post("/api/invites", json=INVITE, headers=auth)
    assert response.status_code == 201
    slug: str = response.json()["slug"]
    return slug


def assert_refused_naming(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert f"`{field}`" in response.json()["detail"]
    assert "control characters" in response.json()["detail"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Friday\x00drinks"),
        ("title", "Friday\tdrinks"),  # one line: not even a tab
        ("restaurant_name", "To\x00it"),
        ("area", "Indira\x1bnagar"),
        ("city", "Bengaluru\x7f"),
        ("host_name", "Asha\x85"),
        ("offer", "15%\x00 off"),
        ("message", "see you\x00there"),
        ("text", "dinner at To\x00it, Indiranagar tomorrow 8pm"),
    ],
)
async def test_a_control_character_in_any_create_field_is_a_422_naming_it(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str, field: str, value: str
) -> None:
    response = await api.post("/api/invites", json={**INVITE, field: value}, headers=auth)

    assert_refused_naming(response, field)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM invites").fetchone() == (0,)


async def test_multi_line_fields_keep_their_tabs_and_line_breaks(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await api.post(
        "/api/invites",
        json={**INVITE, "message": "Bring:\r\n\t- snacks\n\t- songs"},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    assert response.json()["message"] == "Bring:\n- snacks\n- songs"


async def test_a_control_character_in_an_edit_is_a_422_and_changes_nothing(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    slug = await make_invite(api, auth)

    response = await api.patch(f"/api/invites/{slug}", json={"title": "a\x00b"}, headers=auth)

    assert_refused_naming(response, "title")
    assert (await api.get(f"/api/invites/{slug}", headers=auth)).json()["title"] is None


async def test_a_control_character_in_a_parse_preview_is_a_422(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/parse", json={"text": "dinner\x00 at 8"})
    assert_refused_naming(response, "text")


async def test_a_control_character_in_an_answer_is_a_422_by_json_and_back_to_the_page_by_form(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    slug = await make_invite(api, auth)

    as_json = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "a\x00"})
    as_form = await api.post(
        f"/api/invites/{slug}/rsvp", data={"response": "IN", "name": "Meera\x00"}
    )
    multi = await api.post(
        f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "Meera\nRao"}
    )

    assert_refused_naming(as_json, "name")
    assert_refused_naming(multi, "name")
    assert as_form.status_code == 303
    assert as_form.headers["location"] == f"/i/{slug}#rsvp-error-invalid"
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM rsvps").fetchone() == (0,)


@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        '{"title": ' + DEEP + "}",
        '{"restaurant_name": "Toit", "zz": ' + "[" * 40 + "]" * 40 + "}",
    ],
    ids=["deep", "deep-field", "deep-unknown-field"],
)
@pytest.mark.parametrize("route", ["create", "edit", "parse", "rsvp"])
async def test_a_body_nested_too_deep_is_a_400_on_every_route(
    api: httpx.AsyncClient, auth: dict[str, str], route: str, body: str
) -> None:
    slug = await make_invite(api, auth)
    method, path = {
        "create": ("POST", "/api/invites"),
        "edit": ("PATCH", f"/api/invites/{slug}"),
        "parse": ("POST", "/api/parse"),
        "rsvp": ("POST", f"/api/invites/{slug}/rsvp"),
    }[route]

    response = await api.request(method, path, content=body, headers={**auth, **JSON})

    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "raw",
    [b'{"response": "IN", "name": "\\ud800"}', b'{"response": "IN", "name": "\xff"}', b"{"],
    ids=["lone-surrogate", "not-utf8", "truncated"],
)
async def test_a_body_that_is_not_json_is_a_400(
    api: httpx.AsyncClient, auth: dict[str, str], raw: bytes
) -> None:
    slug = await make_invite(api, auth)
    answer = await api.post(f"/api/invites/{slug}/rsvp", content=raw, headers=JSON)
    create = await api.post("/api/invites", content=raw, headers={**auth, **JSON})
    for response in (answer, create):
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
