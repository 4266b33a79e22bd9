"""Browser sessions: the cookie, CSRF protection of changes, sliding expiry, sign-out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest

from core.settings import Settings
from tests.conftest import api_client
from tests.support.accounts import SITE, page_headers, set_cookies, sign_in
from tests.support.dates import NEXT_YEAR

NEW_INVITE = {"restaurant_name": "Toit", "starts_at": f"{NEXT_YEAR}-12-12T19:30:00+05:30"}


async def test_a_session_reads_without_csrf(browser: Any, database_url: str) -> None:
    client = await browser()
    await sign_in(client, database_url, "asha@example.com")

    listed = await client.get("/api/invites")

    assert listed.status_code == 200
    assert listed.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({}, "no token, no origin"),
        ({"Origin": SITE}, "no token"),
        ({"X-CSRF-Token": "csrf", "Origin": "https://evil.example"}, "another site"),
        ({"X-CSRF-Token": "csrf"}, "neither Origin nor Referer"),
        ({"X-CSRF-Token": "csrf", "Referer": "https://evil.example/page"}, "another referer"),
        ({"X-CSRF-Token": "not-the-token", "Origin": SITE}, "a wrong token"),
        ({"X-CSRF-Token": "csrf", "Origin": "null"}, "an opaque origin"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_a_cookie_change_without_csrf_proof_is_refused(
    browser: Any, database_url: str, headers: dict[str, str], why: str
) -> None:
    client = await browser()
    await sign_in(client, database_url, "asha@example.com")
    sent = {k: client.cookies["tf_csrf"] if v == "csrf" else v for k, v in headers.items()}

    response = await client.post("/api/invites", json=NEW_INVITE, headers=sent)

    assert response.status_code == 403, why
    assert response.headers["content-type"] == "application/problem+json"
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM invites").fetchone() == (0,)


@pytest.mark.parametrize("origin_header", ["Origin", "Referer"])
async def test_a_cookie_change_with_the_token_from_the_site_goes_through(
    browser: Any, database_url: str, origin_header: str
) -> None:
    client = await browser()
    await sign_in(client, database_url, "asha@example.com")
    headers = {"X-CSRF-Token": client.cookies["tf_csrf"]}
    headers[origin_header] = SITE if origin_header == "Origin" else f"{SITE}/new"

    response = await client.post("/api/invites", json=NEW_INVITE, headers=headers)

    assert response.status_code == 201, response.text


async def test_bearer_requests_need_no_csrf_even_beside_a_cookie(
    browser: Any, database_url: str, auth: dict[str, str]
) -> None:
    client = await browser()
    await sign_in(client, database_url, "ravi@example.com")

    response = await client.post("/api/invites", json=NEW_INVITE, headers=auth)

    assert response.status_code == 201
    me = await client.get("/api/me", headers=auth)
    assert me.json()["email"] == "asha@example.com"  # the token wins over the cookie


async def test_public_routes_ignore_the_session_cookie(browser: Any, database_url: str) -> None:
    client = await browser()
    await sign_in(client, database_url, "asha@example.com")

    parsed = await client.post("/api/parse", json={"text": "dinner at Toit"})

    assert parsed.status_code == 200  # no CSRF demanded: the cookie authorizes nothing here


async def test_sign_out_ends_the_session_and_clears_both_cookies(
    browser: Any, database_url: str
) -> None:
    client = await browser()
    await sign_in(client, database_url, "asha@example.com")
    secret = client.cookies["tf_session"]

    refused = await client.post("/api/auth/signout")
    response = await client.post("/api/auth/signout", headers=page_headers(client))

    assert refused.status_code == 403  # a cross-site page cannot sign you out either
    assert response.status_code == 204
    cleared = set_cookies(response)
    assert "Max-Age=0" in cleared["tf_session"] and "Max-Age=0" in cleared["tf_csrf"]
    assert "tf_session" not in client.cookies
    stale = await browser()
    stale.cookies.set("tf_session", secret, domain="invites.test", path="/api")
    after = await stale.get("/api/me")
    assert after.status_code == 401
    assert after.json()["detail"] == "your session has ended; sign in again"


async def test_sessions_are_listed_with_the_current_one_and_can_be_ended(
    browser: Any, database_url: str
) -> None:
    laptop, phone = await browser(), await browser()
    await sign_in(laptop, database_url, "asha@example.com")
    await sign_in(phone, database_url, "asha@example.com")

    listed = (await laptop.get("/api/me/sessions")).json()["items"]
    current = [item for item in listed if item["current"]]
    other = next(item for item in listed if not item["current"])
    ended = await laptop.delete(f"/api/me/sessions/{other['id']}", headers=page_headers(laptop))

    assert len(listed) == 2 and len(current) == 1
    assert set(current[0]) == {"id", "created_at", "last_seen_at", "expires_at", "current"}
    assert ended.status_code == 204
    assert (await phone.get("/api/me")).status_code == 401
    assert (await laptop.get("/api/me")).status_code == 200
    again = await laptop.delete(f"/api/me/sessions/{other['id']}", headers=page_headers(laptop))
    assert again.status_code == 404


async def test_sign_out_everywhere_ends_every_session(browser: Any, database_url: str) -> None:
    laptop, phone = await browser(), await browser()
    await sign_in(laptop, database_url, "asha@example.com")
    await sign_in(phone, database_url, "asha@example.com")

    response = await laptop.delete("/api/me/sessions", headers=page_headers(laptop))

    assert response.status_code == 204
    assert "Max-Age=0" in set_cookies(response)["tf_session"]
    assert (await phone.get("/api/me")).status_code == 401
    with psycopg.connect(database_url) as conn:
        live = conn.execute("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")
        assert live.fetchone() == (0,)


async def test_another_creators_session_is_a_404(browser: Any, database_url: str) -> None:
    asha, ravi = await browser(), await browser()
    await sign_in(asha, database_url, "asha@example.com")
    await sign_in(ravi, database_url, "ravi@example.com")
    ravis = (await ravi.get("/api/me/sessions")).json()["items"][0]["id"]

    response = await asha.delete(f"/api/me/sessions/{ravis}", headers=page_headers(asha))

    assert response.status_code == 404
    assert (await ravi.get("/api/me")).status_code == 200


async def test_a_used_session_slides_its_expiry_and_sends_its_cookies_again(
    browser: Any, database_url: str, settings: Settings
) -> None:
    client = await browser()
    await sign_in(client, database_url, "asha@example.com")
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "UPDATE sessions SET last_seen_at = now() - interval '2 days',"
            " expires_at = now() + interval '28 days'"
        )
    # Another API process, which has not seen this session yet, asks the database.
    async with api_client(settings) as other:
        other.cookies.set(
            "tf_session", client.cookies["tf_session"], domain="invites.test", path="/api"
        )
        response = await other.get("/api/me")

    assert response.status_code == 200
    assert "Max-Age=2592000" in set_cookies(response)["tf_session"]
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT expires_at, last_seen_at FROM sessions").fetchone()
    assert row is not None
    assert row[0] > datetime.now(UTC) + timedelta(days=29, hours=23)
    assert row[1] > datetime.now(UTC) - timedelta(minutes=1)


async def test_an_expired_or_unknown_session_is_refused(
    browser: Any, database_url: str, settings: Settings
) -> None:
    client = await browser()
    await sign_in(client, database_url, "asha@example.com")
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE sessions SET expires_at = now() - interval '1 second'")

    async with api_client(settings) as other:
        for secret in (client.cookies["tf_session"], "made-up", "x" * 500):
            other.cookies.set("tf_session", secret, domain="invites.test", path="/api")
            response = await other.get("/api/me")
            assert response.status_code == 401
            assert response.json()["detail"] == "your session has ended; sign in again"


async def test_without_credentials_a_creator_route_is_401(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/me")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="tablefor"'
    assert "sign in" in response.json()["detail"]
