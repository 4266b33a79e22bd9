"""Invite opens at the self-hosted edge: which requests count, and the collector's resilience."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from cdn.edge import plan_for, render_vcl
from core.settings import Settings
from tests.e2e.conftest import System
from tests.support.processes import wait_for

pytestmark = pytest.mark.e2e

WHEN = (datetime.now(UTC) + timedelta(days=8)).replace(microsecond=0).isoformat()
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def published(system: System) -> str:
    response = httpx.post(
        f"{system.url}/api/invites",
        json={"restaurant_name": "Toit", "starts_at": WHEN},
        headers=system.auth,
        timeout=10,
    )
    slug: str = response.json()["slug"]
    wait_for(lambda: httpx.get(f"{system.url}/i/{slug}").status_code == 200, timeout=30)
    return slug


def stats(system: System, slug: str) -> dict[str, Any]:
    response = httpx.get(f"{system.url}/api/invites/{slug}", headers=system.auth, timeout=10)
    body: dict[str, Any] = response.json()["stats"]
    return body


def get(system: System, path: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{system.url}{path}", headers=headers, timeout=10)


def spool_of(system: System) -> Path:
    return Path(system.env["TABLEFOR_DATA_DIR"]) / "opens"


def test_only_people_viewing_the_page_are_counted(system: System) -> None:
    slug = published(system)

    counted = [
        get(system, f"/i/{slug}", **{"User-Agent": PHONE}),
        get(system, f"/i/{slug}/?utm_source=whatsapp", **{"User-Agent": PHONE}),
    ]
    not_counted = [
        httpx.head(f"{system.url}/i/{slug}", headers={"User-Agent": PHONE}),
        get(system, f"/i/{slug}", **{"User-Agent": PHONE, "Sec-Purpose": "prefetch"}),
        get(system, f"/i/{slug}", **{"User-Agent": "WhatsApp/2.24.6.77 A"}),
        get(system, f"/i/{slug}", **{"User-Agent": "TelegramBot (like TwitterBot)"}),
        get(system, f"/i/{slug}", **{"User-Agent": "Twitterbot/1.0"}),
        get(system, f"/i/{slug}", **{"User-Agent": ""}),
        get(system, f"/i/{slug}/rsvps.json", **{"User-Agent": PHONE}),
        get(system, f"/i/{slug}/invite.ics", **{"User-Agent": PHONE}),
        get(system, "/i/NoSuchInvite99", **{"User-Agent": PHONE}),
    ]
    # A marker view on another invite: once it is counted, everything before it has been.
    marker = published(system)
    get(system, f"/i/{marker}", **{"User-Agent": PHONE})
    wait_for(lambda: stats(system, marker)["opens"] == 1, timeout=20, what="the marker")

    assert [r.status_code for r in counted] == [200, 200]
    assert [r.status_code for r in not_counted][:6] == [200] * 6
    assert stats(system, slug)["opens"] == 2
    assert stats(system, slug)["unique_opens"] == 1


def test_a_killed_collector_is_started_again_and_counting_goes_on(system: System) -> None:
    slug = published(system)
    collector = _collector_pid(system)
    os.kill(collector, signal.SIGKILL)
    wait_for(lambda: _collector_pid(system) not in (None, collector), timeout=20, what="restart")
    wait_for(lambda: _varnishncsa_running(system), timeout=10, what="varnishncsa")

    def viewed_and_counted() -> bool:
        get(system, f"/i/{slug}", **{"User-Agent": PHONE})
        return bool(stats(system, slug)["opens"])

    wait_for(viewed_and_counted, timeout=30, interval=1.0, what="views counted again")
    assert _collector_pid(system) != collector


def test_counting_can_be_turned_off(tmp_path: Path, settings: Settings) -> None:
    on = plan_for(
        data_dir=tmp_path,
        storage=settings.storage,
        purge=settings.purge,
        port=1,
        api_port=2,
        opens=settings.opens,
    )
    off = plan_for(
        data_dir=tmp_path,
        storage=settings.storage,
        purge=settings.purge,
        port=1,
        api_port=2,
        opens=Settings.from_env({**_env(settings), "TABLEFOR_COUNT_OPENS": "false"}).opens,
    )

    assert on.opens_spool == settings.opens.spool_dir and "std.log(" in render_vcl(on)
    assert off.opens_spool is None and "std.log(" not in render_vcl(off)
    assert "acl metrics_readers" in render_vcl(off)


def _env(settings: Settings) -> dict[str, str]:
    return {
        "DATABASE_URL": settings.database.url,
        "REDIS_URL": settings.redis.url,
        "TABLEFOR_DATA_DIR": str(settings.data_dir),
    }


def _processes() -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            found.append((int(entry.name), command))
    return found


def _collector_pid(system: System) -> int | None:
    spool = str(spool_of(system))
    pids = [pid for pid, cmd in _processes() if "cdn.collector" in cmd and spool in cmd]
    return pids[0] if pids else None


def _varnishncsa_running(system: System) -> bool:
    varnish_dir = str(Path(system.env["TABLEFOR_DATA_DIR"]) / "edge" / "varnish")
    return any("varnishncsa" in cmd and varnish_dir in cmd for _, cmd in _processes())
