"""A creator's own account (`/api/me`) and API tokens (`/api/me/tokens`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest

from core.creators import add_creator
from tests.support.accounts import page_headers, set_cookies, sign_in
from tests.support.dates import NEXT_YEAR

NEW_INVITE = {"restaurant_name": "Toit", "starts_at": f"{NEXT_YEAR}-12-12T19:30:00+05:30"}


async def test_me_says_who_and_how(api: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await api.get("/api/me", headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "email", "display_name", "signed_in_with", "created_at"}
    assert body["email"] == "asha@example.com"
    assert body["display_name"] == "Asha"
    assert body["signed_in_with"] == "token"


async def test_the_display_name_can_be_changed_and_cleared(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    renamed = await api.patch("/api/me", json={"display_name": "  Asha   R  "}, headers=auth)
    cleared = await api.patch("/api/me", json={"display_name": None}, headers=auth)

    assert renamed.status_code == 200
    assert renamed.json()["display_name"] == "Asha R"
    assert cleared.json()["display_name"] is None


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"display_name": "a\x00b"}, 422),  # a control character: named, as in every field
        ({"display_name": "x" * 61}, 400),
        ({"display_name": " "}, 400),
        ({}, 400),
    ],
)
async def test_a_bad_display_name_is_a_clear_problem_not_a_500(
    api: httpx.AsyncClient, auth: dict[str, str], body: dict[str, Any], status: int
) -> None:
    response = await api.patch("/api/me", json=body, headers=auth)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


async def test_tokens_are_shown_once_listed_without_secrets_and_work(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    made = await api.post("/api/me/tokens", json={"name": "Laptop script"}, headers=auth)
    token = made.json()["token"]

    used = await api.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    listed = (await api.get("/api/me/tokens", headers=auth)).json()["items"]

    assert made.status_code == 201
    assert token.startswith("tf_") and made.json()["expires_at"] is None
    assert used.status_code == 200 and used.json()["signed_in_with"] == "token"
    mine = next(item for item in listed if item["id"] == made.json()["id"])
    assert set(mine) == {"id", "name", "created_at", "last_used_at", "expires_at"}
    assert mine["name"] == "Laptop script"
    assert mine["last_used_at"] is not None
    assert token not in str(listed)
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT token_hash FROM api_tokens").fetchall()
    assert all(token.encode() not in bytes(row[0]) for row in stored)


async def test_a_revoked_token_is_refused_at_once(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    made = (await api.post("/api/me/tokens", json={"name": "ci"}, headers=auth)).json()
    bearer = {"Authorization": f"Bearer {made['token']}"}
    assert (await api.get("/api/me", headers=bearer)).status_code == 200  # now remembered

    revoked = await api.delete(f"/api/me/tokens/{made['id']}", headers=auth)
    after = await api.get("/api/me", headers=bearer)

    assert revoked.status_code == 204
    assert after.status_code == 401
    assert after.json()["detail"] == "unknown, expired or revoked token"
    listed = (await api.get("/api/me/tokens", headers=auth)).json()["items"]
    assert made["id"] not in [item["id"] for item in listed]
    again = await api.delete(f"/api/me/tokens/{made['id']}", headers=auth)
    assert again.status_code == 404


async def test_a_token_can_expire(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    made = await api.post(
        "/api/me/tokens", json={"name": "week", "expires_in_days": 7}, headers=auth
    )
    expires = datetime.fromisoformat(made.json()["expires_at"])
    assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = %s",
            (made.json()["id"],),
        )

    # A process that has not seen the token yet asks PostgreSQL, which says it has expired.
    response = await api.get("/api/me", headers={"Authorization": f"Bearer {made.json()['token']}"})

    assert response.status_code == 401


async def test_another_creators_token_cannot_be_revoked(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    _, _, ravis_token = await add_creator(database_url, "ravi@example.com", "Ravi")
    ravi = {"Authorization": f"Bearer {ravis_token}"}
    ravis_id = (await api.get("/api/me/tokens", headers=ravi)).json()["items"][0]["id"]

    response = await api.delete(f"/api/me/tokens/{ravis_id}", headers=auth)

    assert response.status_code == 404
    assert (await api.get("/api/me", headers=ravi)).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "tab\there"},
        {"name": "x" * 61},
        {"name": "ok", "expires_in_days": 0},
        {"name": "ok", "expires_in_days": 100_000},
        {"name": "ok", "scope": "admin"},
    ],
)
async def test_bad_token_requests_are_400(
    api: httpx.AsyncClient, auth: dict[str, str], body: dict[str, Any]
) -> None:
    response = await api.post("/api/me/tokens", json=body, headers=auth)

    # A control character is named with a 422, as in every field; other broken rules are 400.
    assert response.status_code == (422 if "\t" in str(body.get("name")) else 400)


@pytest.mark.parametrize("path", ["/api/me/tokens/0", "/api/me/tokens/99999999999999999999"])
async def test_out_of_range_ids_are_400_not_500(
    api: httpx.AsyncClient, auth: dict[str, str], path: str
) -> None:
    response = await api.delete(path, headers=auth)

    assert response.status_code in (400, 404)


async def test_deleting_the_account_deletes_its_rows_and_owes_their_folders(
    browser: Any, database_url: str
) -> None:
    client = await browser()
    await sign_in(client, database_url, "asha@example.com")
    slugs = []
    for _ in range(2):
        made = await client.post("/api/invites", json=NEW_INVITE, headers=page_headers(client))
        slugs.append(made.json()["slug"])
    _, _, other_token = await add_creator(database_url, "ravi@example.com", "Ravi")
    other = {"Authorization": f"Bearer {other_token}"}
    kept = (await client.post("/api/invites", json=NEW_INVITE, headers=other)).json()["slug"]

    response = await client.delete("/api/me", headers=page_headers(client))

    assert response.status_code == 204
    assert "Max-Age=0" in set_cookies(response)["tf_session"]
    with psycopg.connect(database_url) as conn:
        left = conn.execute("SELECT slug FROM invites").fetchall()
        owed = conn.execute("SELECT slug FROM storage_removals ORDER BY slug").fetchall()
        creators = conn.execute("SELECT email FROM creators").fetchall()
        sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()
    assert left == [(kept,)]
    assert owed == [(slug,) for slug in sorted(slugs)]
    assert creators == [("ravi@example.com",)]
    assert sessions == (0,)
    assert (await client.get("/api/me")).status_code == 401
    assert (await client.get("/api/invites", headers=other)).status_code == 200
