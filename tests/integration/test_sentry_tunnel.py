"""/api/sentry-tunnel: the pages' errors reach our Sentry project through our own origin, and
nothing else gets through (no open relay, no requests to addresses a client chooses)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from api.error_reports import target_of
from core.observability import public_dsn
from core.settings import Settings
from tests.conftest import api_client
from tests.support.fake_sentry import FakeSentry
from tests.support.processes import eventually


@pytest.fixture
def sentry() -> Iterator[FakeSentry]:
    with FakeSentry() as fake:
        yield fake


def envelope(dsn: str, *items: tuple[dict[str, object], dict[str, object]]) -> bytes:
    lines = [json.dumps({"event_id": "a" * 32, "dsn": dsn})]
    for header, payload in items or ((_EVENT_ITEM, _event("boom")),):
        lines += [json.dumps(header), json.dumps(payload)]
    return ("\n".join(lines) + "\n").encode()


_EVENT_ITEM: dict[str, object] = {"type": "event"}


def _event(message: str) -> dict[str, object]:
    return {
        "event_id": "a" * 32,
        "platform": "javascript",
        "level": "error",
        "exception": {"values": [{"type": "TypeError", "value": message}]},
    }


def with_dsn(env: dict[str, str], dsn: str, **extra: str) -> Settings:
    return Settings.from_env({**env, "SENTRY_DSN": dsn, **extra})


async def test_an_error_of_the_page_reaches_our_sentry(
    env: dict[str, str], sentry: FakeSentry
) -> None:
    async with api_client(with_dsn(env, sentry.dsn)) as api:
        response = await api.post("/api/sentry-tunnel", content=envelope(sentry.dsn))
        await eventually(lambda: sentry.events, timeout=5, what="the forwarded event")

    assert response.status_code == 202
    [event] = sentry.events
    assert event["exception"]["values"][0]["value"] == "boom"


async def test_another_projects_dsn_is_refused_and_not_forwarded(
    env: dict[str, str], sentry: FakeSentry
) -> None:
    port = sentry.dsn.rsplit(":", 1)[1].split("/")[0]
    strangers = [
        "https://key@o123.ingest.sentry.io/99",  # someone else's project: an open relay
        f"http://publickey@127.0.0.1:{port}/43",  # our host, another project
        f"http://otherkey@127.0.0.1:{port}/42",  # our project, another key
        f"http://publickey@169.254.169.254:{port}/42",  # a server-side request to elsewhere
    ]
    async with api_client(with_dsn(env, sentry.dsn)) as api:
        statuses = [
            (await api.post("/api/sentry-tunnel", content=envelope(dsn))).status_code
            for dsn in strangers
        ]
        # A good one afterwards, so that waiting for it shows nothing else went through.
        await api.post("/api/sentry-tunnel", content=envelope(sentry.dsn))
        await eventually(lambda: sentry.events, timeout=5)

    assert statuses == [403, 403, 403, 403]
    assert len(sentry.events) == 1


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"not json\n{}\n", "not JSON"),
        (b'{"dsn": "DSN"}\n{"type": "attachment"}\n{}\n', "only `event`"),
        (b'{"dsn": "DSN"}\n{"type": "event"}\n[1, 2]\n', "not a JSON object"),
        (b'{"dsn": "DSN"}\n', "no event"),
        (b'{"dsn": "DSN"}\n{"type": "event", "length": 999}\n{}\n', "length"),
    ],
)
async def test_anything_but_a_small_envelope_of_events_is_refused_clearly(
    env: dict[str, str], sentry: FakeSentry, body: bytes, detail: str
) -> None:
    async with api_client(with_dsn(env, sentry.dsn)) as api:
        response = await api.post(
            "/api/sentry-tunnel", content=body.replace(b"DSN", sentry.dsn.encode())
        )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]


async def test_a_large_report_is_refused(env: dict[str, str], sentry: FakeSentry) -> None:
    huge = envelope(sentry.dsn, (_EVENT_ITEM, _event("x" * 40_000)))
    async with api_client(with_dsn(env, sentry.dsn)) as api:
        response = await api.post("/api/sentry-tunnel", content=huge)
    assert response.status_code == 413


async def test_reports_are_rate_limited_per_address(
    env: dict[str, str], sentry: FakeSentry
) -> None:
    settings = with_dsn(env, sentry.dsn, TABLEFOR_LIMIT_ERRORS_PER_IP="2")
    async with api_client(settings) as api:
        statuses = [
            (await api.post("/api/sentry-tunnel", content=envelope(sentry.dsn))).status_code
            for _ in range(3)
        ]
    assert statuses == [202, 202, 429]


async def test_without_a_dsn_there_is_no_tunnel(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/sentry-tunnel", content=envelope("https://k@x.io/1"))
    assert response.status_code == 404


def test_the_page_is_given_the_public_dsn_only() -> None:
    assert (
        public_dsn("https://pub:secret@o1.ingest.sentry.io/42")
        == "https://pub@o1.ingest.sentry.io/42"
    )
    assert public_dsn("https://o1.ingest.sentry.io/42") is None  # no key: not a DSN
    target = target_of("https://pub:secret@o1.ingest.sentry.io/prefix/42")
    assert target is not None
    assert target.envelope_url == "https://o1.ingest.sentry.io/prefix/api/42/envelope/"
    assert "secret" not in target.auth and "sentry_key=pub" in target.auth
