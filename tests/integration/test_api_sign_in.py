"""Signing in with an e-mailed link: the request, the link, the cookies it sets."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg
import pytest

from core.creators import add_creator, hand_out_link
from core.secrets import digest
from core.settings import Settings
from tests.conftest import api_client
from tests.support.accounts import SITE, set_cookies, sign_in

REFUSED = "This sign-in link has expired or was already used; ask for a new one."


def _comparable(response: httpx.Response) -> tuple[int, bytes, list[tuple[str, str]]]:
    varying = {"date", "x-request-id", "ratelimit-remaining"}  # the same IP asks twice
    headers = sorted((k, v) for k, v in response.headers.items() if k not in varying)
    return response.status_code, response.content, headers


async def test_asking_for_a_link_answers_the_same_for_known_and_unknown_addresses(
    api: httpx.AsyncClient, database_url: str
) -> None:
    await add_creator(database_url, "known@example.com", "Known")

    known = await api.post("/api/auth/email", json={"email": "known@example.com"})
    unknown = await api.post("/api/auth/email", json={"email": "Nobody@Example.com"})

    assert known.status_code == 202
    assert known.json() == {"status": "sent"}
    assert _comparable(known) == _comparable(unknown)
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT email, token_hash FROM sign_in_requests ORDER BY email")
        assert rows.fetchall() == [("known@example.com", None), ("nobody@example.com", None)]


async def test_a_link_signs_in_once_and_sets_the_session_cookies(
    browser: Any, database_url: str
) -> None:
    client = await browser()
    _, created, token = await hand_out_link(database_url, "Meera@example.com")

    response = await client.post("/api/auth/link", json={"token": token})
    again = await client.post("/api/auth/link", json={"token": token})

    assert created is True
    assert response.status_code == 200, response.text
    creator = response.json()["creator"]
    assert creator["email"] == "meera@example.com"
    assert creator["signed_in_with"] == "email"
    cookies = set_cookies(response)
    session, csrf = cookies["tf_session"], cookies["tf_csrf"]
    assert "HttpOnly" in session and "SameSite=lax" in session and "Path=/api" in session
    assert "Max-Age=2592000" in session and "Secure" not in session  # http public URL
    assert "HttpOnly" not in csrf and "Path=/" in csrf and "SameSite=lax" in csrf
    assert again.status_code == 401
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["detail"] == REFUSED


@pytest.mark.parametrize(
    "token", ["", "x" * 43, "not a token", "A" * 42 + "!", "A" * 200], ids=repr
)
async def test_malformed_or_foreign_link_tokens_get_the_same_refusal(
    api: httpx.AsyncClient, token: str
) -> None:
    response = await api.post("/api/auth/link", json={"token": token})

    if token == "":
        assert response.status_code == 400  # not even a token: a bad body
    else:
        assert response.status_code == 401
        assert response.json()["detail"] == REFUSED
        assert "set-cookie" not in response.headers


async def test_an_expired_link_is_refused(api: httpx.AsyncClient, database_url: str) -> None:
    _, _, token = await hand_out_link(database_url, "late@example.com")
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE sign_in_requests SET expires_at = now() - interval '1 second'")

    response = await api.post("/api/auth/link", json={"token": token})

    assert response.status_code == 401
    assert response.json()["detail"] == REFUSED


async def test_a_first_sign_in_of_a_new_address_creates_the_creator(
    api: httpx.AsyncClient, database_url: str
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        # A link issued for an address no creator has (as the worker issues them).
        conn.execute(
            "INSERT INTO sign_in_requests (id, email, token_hash, sent_at, expires_at)"
            " VALUES (gen_random_uuid(), 'new@example.com', %s, now(), now() + interval '1 h')",
            (digest("N" * 43),),
        )
        assert conn.execute("SELECT count(*) FROM creators").fetchone() == (0,)

    response = await api.post("/api/auth/link", json={"token": "N" * 43})

    assert response.status_code == 200, response.text
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT email FROM creators").fetchall() == [("new@example.com",)]


@pytest.mark.parametrize(
    "next_path", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "new", "/a b"]
)
async def test_next_must_be_a_path_on_this_site(api: httpx.AsyncClient, next_path: str) -> None:
    response = await api.post("/api/auth/email", json={"email": "a@example.com", "next": next_path})

    assert response.status_code == 422
    assert "`next` must be a path on this site" in response.json()["detail"]


async def test_a_bad_address_or_body_is_a_clear_problem(api: httpx.AsyncClient) -> None:
    bad_address = await api.post("/api/auth/email", json={"email": "not-an-address"})
    extra_field = await api.post("/api/auth/email", json={"email": "a@example.com", "admin": 1})

    assert bad_address.status_code == 422
    assert "is not an e-mail address" in bad_address.json()["detail"]
    assert extra_field.status_code == 400


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
    ],
)
async def test_a_link_posted_from_another_site_is_refused(
    api: httpx.AsyncClient, database_url: str, headers: dict[str, str]
) -> None:
    _, _, token = await hand_out_link(database_url, "a@example.com")

    response = await api.post("/api/auth/link", json={"token": token}, headers=headers)

    assert response.status_code == 403
    assert response.json()["detail"] == "cross-site requests are refused"
    ok = await api.post("/api/auth/link", json={"token": token}, headers={"Origin": SITE})
    assert ok.status_code == 200  # the refused attempt did not burn the link


async def test_sign_in_mails_are_limited_per_ip_and_per_address(
    env: dict[str, str], database_url: str
) -> None:
    env |= {"TABLEFOR_LIMIT_SIGNIN_PER_IP": "3", "TABLEFOR_LIMIT_SIGNIN_PER_ADDRESS": "2"}
    async with api_client(Settings.from_env(env)) as api:
        answers = [
            (await api.post("/api/auth/email", json={"email": "x@example.com"})).status_code
            for _ in range(3)
        ]
        over_ip = await api.post("/api/auth/email", json={"email": "y@example.com"})

    # Past the address's budget the answer is the same 202, and nothing is sent.
    assert answers == [202, 202, 202]
    assert over_ip.status_code == 429
    assert over_ip.headers["retry-after"]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM sign_in_requests").fetchone() == (2,)


async def test_cookies_are_secure_when_the_site_is_https(
    env: dict[str, str], database_url: str
) -> None:
    env["TABLEFOR_PUBLIC_URL"] = "https://invites.test"
    async with api_client(Settings.from_env(env)) as api:
        _, _, token = await hand_out_link(database_url, "a@example.com")
        response = await api.post("/api/auth/link", json={"token": token})

    assert response.status_code == 200
    assert all("Secure" in line for line in set_cookies(response).values())


async def test_a_signed_in_browser_is_who_the_link_named(browser: Any, database_url: str) -> None:
    client = await browser()
    await sign_in(client, database_url, "asha@example.com")

    me = await client.get("/api/me")

    assert me.status_code == 200
    assert me.json()["email"] == "asha@example.com"
    assert me.json()["signed_in_with"] == "email"
