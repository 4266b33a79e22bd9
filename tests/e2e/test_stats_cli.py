"""`tablefor stats` as an operator runs it: one invite's conversion, or totals over a window."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from core.db import opens
from core.db.pool import single_connection
from core.settings import Settings
from tests.conftest import api_client

# Within the two years ahead an invite may be (api/invite_actions.py).
NEXT_YEAR = datetime.now(UTC).year + 1

pytestmark = pytest.mark.e2e

WHEN = (datetime.now(UTC) + timedelta(days=6)).isoformat()
PASTED = (
    "Booking confirmed at Toit, Indiranagar, Bangalore on "
    f"12 Dec {NEXT_YEAR}, 08:00 PM for 4 guests"
)


def tablefor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tablefor", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _traffic(settings: Settings, auth: dict[str, str]) -> str:
    """Two invites (one pasted, one typed), three answers, six views by four viewers."""
    async with api_client(settings) as api:
        pasted = (await api.post("/api/invites", json={"text": PASTED}, headers=auth)).json()
        typed = {"restaurant_name": "Toit", "starts_at": WHEN}
        await api.post("/api/invites", json=typed, headers=auth)
        for answer, name in (("IN", "Meera"), ("IN", "Vikas"), ("MAYBE", "Dev")):
            await api.post(
                f"/api/invites/{pasted['slug']}/rsvp", json={"response": answer, "name": name}
            )
    today = datetime.now(UTC).date()
    viewers = {(pasted["slug"], today, bytes([n]) * 8) for n in range(4)}
    async with single_connection(settings.database.url) as conn:
        await opens.record_batch(
            conn, name="b1", lines=6, opens={(pasted["slug"], today): 6}, viewers=viewers
        )
    slug: str = pasted["slug"]
    return slug


def test_stats_of_one_invite_keeps_its_json_contract(
    env: dict[str, str], settings: Settings, auth: dict[str, str]
) -> None:
    slug = asyncio.run(_traffic(settings, auth))

    as_json = tablefor(env, "stats", slug, "--json")
    as_text = tablefor(env, "stats", slug)

    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert {k: report[k] for k in ("opens", "unique_opens", "answers", "conversion")} == {
        "opens": 6,
        "unique_opens": 4,
        "answers": {"IN": 2, "MAYBE": 1, "OUT": 0},
        "conversion": 0.75,
    }
    assert isinstance(report["conversion"], float)
    assert "opens: 6 (4 unique)" in as_text.stdout
    assert "conversion: 75.0%" in as_text.stdout


def test_operator_totals_cover_creates_parsing_enrichment_opens_and_answers(
    env: dict[str, str], settings: Settings, auth: dict[str, str]
) -> None:
    asyncio.run(_traffic(settings, auth))

    result = tablefor(env, "stats", "--json")
    later = tablefor(env, "stats", "--json", "--since", "2099-01-01")

    assert result.returncode == 0, result.stderr
    totals = json.loads(result.stdout)
    assert totals["creates"] == 2
    assert totals["parse"] == {"complete": 1, "warnings": 0, "incomplete": 0, "typed_in": 1}
    assert sum(totals["enrich"].values()) == 2
    assert (totals["opens"], totals["unique_opens"]) == (6, 4)
    assert totals["answers"] == {"IN": 2, "MAYBE": 1, "OUT": 0}
    assert totals["conversion"] == 0.75
    assert json.loads(later.stdout)["creates"] == 0


def test_an_unknown_invite_and_a_misused_option_fail_clearly(env: dict[str, str]) -> None:
    unknown = tablefor(env, "stats", "NoSuchInvite99")
    misused = tablefor(env, "stats", "NoSuchInvite99", "--since", "2026-01-01")

    assert unknown.returncode == 1 and "no invite NoSuchInvite99" in unknown.stderr
    assert misused.returncode == 2 and "--since" in misused.stderr
