"""The observability settings: who reads metrics, where opens wait, which DSN pages report to."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from core.addresses import is_allowed
from core.errors import SettingsError
from core.settings import Settings

SERVICES = {"DATABASE_URL": "postgresql://db/tablefor", "REDIS_URL": "redis://cache:6379/0"}


def test_by_default_metrics_are_for_loopback_and_opens_are_counted() -> None:
    settings = Settings.from_env({**SERVICES, "TABLEFOR_DATA_DIR": "/srv/tablefor"})

    assert [str(n) for n in settings.observability.metrics_allow] == ["127.0.0.1/32", "::1/128"]
    assert settings.opens.count is True
    assert settings.opens.spool_dir == Path("/srv/tablefor/opens")
    assert settings.observability.browser_dsn is None


def test_the_pages_report_to_the_back_ends_dsn_unless_told_otherwise() -> None:
    shared = Settings.from_env({**SERVICES, "SENTRY_DSN": "https://k@o1.ingest.sentry.io/1"})
    own = Settings.from_env(
        {
            **SERVICES,
            "SENTRY_DSN": "https://k@o1.ingest.sentry.io/1",
            "TABLEFOR_SENTRY_BROWSER_DSN": "https://b@o1.ingest.sentry.io/2",
        }
    )
    assert shared.observability.browser_dsn == "https://k@o1.ingest.sentry.io/1"
    assert own.observability.browser_dsn == "https://b@o1.ingest.sentry.io/2"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TABLEFOR_METRICS_ALLOW", "10.0.0.0/8,prometheus", "TABLEFOR_METRICS_ALLOW: 'prometheus'"),
        ("TABLEFOR_COUNT_OPENS", "sometimes", "TABLEFOR_COUNT_OPENS: expected true or false"),
        ("TABLEFOR_OPENS_INTERVAL", "0", "TABLEFOR_OPENS_INTERVAL: must be between"),
        ("TABLEFOR_SENTRY_BROWSER_DSN", "ftp://k@x/1", "TABLEFOR_SENTRY_BROWSER_DSN: expected"),
        ("TABLEFOR_LIMIT_ERRORS_PER_IP", "many", "TABLEFOR_LIMIT_ERRORS_PER_IP: expected a whole"),
    ],
)
def test_a_bad_value_names_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**SERVICES, name: value})
    assert message in caught.value.detail


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),  # IPv4 through an IPv6 socket
        ("10.0.0.5", False),
        ("not an address", False),
        (None, False),
    ],
)
def test_an_address_is_allowed_only_inside_the_networks(address: str | None, allowed: bool) -> None:
    networks = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))
    assert is_allowed(address, networks) is allowed
