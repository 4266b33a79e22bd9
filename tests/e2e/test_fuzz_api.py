"""Schemathesis fuzzes every operation of the OpenAPI schema against a real API process, and the
shapes a security review found are sent to every operation that takes them: no input, however
odd, may produce a 5xx."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from cdn.edge import free_port
from core.creators import add_creator
from tests.support.processes import TableforProcess, wait_for

pytestmark = pytest.mark.e2e

DEEP = b"[" * 30_000 + b"]" * 30_000
SOON = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class RunningApi:
    base: str
    token: str
    slug: str  # one real invite, so operations on /invites/{slug} also reach existing rows

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextlib.contextmanager
def running_api(env: dict[str, str], database_url: str, tmp_path: Path) -> Iterator[RunningApi]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    _, _, token = asyncio.run(add_creator(database_url, "fuzz@example.com", "Fuzz"))
    with TableforProcess(["api", "--port", str(port)], env, tmp_path / "api.log"):
        wait_for(lambda: _ready(base), timeout=30, what="the API")
        created = httpx.post(
            f"{base}/api/invites",
            json={"restaurant_name": "Toit", "starts_at": SOON},
            headers={"Authorization": f"Bearer {token}"},
        )
        created.raise_for_status()
        yield RunningApi(base, token, created.json()["slug"])


def test_fuzzing_the_api_finds_no_server_error(
    env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    with running_api(env, database_url, tmp_path) as api:
        command = [
            str(Path(sys.executable).parent / "st"),
            "run",
            f"{api.base}/api/schema/openapi.json",
        ]
        command += ["--checks", "not_a_server_error", "--max-examples", "40", "--seed", "20261124"]
        command += ["--header", f"Authorization: Bearer {api.token}", "--request-timeout", "10"]
        command += ["--workers", "1", "--no-color"]  # its threads trip a CPython 3.11 AST race
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "passed" in result.stdout


def test_control_characters_and_unreadable_bodies_are_refused_by_every_operation(
    env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    """Every string field of every JSON body (from the live schema) with a NUL or an ESC in it
    is a 422 naming the field; a body nested 30,000 deep, or not UTF-8, is a 400."""
    with running_api(env, database_url, tmp_path) as api, httpx.Client(base_url=api.base) as http:
        schema = http.get("/api/schema/openapi.json").json()
        operations = list(_json_operations(schema, api.slug))
        assert len(operations) >= 4  # create, edit, parse, answer at least
        for method, path, fields in operations:
            for field in fields:
                for bad in ("a\x00b", "a\x1bb"):
                    sent = http.request(method, path, json={field: bad}, headers=api.auth)
                    assert sent.status_code == 422, (method, path, field, sent.text)
                    assert f"`{field}`" in sent.json()["detail"]
            for raw in (DEEP, b'{"x": ' + DEEP + b"}", b'{"x": "\xff"}'):
                headers = {**api.auth, "Content-Type": "application/json"}
                sent = http.request(method, path, content=raw, headers=headers)
                assert sent.status_code == 400, (method, path, raw[:20], sent.text)
        for query in ("cursor=%00", "cursor=a%00b%1b", "limit=%00"):
            listed = http.get(f"/api/invites?{query}", headers=api.auth)
            assert 400 <= listed.status_code < 500, (query, listed.text)


def _json_operations(schema: dict[str, Any], slug: str) -> Iterator[tuple[str, str, list[str]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            body = _resolve(schema, content["application/json"]["schema"])
            fields = [
                name
                for name, prop in body.get("properties", {}).items()
                if _takes_text(schema, prop)
            ]
            yield method.upper(), path.replace("{slug}", slug), fields


def _takes_text(schema: dict[str, Any], prop: dict[str, Any]) -> bool:
    prop = _resolve(schema, prop)
    options = [_resolve(schema, p) for p in prop.get("anyOf", prop.get("oneOf", [prop]))]
    return any(o.get("type") == "string" and "format" not in o for o in options)


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = schema["components"]["schemas"][name]
    return node


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
