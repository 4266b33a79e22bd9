"""Settings come from the environment only, and bad values stop the process with one line."""

from __future__ import annotations

import pytest

from core.errors import SettingsError
from core.settings import Limit, RateLimit, Settings, limit_variables

SERVICES = {"DATABASE_URL": "postgresql://db/tablefor", "REDIS_URL": "redis://cache:6379/0"}


def test_defaults_need_only_the_services_and_hold_no_secrets() -> None:
    settings = Settings.from_env(SERVICES)
    assert settings.database.url == "postgresql://db/tablefor"
    assert settings.redis.url == "redis://cache:6379/0"
    assert settings.places.google_api_key is None
    assert settings.purge.fastly_api_token is None
    assert settings.purge.cloudflare_api_token is None
    assert settings.purge.secret is None
    assert settings.observability.sentry_dsn is None
    assert settings.api.public_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL: expected a postgresql/postgres URL"),
        ("REDIS_URL", "http://localhost", "REDIS_URL: expected a redis/rediss/unix URL"),
        ("TABLEFOR_DB_POOL_MAX", "lots", "TABLEFOR_DB_POOL_MAX: expected a whole number"),
        ("TABLEFOR_WORKER_CONCURRENCY", "0", "TABLEFOR_WORKER_CONCURRENCY: must be between 1"),
        ("TABLEFOR_STORAGE", "ftp", "TABLEFOR_STORAGE: expected one of local, s3"),
        ("TABLEFOR_TRUSTED_PROXIES", "10.0.0.0/8,nope", "TABLEFOR_TRUSTED_PROXIES: 'nope'"),
        ("TABLEFOR_PUBLIC_URL", "ftp://x", "TABLEFOR_PUBLIC_URL: expected a http/https URL"),
        ("GOOGLE_PLACES_API_KEY", "abc", "GOOGLE_PLACES_API_KEY: looks too short"),
        ("TABLEFOR_PURGE", "akamai", "TABLEFOR_PURGE: expected one of"),
        ("TABLEFOR_NOMINATIM_DISABLED", "perhaps", "TABLEFOR_NOMINATIM_DISABLED: expected true or"),
        ("TABLEFOR_PURGE_SECRET", "short", "TABLEFOR_PURGE_SECRET: looks too short"),
        ("TABLEFOR_PURGE_SECRET", 'a-long-secret-with"quote', "TABLEFOR_PURGE_SECRET: use 16"),
        ("TABLEFOR_PURGE_SECRET", "long but has spaces in it", "TABLEFOR_PURGE_SECRET: use 16"),
    ],
)
def test_a_bad_value_names_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**SERVICES, name: value})
    assert caught.value.detail.startswith(message)
    assert "\n" not in caught.value.detail


def test_s3_storage_requires_a_bucket() -> None:
    with pytest.raises(SettingsError, match="TABLEFOR_S3_BUCKET"):
        Settings.from_env({**SERVICES, "TABLEFOR_STORAGE": "s3"})


def test_a_password_in_a_bad_url_is_not_printed() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**SERVICES, "DATABASE_URL": "mysql://app:s3cret-pass@db/x"})
    assert "s3cret-pass" not in caught.value.detail


def test_limits_are_configurable() -> None:
    settings = Settings.from_env(
        {**SERVICES, "TABLEFOR_LIMIT_RSVP_PER_IP": "7", "TABLEFOR_LIMIT_RSVP_PER_IP_WINDOW": "30"}
    )
    assert (
        settings.api.budgets[Limit.RSVP].per_ip.limit,
        settings.api.budgets[Limit.RSVP].per_ip.window,
    ) == (7, 30)


def test_answers_have_a_per_invite_budget_too() -> None:
    default = Settings.from_env(SERVICES).api.budgets
    changed = Settings.from_env(
        {
            **SERVICES,
            "TABLEFOR_LIMIT_RSVP_PER_INVITE": "9",
            "TABLEFOR_LIMIT_RSVP_PER_INVITE_WINDOW": "60",
        }
    ).api.budgets

    assert default[Limit.RSVP].per_invite == RateLimit(limit=60, window=60)
    assert changed[Limit.RSVP].per_invite == RateLimit(limit=9, window=60)
    assert default[Limit.CREATE].per_invite is None
    # No single client, sending as fast as it may, can use up an invite's budget.
    per_ip, per_invite = default[Limit.RSVP].per_ip, default[Limit.RSVP].per_invite
    assert per_invite.limit / per_invite.window > per_ip.limit / per_ip.window
    assert "TABLEFOR_LIMIT_RSVP_PER_INVITE" in limit_variables(5)


@pytest.mark.parametrize("name", ["DATABASE_URL", "REDIS_URL"])
def test_the_services_are_required_once_resolved(name: str) -> None:
    """The command fills them in with embedded servers; Settings itself never guesses."""
    with pytest.raises(SettingsError, match=f"^{name}: not set"):
        Settings.from_env({key: value for key, value in SERVICES.items() if key != name})


def test_cloudflare_purges_by_tag_unless_the_origin_is_s3() -> None:
    """S3 sends no Cache-Tag header: with S3 storage the default is to purge by URL."""
    local = Settings.from_env(SERVICES)
    s3 = Settings.from_env({**SERVICES, "TABLEFOR_STORAGE": "s3", "TABLEFOR_S3_BUCKET": "b"})
    chosen = Settings.from_env(
        {
            **SERVICES,
            "TABLEFOR_STORAGE": "s3",
            "TABLEFOR_S3_BUCKET": "b",
            "CLOUDFLARE_PURGE_BY": "tags",
        }
    )

    assert local.purge.cloudflare_purge_by == "tags"
    assert s3.purge.cloudflare_purge_by == "urls"
    assert chosen.purge.cloudflare_purge_by == "tags"
    assert (s3.purge.cloudflare_urls_per_second, s3.purge.cloudflare_urls_per_request) == (800, 100)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CLOUDFLARE_PURGE_BY", "hosts", "CLOUDFLARE_PURGE_BY: expected one of tags, urls"),
        ("CLOUDFLARE_PURGE_URLS_PER_REQUEST", "501", "CLOUDFLARE_PURGE_URLS_PER_REQUEST: must be"),
    ],
)
def test_bad_cloudflare_purge_settings_name_the_variable(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({**SERVICES, name: value})


PRODUCTION = {**SERVICES, "TABLEFOR_ENVIRONMENT": "production"}


@pytest.mark.parametrize(
    "user_agent",
    [
        None,  # the default, with its placeholder contact
        "Tablefor/0.1 (invite pages; ops@tablefor.invalid)",
        "AshaInvites/1.0 (ops@example.com)",
        "AshaInvites/1.0 (https://invites.example)",
    ],
)
def test_production_refuses_nominatim_without_a_real_contact(user_agent: str | None) -> None:
    environ = PRODUCTION | ({"NOMINATIM_USER_AGENT": user_agent} if user_agent else {})
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert caught.value.detail.startswith("NOMINATIM_USER_AGENT: in production")
    assert "\n" not in caught.value.detail


def test_production_takes_a_real_contact_or_nominatim_off() -> None:
    real = "AshaInvites/1.0 (ops@asha-invites.in)"
    with_contact = Settings.from_env(PRODUCTION | {"NOMINATIM_USER_AGENT": real})
    disabled = Settings.from_env(PRODUCTION | {"TABLEFOR_NOMINATIM_DISABLED": "true"})
    development = Settings.from_env(SERVICES)  # the placeholder is fine away from production

    assert with_contact.places.nominatim_user_agent == real
    assert disabled.places.nominatim_base_url is None
    assert "tablefor.invalid" in development.places.nominatim_user_agent
    assert with_contact.observability.environment == "production"
