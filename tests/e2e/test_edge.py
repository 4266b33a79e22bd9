"""Through the real edge: Varnish (xkey) in front of nginx over storage, the API behind /api."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cdn.purge.varnish import SECRET_HEADER
from tests.e2e.conftest import System
from tests.support.processes import wait_for

pytestmark = pytest.mark.e2e

WHEN = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0).isoformat()
INVITE = {
    "restaurant_name": "Toit",
    "area": "Indiranagar",
    "city": "Bengaluru",
    "starts_at": WHEN,
    "title": "Friday drinks",
    "party_size": 6,
}


def create(system: System, **fields: Any) -> str:
    response = httpx.post(
        f"{system.url}/api/invites", json={**INVITE, **fields}, headers=system.auth, timeout=10
    )
    assert response.status_code == 201, response.text
    slug: str = response.json()["slug"]
    return slug


def page(system: System, path: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{system.url}{path}", headers=headers, timeout=10)


def published(system: System, slug: str, text: str) -> httpx.Response | None:
    response = page(system, f"/i/{slug}")
    return response if response.status_code == 200 and text in response.text else None


def settled(system: System, slug: str, text: str = "Friday") -> None:
    """Enriched and republished: later reads are stable."""

    def done() -> bool:
        detail = httpx.get(f"{system.url}/api/invites/{slug}", headers=system.auth, timeout=5)
        body = detail.json()
        return bool(body["enrichment"] != "pending" and body["published"])

    wait_for(done, timeout=30, what="enrichment and publish")
    wait_for(lambda: published(system, slug, text), timeout=10)


def test_a_created_invite_is_served_with_its_headers_then_from_cache(system: System) -> None:
    slug = create(system)
    settled(system, slug)

    first = page(system, f"/i/{slug}", **{"Accept-Encoding": "gzip"})
    second = page(system, f"/i/{slug}")

    assert first.status_code == 200
    assert "Friday drinks" in first.text and "Toit" in first.text
    assert first.headers["content-type"] == "text/html; charset=utf-8"
    assert "s-maxage=" in first.headers["cache-control"]
    assert "stale-while-revalidate=" in first.headers["cache-control"]
    assert "stale-if-error=" in first.headers["cache-control"]
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["x-robots-tag"].startswith("noindex")
    assert first.headers["referrer-policy"] == "no-referrer"
    assert first.headers["x-content-type-options"] == "nosniff"
    csp = first.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "xkey" not in first.headers and "surrogate-key" not in first.headers
    assert second.headers["x-cache"] == "HIT"
    assert "age" in second.headers


def test_the_calendar_summary_and_og_image_come_from_the_edge(system: System) -> None:
    slug = create(system)
    settled(system, slug)
    html = page(system, f"/i/{slug}").text
    og_path = html.split('property="og:image" content="')[1].split('"')[0].removeprefix(system.url)

    ics = page(system, f"/i/{slug}/invite.ics")
    summary = page(system, f"/i/{slug}/rsvps.json")
    og = page(system, og_path)

    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics.text
    assert summary.json()["counts"] == {"IN": 0, "MAYBE": 0, "OUT": 0}
    assert og.headers["content-type"] == "image/jpeg"
    assert og.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_an_edit_is_what_the_edge_serves_next(system: System) -> None:
    slug = create(system)
    settled(system, slug)
    assert page(system, f"/i/{slug}").headers["x-cache"] == "HIT"

    edit = httpx.patch(
        f"{system.url}/api/invites/{slug}",
        json={"title": "Saturday brunch instead"},
        headers=system.auth,
        timeout=10,
    )
    assert edit.status_code == 200

    fresh = wait_for(lambda: published(system, slug, "Saturday brunch instead"), timeout=5)
    assert "Friday drinks" not in fresh.text


def test_an_rsvp_reaches_the_summary_at_the_edge(system: System) -> None:
    slug = create(system)
    settled(system, slug)
    assert page(system, f"/i/{slug}/rsvps.json").json()["going"] == 0

    answer = httpx.post(
        f"{system.url}/api/invites/{slug}/rsvp",
        json={"response": "IN", "name": "Meera", "guests": 2},
        timeout=10,
    )
    assert answer.status_code == 200

    summary = wait_for(
        lambda: (r := page(system, f"/i/{slug}/rsvps.json").json())["going"] == 3 and r, timeout=5
    )
    assert summary["names"] == ["Meera"]


def test_an_answer_the_host_removes_leaves_the_page_at_the_edge(system: System) -> None:
    slug = create(system)
    settled(system, slug)
    for name in ("Meera", "Spammy"):
        sent = httpx.post(
            f"{system.url}/api/invites/{slug}/rsvp",
            json={"response": "IN", "name": name},
            timeout=10,
        )
        assert sent.status_code == 200
    wait_for(lambda: page(system, f"/i/{slug}/rsvps.json").json()["going"] == 2, timeout=5)
    guests = httpx.get(f"{system.url}/api/invites/{slug}/rsvps", headers=system.auth, timeout=5)
    spam = next(g["id"] for g in guests.json()["items"] if g["name"] == "Spammy")

    removed = httpx.delete(
        f"{system.url}/api/invites/{slug}/rsvps/{spam}", headers=system.auth, timeout=5
    )

    assert removed.status_code == 204
    summary = wait_for(
        lambda: (r := page(system, f"/i/{slug}/rsvps.json").json())["going"] == 1 and r, timeout=5
    )
    assert summary["names"] == ["Meera"]
    assert "Spammy" not in page(system, f"/i/{slug}").text


def test_a_form_rsvp_through_the_edge_redirects_back_to_the_page(system: System) -> None:
    slug = create(system)
    settled(system, slug)
    response = httpx.post(
        f"{system.url}/api/invites/{slug}/rsvp",
        data={"response": "MAYBE", "name": "Kabir"},
        timeout=10,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/i/{slug}#rsvp-thanks"


def test_pages_still_open_with_the_api_and_worker_stopped(own_system: System) -> None:
    system = own_system
    slugs = [create(system, title=f"Dinner {n}") for n in range(3)]
    for n, slug in enumerate(slugs):
        settled(system, slug, f"Dinner {n}")

    system.api.stop()
    system.worker.stop()

    for slug in slugs:
        response = page(system, f"/i/{slug}")
        assert response.status_code == 200
        assert page(system, f"/i/{slug}/rsvps.json").status_code == 200
    api_down = page(system, "/api/readyz")
    assert api_down.status_code == 503
    assert api_down.headers["content-type"] == "application/problem+json"


def test_cached_pages_survive_the_origin_going_down(own_system: System) -> None:
    system = own_system
    slug = create(system)
    settled(system, slug)
    assert page(system, f"/i/{slug}").status_code == 200
    # Mark everything of the invite stale, as after its time to live, then lose the origin.
    soft = _cli(system, "purge", "--soft", slug)
    assert soft.returncode == 0, soft.stderr
    _stop_origin(system)
    wait_for(lambda: _origin_is_sick(system), timeout=10, what="the health probe to notice")

    stale = page(system, f"/i/{slug}")
    missing = page(system, "/i/AAAAAAAAAAAAAA")

    assert stale.status_code == 200
    assert "Friday drinks" in stale.text
    assert missing.status_code == 503  # nothing cached to fall back on


def test_purging_is_refused_from_other_addresses(system: System) -> None:
    port = int(system.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.2", 0)) as conn:
        conn.sendall(
            b"PURGE / HTTP/1.1\r\nHost: edge\r\nxkey-purge: slug-x\r\nConnection: close\r\n\r\n"
        )
        reply = conn.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 403")
    allowed = httpx.request("PURGE", f"{system.url}/", headers={"xkey-purge": "slug-x"})
    assert allowed.status_code == 200


def test_the_cache_key_is_the_path_whatever_host_a_client_names(system: System) -> None:
    slug = create(system)
    settled(system, slug)
    wait_for(lambda: page(system, f"/i/{slug}").headers["x-cache"] == "HIT", timeout=5)

    invented = page(system, f"/i/{slug}", Host="invented.example")
    another = page(system, f"/i/{slug}", Host=f"{slug.lower()}.example:8443")
    unknown = [page(system, "/i/NoSuchInvite12", Host=f"h{n}.example") for n in range(2)]

    assert invented.status_code == another.status_code == 200
    assert invented.headers["x-cache"] == another.headers["x-cache"] == "HIT"
    assert [r.status_code for r in unknown] == [404, 404]
    assert unknown[1].headers["x-cache"] == "HIT"  # one cached 404 for every Host


PURGE_SECRET = "edge-test-purge-secret-0123456789"


@pytest.mark.parametrize("own_system", [{"TABLEFOR_PURGE_SECRET": PURGE_SECRET}], indirect=True)
def test_with_a_purge_secret_an_allowed_address_must_also_send_it(own_system: System) -> None:
    def purge(method: str, **headers: str) -> int:
        response = httpx.request(method, f"{own_system.url}/", headers=headers, timeout=5)
        return response.status_code

    assert purge("PURGE", **{"xkey-purge": "slug-x"}) == 403
    assert purge("PURGE", **{"xkey-purge": "slug-x", SECRET_HEADER: "not-the-purge-secret"}) == 403
    assert purge("BAN") == 403
    assert purge("PURGE", **{"xkey-purge": "slug-x", SECRET_HEADER: PURGE_SECRET}) == 200

    # The worker's purges and the command's carry it: an edit is served at once.
    slug = create(own_system)
    settled(own_system, slug)
    assert page(own_system, f"/i/{slug}").headers["x-cache"] == "HIT"
    edit = httpx.patch(
        f"{own_system.url}/api/invites/{slug}",
        json={"title": "Saturday brunch instead"},
        headers=own_system.auth,
        timeout=10,
    )
    assert edit.status_code == 200
    wait_for(lambda: published(own_system, slug, "Saturday brunch instead"), timeout=5)
    assert page(own_system, f"/i/{slug}").headers["x-cache"] == "HIT"
    by_slug = _cli(own_system, "purge", slug)
    assert by_slug.returncode == 0, by_slug.stdout + by_slug.stderr
    assert page(own_system, f"/i/{slug}").headers["x-cache"] == "MISS"


def test_unknown_pages_are_a_static_404_cached_briefly(system: System) -> None:
    first = page(system, "/i/ZZZZZZZZZZZZZZ")
    second = page(system, "/i/ZZZZZZZZZZZZZZ")
    assert first.status_code == second.status_code == 404
    assert "We can’t find that invite" in first.text
    assert first.headers["cache-control"] == "public, max-age=0, s-maxage=10"
    assert second.headers["x-cache"] == "HIT"


@pytest.mark.parametrize("own_system", [{"TABLEFOR_LIMIT_PARSE_PER_IP": "3"}], indirect=True)
def test_the_api_sees_the_client_address_not_a_forged_one(own_system: System) -> None:
    """Varnish is the first hop: a client's own X-Forwarded-For does not pick its identity."""
    statuses = [
        httpx.post(
            f"{own_system.url}/api/parse",
            json={"text": "x"},
            headers={"X-Forwarded-For": f"10.9.8.{n}"},
            timeout=5,
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]  # one budget: the forged addresses were ignored


def test_the_purge_cli_clears_an_invite_by_slug_and_by_restaurant(system: System) -> None:
    slug = create(system, swiggy_restaurant_id="1271281")
    settled(system, slug)
    page(system, f"/i/{slug}")
    assert page(system, f"/i/{slug}").headers["x-cache"] == "HIT"

    by_slug = _cli(system, "purge", slug, "--json")
    assert by_slug.returncode == 0, by_slug.stderr
    assert json.loads(by_slug.stdout)["purged"] == [slug]
    assert page(system, f"/i/{slug}").headers["x-cache"] == "MISS"

    page(system, f"/i/{slug}")
    by_restaurant = _cli(system, "purge", "--restaurant", "1271281")
    assert by_restaurant.returncode == 0, by_restaurant.stderr
    assert page(system, f"/i/{slug}").headers["x-cache"] == "MISS"

    unknown = _cli(system, "purge", "NoSuchSlug1234")
    assert unknown.returncode == 1
    assert "not found: NoSuchSlug1234" in unknown.stdout
    usage = _cli(system, "purge")
    assert usage.returncode == 2


def test_render_all_republishes_and_skips_what_did_not_change(system: System) -> None:
    slugs = [create(system, title=f"Dinner {n}") for n in range(3)]
    for n, slug in enumerate(slugs):
        settled(system, slug, f"Dinner {n}")

    result = _cli(system, "render", "--all", "--json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["total"] >= 3  # the module's other invites too
    assert report["unchanged"] == report["total"]
    assert report["failed"] == []


def _origin_is_sick(system: System) -> bool:
    """Varnish's own view of the origin, from its management interface."""
    listing = subprocess.run(
        ["varnishadm", "-n", str(system.public_dir.parent / "edge" / "varnish"), "backend.list"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return any(line.startswith("boot.origin") and "sick" in line for line in listing.splitlines())


def _stop_origin(system: System) -> None:
    pid_file = system.public_dir.parent / "edge" / "nginx.pid"
    os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)


def _cli(system: System, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tablefor", *args],
        env={**os.environ, **system.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_page_asked_for_before_its_first_publish_is_not_stuck_as_a_404(system: System) -> None:
    """The cached 404 carries the slug's key, so the first publish's purge clears it."""
    response = httpx.post(f"{system.url}/api/invites", json=INVITE, headers=system.auth)
    slug = response.json()["slug"]
    early = page(system, f"/i/{slug}")  # usually before the worker has published it
    found = wait_for(lambda: published(system, slug, "Friday"), timeout=5)
    assert early.status_code in (200, 404)
    assert found.status_code == 200


def test_an_interrupted_render_resumes_after_its_last_finished_batch(system: System) -> None:
    slugs = [create(system, title=f"Resume {n}") for n in range(3)]
    for n, slug in enumerate(slugs):
        settled(system, slug, f"Resume {n}")
    ids = sorted(
        httpx.get(f"{system.url}/api/invites", headers=system.auth, params={"limit": 100}).json()[
            "items"
        ],
        key=lambda item: item["created_at"],
    )
    checkpoint = system.public_dir.parent / "render-checkpoint.json"
    with psycopg_connect(system) as conn:
        all_ids = [row[0] for row in conn.execute("SELECT id FROM invites ORDER BY id")]
    # As if a run had finished every batch up to the second-to-last invite, then stopped.
    checkpoint.write_text(json.dumps({"since": None, "after_id": all_ids[-2]}))

    resumed = _cli(system, "render", "--all", "--json")

    report = json.loads(resumed.stdout)
    assert report["resumed_after_id"] == all_ids[-2]
    assert report["total"] == 1
    assert not checkpoint.exists()  # a finished run leaves no checkpoint
    again = json.loads(_cli(system, "render", "--all", "--json").stdout)
    assert again["total"] == len(all_ids)
    assert ids  # the creator's list saw them too


def psycopg_connect(system: System) -> Any:
    import psycopg

    return psycopg.connect(system.database_url)
