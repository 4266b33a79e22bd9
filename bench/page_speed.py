"""Largest Contentful Paint and Cumulative Layout Shift of an enriched invite, on a slow phone.

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python -m bench.page_speed [--runs 5]

Starts the whole system (API, worker, edge, fake Places) as the end-to-end tests do, creates an
invite and waits until the worker enriched it (photo, rating) and republished it, then loads it in
Debian's Chromium through the edge with Lighthouse's mobile throttling applied through the
DevTools protocol: 150 ms round trip, 1.6 Mbps down, 750 Kbps up, the CPU slowed four times, a
412×823 phone screen. Each load gets a fresh browser context with the cache disabled; the table
shows the median of the runs, the page's compressed weight (HTML + CSS + JS, gzip, as the edge
sends it) and the targets. Without DATABASE_URL / REDIS_URL, embedded servers are used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.db.migrate import migrate  # noqa: E402
from tablefor.services import resolved_environment  # noqa: E402
from tests.conftest import TEST_DATA_DIR, ServiceUrls, _admin, database_url_for  # noqa: E402
from tests.e2e.conftest import System, running_system  # noqa: E402

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TARGET_LCP_S = 1.2
TARGET_CLS = 0.02
TARGET_WEIGHT = 30 * 1024
# Lighthouse's mobile preset (the "simulated" figures), applied as DevTools throttling.
RTT_MS = 150
DOWN_KBPS = 1638.4
UP_KBPS = 750
CPU_SLOWDOWN = 4
PHONE = {"width": 412, "height": 823}
PHONE_SCALE = 1.75
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Runs in the page before its own script: collects what the browser reports, as Lighthouse does.
OBSERVE = """
window.__vitals = {lcp: 0, cls: 0};
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) window.__vitals.lcp = entry.startTime;
}).observe({type: "largest-contentful-paint", buffered: true});
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__vitals.cls += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""
INVITE = {
    "restaurant_name": "Toit",
    "area": "Indiranagar",
    "city": "Bengaluru",
    "title": "Asha’s farewell dinner",
    "host_name": "Asha",
    "message": "Last Saturday before I fly out — come eat, drink and say bye properly.",
    "party_size": 6,
}


@dataclass(frozen=True)
class Load:
    lcp_s: float
    cls: float
    lcp_element: str


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with started_system() as system:
        slug = enriched_invite(system)
        weight = compressed_weight(system, slug)
        loads = measure(system, slug, args.runs)
    print_report(loads, weight, slug)
    lcp = statistics.median(load.lcp_s for load in loads)
    cls = statistics.median(load.cls for load in loads)
    return 0 if lcp <= TARGET_LCP_S and cls <= TARGET_CLS and weight <= TARGET_WEIGHT else 1


@contextlib.contextmanager
def started_system() -> Iterator[System]:
    environ = {
        "TABLEFOR_DATA_DIR": str(TEST_DATA_DIR),
        **{k: os.environ[k] for k in ("DATABASE_URL", "REDIS_URL") if os.environ.get(k)},
    }
    with (
        resolved_environment(environ) as resolved,
        template_database(
            urls := ServiceUrls(resolved["DATABASE_URL"], resolved["REDIS_URL"])
        ) as template,
        tempfile.TemporaryDirectory(prefix="page-speed-") as directory,
        running_system(urls, template, Path(directory)) as system,
    ):
        yield system


@contextlib.contextmanager
def template_database(urls: ServiceUrls) -> Iterator[str]:
    name = f"tablefor_bench_{os.getpid()}"
    _admin(urls, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    try:
        asyncio.run(migrate(database_url_for(urls.database, name)))
        yield name
    finally:
        _admin(urls, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def enriched_invite(system: System) -> str:
    """An invite the worker has enriched (photo, rating) and republished, with a few answers."""
    starts_at = (datetime.now(UTC) + timedelta(days=12)).replace(microsecond=0).isoformat()
    created = httpx.post(
        f"{system.url}/api/invites",
        json={**INVITE, "starts_at": starts_at},
        headers=system.auth,
        timeout=10,
    )
    created.raise_for_status()
    slug: str = created.json()["slug"]
    for name, response in (("Meera Rao", "IN"), ("विकास", "IN"), ("Dev", "MAYBE")):
        httpx.post(
            f"{system.url}/api/invites/{slug}/rsvp",
            json={"response": response, "name": name},
            timeout=10,
        ).raise_for_status()
    _wait(lambda: _is_enriched(system, slug), "the worker to enrich and republish the invite")
    return slug


def _is_enriched(system: System, slug: str) -> bool:
    html = httpx.get(f"{system.url}/i/{slug}", timeout=5).text
    going = httpx.get(f"{system.url}/i/{slug}/rsvps.json", timeout=5).json()["going"]
    return 'srcset="' in html and "reviews" in html and going == 2 and "Meera" in html


def _wait(check: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError, KeyError, ValueError):
            if check():
                return
        time.sleep(0.25)
    raise SystemExit(f"timed out waiting for {what}")


def compressed_weight(system: System, slug: str) -> int:
    """HTML (with its inline CSS) and the script, as gzip bytes on the wire from the edge."""
    with httpx.Client(base_url=system.url, headers={"Accept-Encoding": "gzip"}) as client:
        html = client.get(f"/i/{slug}")
        script = client.get(html.text.split('<script src="')[1].split('"')[0])
    for response in (html, script):
        assert response.headers.get("content-encoding") == "gzip", response.url
    return html.num_bytes_downloaded + script.num_bytes_downloaded


def measure(system: System, slug: str, runs: int) -> list[Load]:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            return [load_once(browser, f"{system.url}/i/{slug}", shot=n == 0) for n in range(runs)]
        finally:
            browser.close()


def load_once(browser: Browser, url: str, *, shot: bool) -> Load:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=PHONE_SCALE, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.add_init_script(OBSERVE)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": RTT_MS,
                "downloadThroughput": DOWN_KBPS * 1024 / 8,
                "uploadThroughput": UP_KBPS * 1024 / 8,
            },
        )
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(url, wait_until="load")
        page.wait_for_timeout(1500)  # late shifts and paints count too
        vitals = page.evaluate("window.__vitals")
        element = page.evaluate(LCP_ELEMENT)
        if shot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / "bench-enriched.png")
        return Load(lcp_s=vitals["lcp"] / 1000, cls=vitals["cls"], lcp_element=element)
    finally:
        context.close()


LCP_ELEMENT = """() => new Promise(resolve => new PerformanceObserver(list => {
  const last = list.getEntries().at(-1);
  const el = last && last.element;
  const name = el && el.className ? "." + el.className.split(" ")[0] : "";
  resolve(el ? el.tagName.toLowerCase() + name : "?");
}).observe({type: "largest-contentful-paint", buffered: true}))"""


def print_report(loads: list[Load], weight: int, slug: str) -> None:
    lcps = [load.lcp_s for load in loads]
    shifts = [load.cls for load in loads]
    lcp, cls = statistics.median(lcps), statistics.median(shifts)
    rows = [
        ("LCP (s)", f"{lcp:.3f}", " ".join(f"{v:.2f}" for v in lcps), f"≤ {TARGET_LCP_S}",
         lcp <= TARGET_LCP_S),
        ("CLS", f"{cls:.4f}", " ".join(f"{v:.3f}" for v in shifts), f"≤ {TARGET_CLS}",
         cls <= TARGET_CLS),
        ("HTML+CSS+JS gzip (bytes)", str(weight), "-", f"≤ {TARGET_WEIGHT}",
         weight <= TARGET_WEIGHT),
    ]  # fmt: skip
    load1, load5, load15 = os.getloadavg()
    print(f"page_speed: invite {slug}, enriched; {len(loads)} loads, each in a fresh context,")
    print(
        f"  cache disabled, {RTT_MS} ms RTT, {DOWN_KBPS} Kbps down, {UP_KBPS} Kbps up, "
        f"CPU ×{CPU_SLOWDOWN}, {PHONE['width']}×{PHONE['height']} @{PHONE_SCALE}x"
    )
    print(f"  LCP element: {', '.join(sorted({load.lcp_element for load in loads}))}")
    print(f"  load average: {load1:.2f} {load5:.2f} {load15:.2f} ({os.cpu_count()} CPUs)")
    print()
    print(f"{'metric':<26}{'median':>10}  {'runs':<30}{'target':>10}  ok")
    for name, median, runs, target, ok in rows:
        print(f"{name:<26}{median:>10}  {runs:<30}{target:>10}  {'yes' if ok else 'NO'}")
    print()
    print(f"screenshot of the measured page: {SCREENSHOTS / 'bench-enriched.png'}")
    print(f"browser tests' screenshots:      {SCREENSHOTS}/<state>.png")


if __name__ == "__main__":
    raise SystemExit(main())
