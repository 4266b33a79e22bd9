"""Schemathesis fuzzes every operation of the OpenAPI schema against a real API process:
no input, however odd, may produce a 5xx."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from cdn.edge import free_port
from core.creators import add_creator
from tests.support.processes import TableforProcess, wait_for

pytestmark = pytest.mark.e2e

SOON = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()


def test_fuzzing_the_api_finds_no_server_error(
    env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    _, _, token = asyncio.run(add_creator(database_url, "fuzz@example.com", "Fuzz"))
    with TableforProcess(["api", "--port", str(port)], env, tmp_path / "api.log"):
        wait_for(lambda: _ready(base), timeout=30, what="the API")
        # One real invite, so operations on /invites/{slug} also reach existing rows.
        httpx.post(
            f"{base}/api/invites",
            json={"restaurant_name": "Toit", "starts_at": SOON},
            headers={"Authorization": f"Bearer {token}"},
        ).raise_for_status()
        command = [
            str(Path(sys.executable).parent / "st"),
            "run",
            f"{base}/api/schema/openapi.json",
        ]
        command += ["--checks", "not_a_server_error", "--max-examples", "40", "--seed", "20261124"]
        command += ["--header", f"Authorization: Bearer {token}", "--request-timeout", "10"]
        command += ["--workers", "1", "--no-color"]  # its threads trip a CPython 3.11 AST race
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "passed" in result.stdout


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
