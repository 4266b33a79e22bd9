"""No secret reaches an error report: each provider and purge adapter fails with its secret in
scope, the error is reported to a local Sentry ingestion endpoint, and the envelopes received
hold none of the configured secret values (local variables are still reported)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import sentry_sdk

from cdn.purge.base import PurgeRequest
from cdn.purge.cloudflare import CloudflarePurger
from cdn.purge.fastly import FastlyPurger
from core.observability import FILTERED, init_sentry, value_scrubber
from core.settings import Settings
from tests.support.fake_cdns import FakeCdns
from tests.support.fake_sentry import FakeSentry
from tests.support.processes import wait_for
from workers.providers.base import PlaceQuery
from workers.providers.google_places import GooglePlaces

GOOGLE_KEY = "AIzaSy-google-secret-0123456789"
FASTLY_TOKEN = "fastly-secret-token-0123456789"
CLOUDFLARE_TOKEN = "cloudflare-secret-token-0123456789"
DB_PASSWORD = "database-secret-password-0123"
REQUEST = PurgeRequest(keys=("slug-AbCdEfGhIjKlMn",), paths=("/i/AbCdEfGhIjKlMn",))


@pytest.fixture
def sentry(env: dict[str, str]) -> Iterator[tuple[FakeSentry, Settings]]:
    with FakeSentry() as fake:
        settings = Settings.from_env(
            {
                **env,
                "SENTRY_DSN": fake.dsn,
                "GOOGLE_PLACES_API_KEY": GOOGLE_KEY,
                "FASTLY_API_TOKEN": FASTLY_TOKEN,
                "CLOUDFLARE_API_TOKEN": CLOUDFLARE_TOKEN,
                "DATABASE_URL": f"postgresql://app:{DB_PASSWORD}@127.0.0.1:5432/tablefor",
            }
        )
        assert init_sentry(settings, component="test")
        try:
            yield fake, settings
        finally:
            sentry_sdk.get_client().close()
            sentry_sdk.get_global_scope().set_client(None)


async def _report(failing: Callable[[], Awaitable[Any]], fake: FakeSentry) -> str:
    """Run `failing`, report what it raises, and return the envelope's event as JSON text."""
    before = len(fake.events)
    with pytest.raises(Exception) as caught:
        await failing()
    sentry_sdk.capture_exception(caught.value)
    sentry_sdk.flush()
    wait_for(lambda: len(fake.events) > before, timeout=10, what="the event to arrive")
    return json.dumps(fake.events[-1])


def _assert_clean(event: str, *secrets: str) -> None:
    for secret in (*secrets, GOOGLE_KEY, FASTLY_TOKEN, CLOUDFLARE_TOKEN, DB_PASSWORD):
        assert secret not in event
    assert '"vars"' in event  # local variables are still reported, scrubbed


async def test_google_places_failure_reports_no_key(
    sentry: tuple[FakeSentry, Settings], fake_places: Any
) -> None:
    fake, _ = sentry
    fake_places.set_fault("server_error")
    places = GooglePlaces(GOOGLE_KEY, base_url=fake_places.base_url, timeout=2)
    try:
        event = await _report(lambda: places.search(PlaceQuery(name="Toit")), fake)
    finally:
        await places.aclose()
    _assert_clean(event)
    assert "workers.providers.google_places" in event  # raised inside the client


async def test_fastly_failure_reports_no_token(sentry: tuple[FakeSentry, Settings]) -> None:
    fake, _ = sentry
    with FakeCdns(fastly_token=FASTLY_TOKEN) as cdns:
        cdns.inject(10, status=500)
        purger = FastlyPurger(
            service_id=cdns.fastly_service,
            token=FASTLY_TOKEN,
            base_url=cdns.fastly_url,
            retry_delay=0.001,
        )
        try:
            event = await _report(lambda: purger.purge(REQUEST), fake)
        finally:
            await purger.aclose()
    _assert_clean(event)
    assert FILTERED in event  # its headers were a local variable: reported, scrubbed


async def test_cloudflare_failure_reports_no_token(sentry: tuple[FakeSentry, Settings]) -> None:
    fake, _ = sentry
    with FakeCdns(cloudflare_token="another-token-0123456789") as cdns:  # a 403 every time
        purger = CloudflarePurger(
            zone_id=cdns.cloudflare_zone,
            token=CLOUDFLARE_TOKEN,
            base_url=cdns.cloudflare_url,
            public_url="https://invites.tablefor.test",
            linger=0.01,
        )
        try:
            event = await _report(lambda: purger.purge(REQUEST), fake)
        finally:
            await purger.aclose()
    _assert_clean(event)


async def test_a_secret_in_any_string_of_an_event_is_replaced(
    sentry: tuple[FakeSentry, Settings],
) -> None:
    """The database password inside a connection string, as a message and as a local."""
    fake, settings = sentry
    url = settings.database.url

    async def fails() -> None:
        raise RuntimeError(f"could not connect to {url}")

    event = await _report(fails, fake)
    _assert_clean(event)
    assert f"app:{FILTERED}@127.0.0.1" in event


def test_the_settings_list_every_secret_they_read(env: dict[str, str]) -> None:
    settings = Settings.from_env(
        {
            **env,
            "GOOGLE_PLACES_API_KEY": GOOGLE_KEY,
            "CLOUDFLARE_API_TOKEN": CLOUDFLARE_TOKEN,
            "REDIS_URL": "redis://:redis-secret-password@127.0.0.1:6379/0",
            "AWS_SECRET_ACCESS_KEY": "aws-secret",
        }
    )
    assert {GOOGLE_KEY, CLOUDFLARE_TOKEN, "redis-secret-password", "aws-secret"} <= set(
        settings.observability.scrubbed
    )


def test_value_scrubbing_reaches_every_nesting() -> None:
    scrub = value_scrubber(["s3cr3t-value", "s3cr3t"])
    event = {"a": ["x s3cr3t-value y", {"s3cr3t": ("s3cr3t",)}], "n": 3}
    assert scrub(event) == {
        "a": [f"x {FILTERED} y", {FILTERED: [FILTERED]}],
        "n": 3,
    }
