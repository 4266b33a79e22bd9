"""Signing a test browser in, and the headers a signed-in page's script sends."""

from __future__ import annotations

import httpx

from core.creators import hand_out_link

SITE = "http://invites.test"  # the tests' TABLEFOR_PUBLIC_URL


async def sign_in(client: httpx.AsyncClient, database_url: str, email: str) -> httpx.Response:
    """Sign `client` in with a link handed out as `tablefor creators link` does; its cookie jar
    then holds the session."""
    _, _, token = await hand_out_link(database_url, email)
    response = await client.post("/api/auth/link", json={"token": token}, headers={"Origin": SITE})
    assert response.status_code == 200, response.text
    return response


def page_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """What the creator app's script sends with a change: the CSRF token and its origin."""
    return {"X-CSRF-Token": client.cookies["tf_csrf"], "Origin": SITE}


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie of the response by cookie name (the whole header line)."""
    return {line.split("=", 1)[0]: line for line in response.headers.get_list("set-cookie")}
