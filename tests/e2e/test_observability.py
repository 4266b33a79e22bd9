"""Observability through a running system: real traffic in (creates, page views by Chromium and
by link-preview bots, answers), exact figures out of /metrics, the API and `tablefor stats`, with
the API, the worker and Redis down while the pages are viewed."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from cdn.edge import free_port
from cdn.opens import sealed_files
from core.settings import Settings
from tests.conftest import ServiceUrls
from tests.e2e.conftest import System, running_system
from tests.support.fake_sentry import FakeSentry
from tests.support.metrics import samples, scrape, value
from tests.support.processes import TableforProcess, wait_for
from tests.support.tcpproxy import redis_target
from tests.support.threaded_proxy import threaded_proxy

# Within the two years ahead an invite may be (api/invite_actions.py).
NEXT_YEAR = datetime.now(UTC).year + 1

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
WHEN = (datetime.now(UTC) + timedelta(days=9)).replace(microsecond=0).isoformat()
PASTED = (
    "Your table is confirmed! Booking ID: DO123456. Toit, Indiranagar, Bangalore. "
    f"12 Dec {NEXT_YEAR}, 08:00 PM. Guests: 4"
)
# Three phones: three viewers (the address is the same, the browsers are not).
PHONES = [
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/125.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
]
PREVIEW_BOTS = [
    "WhatsApp/2.24.6.77 A",
    "TelegramBot (like TwitterBot)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Twitterbot/1.0",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Opened late and closed early: Playwright's sync API holds an event loop meanwhile."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def test_opens_answers_and_metrics_add_up_through_an_outage(
    urls: ServiceUrls, template_database: str, tmp_path: Path
) -> None:
    worker_metrics, edge_metrics = free_port(), free_port()
    worker_url = f"http://127.0.0.1:{worker_metrics}/metrics"
    with threaded_proxy(*redis_target(urls.redis)) as redis:
        extra = {
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "TABLEFOR_WORKER_METRICS_PORT": str(worker_metrics),
            "TABLEFOR_EDGE_METRICS_PORT": str(edge_metrics),
        }
        with running_system(urls, template_database, tmp_path, extra) as system:
            pasted, typed = _creates(system)
            _answer(system, pasted, "IN", "Meera")
            _answer(system, pasted, "OUT", "Dev")
            _answer(system, typed, "MAYBE", "Ravi")
            api_figures = scrape(f"{system.url}/api/metrics")
            wait_for(
                lambda: value(scrape(worker_url), "tablefor_publish_seconds_count") >= 3,
                timeout=15,
                what="publishes measured",
            )
            publishes = scrape(worker_url)

            # The API and Redis go away; people keep opening the invite. The worker counts on.
            system.api.stop()
            redis.cut()
            with chromium() as browser:
                _views(system, browser, pasted, phones=PHONES, visits=[2, 1, 1])
            for bot in PREVIEW_BOTS:
                assert _get(system, f"/i/{pasted}", bot).status_code == 200
            wait_for(lambda: _stats_command(system, pasted)["opens"] == 4, timeout=20)
            during = scrape(worker_url)

            # Then the worker goes too: the edge's spool keeps what it sees meanwhile.
            system.worker.stop()
            with chromium() as browser:
                _views(system, browser, typed, phones=PHONES[:1], visits=[1])
            spool = Path(system.env["TABLEFOR_DATA_DIR"]) / "opens"
            wait_for(lambda: sealed_files(spool), timeout=10, what="the edge's spool")

            redis.restore()
            system.worker.start()
            system.api.start()
            wait_for(lambda: _ready(system), timeout=30, what="the API again")
            wait_for(lambda: not sealed_files(spool), timeout=30, what="the spool counted")
            detail = _invite(system, pasted)
            listed = httpx.get(f"{system.url}/api/invites", headers=system.auth, timeout=10)
            worker_figures = scrape(worker_url)
            edge_figures = scrape(f"http://127.0.0.1:{edge_metrics}/metrics")
            one = _stats_command(system, pasted)
            totals = _stats_command(system)

    assert value(api_figures, "tablefor_creates_total", outcome="created") == 2
    assert value(api_figures, "tablefor_creates_total", outcome="invalid") == 1
    assert value(api_figures, "tablefor_parse_total") == 1
    assert value(api_figures, "tablefor_rsvps_total", answer="IN") == 1
    assert value(api_figures, "tablefor_rsvps_total", answer="OUT") == 1
    assert value(api_figures, "tablefor_rsvps_total", answer="MAYBE") == 1
    assert value(api_figures, "tablefor_http_requests_total", path="/api/invites") >= 3

    expected = {
        "opens": 4,
        "unique_opens": 3,
        "answers": {"IN": 1, "MAYBE": 0, "OUT": 1},
        "conversion": 0.6667,
    }
    assert detail["stats"] == expected
    by_slug = {item["slug"]: item["stats"] for item in listed.json()["items"]}
    assert by_slug[pasted] == expected
    assert by_slug[typed]["opens"] == 1 and by_slug[typed]["answers"]["MAYBE"] == 1
    assert {key: one[key] for key in expected} == expected

    assert totals["creates"] == 2 and totals["opens"] == 5 and totals["unique_opens"] == 4
    assert totals["answers"] == {"IN": 1, "MAYBE": 1, "OUT": 1}
    assert totals["parse"]["typed_in"] == 1

    assert value(during, "tablefor_invite_opens_total") == 4
    assert value(during, "tablefor_invite_unique_opens_total") == 3
    assert value(worker_figures, "tablefor_invite_opens_total") == 1  # since its restart
    assert value(worker_figures, "tablefor_invite_unique_opens_total") == 1
    assert value(publishes, "tablefor_publish_seconds_bucket", le="+Inf") >= 3
    assert value(publishes, "tablefor_purge_seconds_count", adapter="varnish") >= 3
    assert value(publishes, "tablefor_enrich_total", provider="google") == 2  # one search each
    sampled = {dict(labels).get("queue") for name, labels in samples(publishes)}
    assert {"publish", "enrich"} <= sampled  # tablefor_queue_depth, by queue
    assert ("tablefor_dead_letters", frozenset()) in samples(publishes)
    assert value(edge_figures, "varnish_main_cache_hit") >= 1


# --- traffic --------------------------------------------------------------------------------


def _creates(system: System) -> tuple[str, str]:
    pasted = _create(system, {"text": PASTED, "title": "Friday drinks"})
    typed = _create(system, {"restaurant_name": "Karavalli", "starts_at": WHEN})
    refused = httpx.post(
        f"{system.url}/api/invites", json={"title": "no restaurant"}, headers=system.auth
    )
    assert refused.status_code == 422
    for slug in (pasted, typed):
        wait_for(lambda slug=slug: _invite(system, slug)["published"], timeout=30)
    return pasted, typed


def _create(system: System, body: dict[str, Any]) -> str:
    response = httpx.post(f"{system.url}/api/invites", json=body, headers=system.auth, timeout=10)
    assert response.status_code == 201, response.text
    slug: str = response.json()["slug"]
    return slug


def _answer(system: System, slug: str, response: str, name: str) -> None:
    answered = httpx.post(
        f"{system.url}/api/invites/{slug}/rsvp", json={"response": response, "name": name}
    )
    assert answered.status_code == 200, answered.text


def _views(
    system: System, browser: Browser, slug: str, *, phones: list[str], visits: list[int]
) -> None:
    for user_agent, times in zip(phones, visits, strict=True):
        context = browser.new_context(user_agent=user_agent, viewport={"width": 390, "height": 844})
        page = context.new_page()
        for _ in range(times):
            response = page.goto(f"{system.url}/i/{slug}")
            assert response is not None and response.status == 200
        context.close()


def _get(system: System, path: str, user_agent: str) -> httpx.Response:
    return httpx.get(f"{system.url}{path}", headers={"User-Agent": user_agent}, timeout=10)


def _invite(system: System, slug: str) -> dict[str, Any]:
    response = httpx.get(f"{system.url}/api/invites/{slug}", headers=system.auth, timeout=10)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def _ready(system: System) -> bool:
    try:
        return httpx.get(f"{system.url}/api/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _stats_command(system: System, *slug: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tablefor", "stats", *slug, "--json"],
        env={**system.env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_forked_api_processes_add_up_and_start_from_zero(
    env: dict[str, str], tmp_path: Path
) -> None:
    """`tablefor api --workers 2`: every process counts into the directory the parent set up
    (and emptied) before forking; any one of them answers with the sum of all."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = ["api", "--port", str(port), "--workers", "2"]
    for run in range(2):  # the second run starts from zero: nothing carried over
        with TableforProcess(command, env, tmp_path / f"api-{run}.log"):
            wait_for(lambda: _up(base), timeout=30, what="the API")
            for _ in range(30):  # a connection each, so both processes take some
                response = httpx.post(f"{base}/api/parse", json={"text": "Toit at 8pm"})
                assert response.status_code == 200
            text = scrape(f"{base}/api/metrics")
        assert value(text, "tablefor_parse_total") == 30
        assert value(text, "tablefor_http_requests_total", path="/api/parse") == 30


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


# --- errors and request ids -----------------------------------------------------------------


def test_an_error_in_the_page_reaches_sentry_through_our_own_origin(
    urls: ServiceUrls, template_database: str, tmp_path: Path
) -> None:
    with FakeSentry() as sentry:
        extra = {"SENTRY_DSN": sentry.dsn}
        with running_system(urls, template_database, tmp_path, extra) as system:
            slug = _create(system, {"restaurant_name": "Toit", "starts_at": WHEN})
            wait_for(lambda: _invite(system, slug)["published"], timeout=30)
            outside: list[str] = []
            with chromium() as browser:
                context = browser.new_context(user_agent=PHONES[0])
                page = context.new_page()
                page.on("request", lambda request: _note_outside(system, request.url, outside))
                page.goto(f"{system.url}/i/{slug}?utm_source=whatsapp#rsvp")
                page.evaluate("setTimeout(() => { throw new TypeError('boom in the page') }, 0)")
                wait_for(lambda: sentry.events, timeout=10, what="the page's error in Sentry")
                context.close()

    [event] = sentry.events
    assert event["exception"]["values"][0] == {"type": "TypeError", "value": "boom in the page"}
    assert event["request"]["url"] == f"{system.url}/i/{slug}"  # no query, no fragment
    assert "boom in the page" in event["extra"]["stack"]
    assert outside == []  # no third-party script, no request elsewhere


def _note_outside(system: System, url: str, outside: list[str]) -> None:
    if not url.startswith(system.url) and not url.startswith("data:"):
        outside.append(url)


def test_a_request_id_follows_its_jobs_into_their_logs_and_sentry_events(
    urls: ServiceUrls, template_database: str, tmp_path: Path
) -> None:
    request_id = "req-7f3a9c"
    with (
        FakeSentry() as sentry,
        running_system(urls, template_database, tmp_path, {"SENTRY_DSN": sentry.dsn}) as system,
    ):
        places = httpx.post(
            system.env["GOOGLE_PLACES_BASE_URL"] + "/_fake/faults", json={"mode": "forbidden"}
        )
        created = httpx.post(
            f"{system.url}/api/invites",
            json={"restaurant_name": "Toit", "starts_at": WHEN},
            headers={**system.auth, "X-Request-ID": request_id},
            timeout=10,
        )
        wait_for(lambda: sentry.events, timeout=30, what="the dead letter's Sentry event")
        job_lines = [
            line for line in system.worker.log_events() if line.get("message") == "job started"
        ]

    assert places.is_success
    assert created.status_code == 201 and created.headers["x-request-id"] == request_id
    dead = [e for e in sentry.events if "dead letter" in str(e.get("message") or e.get("logentry"))]
    assert dead and all(e["tags"]["request_id"] == request_id for e in dead)
    assert {line["task"] for line in job_lines} == {"publish", "enrich"}
    assert all(line["request_id"] == request_id for line in job_lines)


# --- metrics are never public ----------------------------------------------------------------


def test_metrics_answer_only_the_allow_list_at_the_edge_the_api_and_the_worker(
    urls: ServiceUrls, template_database: str, tmp_path: Path
) -> None:
    worker_metrics, edge_metrics = free_port(), free_port()
    extra = {
        "TABLEFOR_METRICS_ALLOW": "192.0.2.10/32",  # not us: every read below is refused
        "TABLEFOR_WORKER_METRICS_PORT": str(worker_metrics),
        "TABLEFOR_EDGE_METRICS_PORT": str(edge_metrics),
    }
    with running_system(urls, template_database, tmp_path, extra) as system:
        api_port = system.api.args[system.api.args.index("--port") + 1]
        edge_refusals = [
            httpx.get(f"{system.url}{path}", timeout=5)
            for path in ("/api/metrics", "/api//metrics", "/api/%6detrics", "/api/metrics?x=1")
        ]
        direct = httpx.get(f"http://127.0.0.1:{api_port}/api/metrics", timeout=5)
        worker = httpx.get(f"http://127.0.0.1:{worker_metrics}/metrics", timeout=5)
        edge_figures = scrape(f"http://127.0.0.1:{edge_metrics}/metrics")
        page_still_served = httpx.get(f"{system.url}/api/readyz", timeout=5)

    assert [r.status_code for r in edge_refusals] == [403, 403, 403, 403]
    assert all("Metrics are not public" in r.text for r in edge_refusals)
    assert direct.status_code == 403 and direct.json()["status"] == 403
    assert worker.status_code == 403
    assert page_still_served.status_code == 200
    # The exporter (loopback only) tells whether Varnish's origin is healthy.
    assert value(edge_figures, "varnish_backend_up") >= 1


def test_forked_workers_share_one_metrics_port(
    worker_env: dict[str, str], settings: Settings, auth: dict[str, str], tmp_path: Path
) -> None:
    """`tablefor worker --processes 2 --metrics-port P`: the parent serves what its children
    count (publishes happen in the children)."""
    port = free_port()
    command = ["worker", "--processes", "2", "--metrics-port", str(port)]
    with TableforProcess(command, worker_env, tmp_path / "worker.log"):
        url = f"http://127.0.0.1:{port}/metrics"
        wait_for(lambda: _up_at(url), timeout=30, what="the worker's metrics")
        asyncio.run(_create_some(settings, auth, count=4))
        wait_for(
            lambda: (
                value(figures := scrape(url), "tablefor_publish_seconds_count") >= 4
                and value(figures, "tablefor_enrich_total") >= 4
            ),
            timeout=30,
            what="four publishes and four enrichments measured",
        )
        figures = scrape(url)
    files = list((Path(worker_env["TABLEFOR_DATA_DIR"]) / "metrics" / f"worker-{port}").iterdir())

    assert value(figures, "tablefor_publish_seconds_count") >= 4
    assert value(figures, "tablefor_enrich_total") >= 4  # one search (or reuse) per invite
    assert len({path.stem.rsplit("_", 1)[-1] for path in files}) >= 2  # both children count


def _up_at(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


async def _create_some(settings: Settings, auth: dict[str, str], *, count: int) -> None:
    from tests.conftest import api_client

    async with api_client(settings) as api:
        for n in range(count):
            body = {"restaurant_name": f"Toit {n}", "starts_at": WHEN}
            assert (await api.post("/api/invites", json=body, headers=auth)).status_code == 201
