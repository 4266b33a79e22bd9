"""Accounts through the real system: mailed sign-in links, cookies through the edge, deleting an
account until its links answer 404, the operator's commands, and an SMTP outage."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from cdn.edge import free_port
from tests.e2e.conftest import System
from tests.support.processes import TableforProcess, wait_for

pytestmark = pytest.mark.e2e

WHEN = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0).isoformat()
INVITE = {"restaurant_name": "Toit", "area": "Indiranagar", "city": "Bengaluru", "starts_at": WHEN}


def tablefor(system: System, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tablefor", *args],
        env={**os.environ, **system.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@contextlib.contextmanager
def signed_in_browser(system: System, link: str) -> Iterator[httpx.Client]:
    """A browser that opened the link's page, whose script posted the token."""
    assert link.startswith(f"{system.url}/signin/link#token=")
    token = link.split("#token=")[1].split("&")[0]
    with httpx.Client(base_url=system.url, timeout=10, headers={"Origin": system.url}) as browser:
        response = browser.post("/api/auth/link", json={"token": token})
        assert response.status_code == 200, response.text
        yield browser


def page_script_headers(browser: httpx.Client) -> dict[str, str]:
    return {"X-CSRF-Token": browser.cookies["tf_csrf"]}


def test_a_newcomer_signs_in_with_the_mailed_link_and_makes_an_invite(system: System) -> None:
    asked = httpx.post(f"{system.url}/api/auth/email", json={"email": "newcomer@example.com"})
    assert asked.status_code == 202

    mail = system.mail.wait_for("newcomer@example.com", timeout=30)
    assert mail.link is not None
    with signed_in_browser(system, mail.link) as browser:
        me = browser.get("/api/me").json()
        made = browser.post("/api/invites", json=INVITE, headers=page_script_headers(browser))
        assert made.status_code == 201, made.text
        slug = made.json()["slug"]
        wait_for(lambda: browser.get(f"/i/{slug}").status_code == 200, timeout=30)
        # Static paths ignore cookies: the page is cached and no cookie is set on it.
        again = browser.get(f"/i/{slug}")

    assert me["email"] == "newcomer@example.com" and me["signed_in_with"] == "email"
    assert again.headers["x-cache"] == "HIT"
    assert "set-cookie" not in again.headers


def test_deleting_an_account_makes_its_links_404_at_the_edge(system: System) -> None:
    linked = tablefor(system, "creators", "link", "leaving@example.com")
    assert linked.returncode == 0, linked.stderr
    with signed_in_browser(system, linked.stdout.strip()) as browser:
        slug = browser.post("/api/invites", json=INVITE, headers=page_script_headers(browser))
        slug = slug.json()["slug"]
        wait_for(lambda: browser.get(f"/i/{slug}").status_code == 200, timeout=30)
        html = browser.get(f"/i/{slug}").text
        og_path = re.search(r'property="og:image" content="[^"]*(/i/[^"]+\.jpg)"', html)
        assert og_path is not None
        assert browser.get(og_path.group(1)).status_code == 200  # now cached at the edge

        deleted = browser.delete("/api/me", headers=page_script_headers(browser))
        assert deleted.status_code == 204

        def gone() -> bool:
            paths = [f"/i/{slug}", f"/i/{slug}/rsvps.json", og_path.group(1)]
            return all(browser.get(path).status_code == 404 for path in paths)

        wait_for(gone, timeout=15, what="the page, its answers and its image to be 404")
        never_existed = browser.get("/i/NeverExisted12")
        assert browser.get(f"/i/{slug}").text == never_existed.text


def test_operators_link_list_and_revoke_tokens(system: System) -> None:
    added = tablefor(system, "creators", "add", "ops@example.com")
    token = added.stdout.strip()
    bearer = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{system.url}/api/me", headers=bearer).status_code == 200

    listed = tablefor(system, "creators", "tokens", "ops@example.com", "--json")
    tokens = json.loads(listed.stdout)
    revoked = tablefor(system, "creators", "revoke", str(tokens[0]["id"]))
    started = time.monotonic()
    wait_for(
        lambda: httpx.get(f"{system.url}/api/me", headers=bearer).status_code == 401,
        timeout=5,
        interval=0.02,
    )

    assert listed.returncode == 0 and [t["name"] for t in tokens] == ["tablefor creators add"]
    assert token not in listed.stdout
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked 1 token(s)" in revoked.stdout
    assert time.monotonic() - started < 1.0
    unknown = tablefor(system, "creators", "revoke", "nobody@example.com")
    assert unknown.returncode == 1
    assert "no creator with e-mail nobody@example.com" in unknown.stderr


def test_a_revocation_reaches_every_api_process_within_a_second(
    system: System, tmp_path_factory: pytest.TempPathFactory
) -> None:
    added = tablefor(system, "creators", "add", "two@example.com").stdout.strip()
    owner = {"Authorization": f"Bearer {added}"}
    made = httpx.post(f"{system.url}/api/me/tokens", json={"name": "ci"}, headers=owner).json()
    bearer = {"Authorization": f"Bearer {made['token']}"}
    port = free_port()
    log = tmp_path_factory.mktemp("second-api") / "api.log"
    with TableforProcess(["api", "--port", str(port)], system.env, log):
        second = f"http://127.0.0.1:{port}/api/me"
        wait_for(lambda: _status(second, bearer) == 200, timeout=30)
        assert _status(second, bearer) == 200  # remembered by the second process now

        revoked = httpx.delete(f"{system.url}/api/me/tokens/{made['id']}", headers=owner)
        started = time.monotonic()
        wait_for(lambda: _status(second, bearer) == 401, timeout=5, interval=0.02)
        elapsed = time.monotonic() - started

    assert revoked.status_code == 204
    assert elapsed < 1.0


def _status(url: str, headers: dict[str, str]) -> int:
    try:
        return httpx.get(url, headers=headers, timeout=2).status_code
    except httpx.HTTPError:
        return 0


@pytest.mark.parametrize(
    "own_system",
    [
        {
            "TABLEFOR_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",  # nothing listens
            "TABLEFOR_MAIL_ATTEMPTS": "3",
            "TABLEFOR_MAIL_RETRY_DELAY": "0.2",
            "TABLEFOR_MAIL_RETRY_CAP": "1",
        }
    ],
    indirect=True,
)
def test_with_smtp_down_sign_in_still_answers_and_the_mail_is_dead_lettered(
    own_system: System,
) -> None:
    asked = httpx.post(f"{own_system.url}/api/auth/email", json={"email": "a@example.com"})

    def letters() -> list[dict[str, object]]:
        listed = tablefor(own_system, "dlq", "list", "--json")
        return [x for x in json.loads(listed.stdout) if x["task"] == "sign_in_mail"]

    found = wait_for(letters, timeout=60, interval=0.5, what="a dead letter")
    status = tablefor(own_system, "status")

    assert asked.status_code == 202 and asked.json() == {"status": "sent"}
    assert len(found) == 1 and found[0]["attempts"] == 3
    assert "a@example.com" not in json.dumps(found[0]["arguments"])
    assert "-accounts:" in status.stdout and "dead letters: 1" in status.stdout
