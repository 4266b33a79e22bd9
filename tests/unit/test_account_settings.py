"""Settings of sign-in: mail, OpenID Connect and the sign-in rate limits."""

from __future__ import annotations

import pytest

from core.errors import SettingsError
from core.settings import Limit, Settings

SERVICES = {"DATABASE_URL": "postgresql://db/tablefor", "REDIS_URL": "redis://cache:6379/0"}


def test_by_default_no_mail_server_and_no_issuer() -> None:
    settings = Settings.from_env(SERVICES)

    assert settings.mail.smtp_url is None
    assert settings.oidc is None
    assert settings.api.budgets[Limit.SIGN_IN].per_address is not None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"TABLEFOR_SMTP_URL": "smtp://mail:25"}, "TABLEFOR_MAIL_FROM: required"),
        ({"TABLEFOR_SMTP_URL": "http://mail"}, "TABLEFOR_SMTP_URL: expected a smtp/smtps URL"),
        ({"TABLEFOR_MAIL_FROM": "Tablefor"}, "TABLEFOR_MAIL_FROM: no e-mail address"),
        ({"TABLEFOR_MAIL_ATTEMPTS": "0"}, "TABLEFOR_MAIL_ATTEMPTS: must be between 1"),
        ({"TABLEFOR_OIDC_ISSUER": "https://issuer"}, "TABLEFOR_OIDC_AUDIENCE: required"),
    ],
)
def test_a_bad_value_names_the_variable(changes: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**SERVICES, **changes})
    assert caught.value.detail.startswith(message)


def test_a_password_in_the_smtp_url_is_not_printed() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**SERVICES, "TABLEFOR_SMTP_URL": "ftp://app:s3cret-pass@mail"})
    assert "s3cret-pass" not in caught.value.detail


def test_mail_and_oidc_settings_are_read() -> None:
    settings = Settings.from_env(
        {
            **SERVICES,
            "TABLEFOR_SMTP_URL": "smtps://app:pw@mail.example:465",
            "TABLEFOR_MAIL_FROM": "Tablefor <signin@tablefor.example>",
            "TABLEFOR_OIDC_ISSUER": "https://clerk.tablefor.example/",
            "TABLEFOR_OIDC_AUDIENCE": "tablefor",
            "TABLEFOR_OIDC_ALGORITHMS": "RS256, EdDSA",
            "TABLEFOR_LIMIT_SIGNIN_PER_ADDRESS": "3",
        }
    )

    assert settings.mail.smtp_url == "smtps://app:pw@mail.example:465"
    assert settings.oidc is not None
    assert settings.oidc.issuer == "https://clerk.tablefor.example/"  # exactly as `iss` says
    assert settings.oidc.algorithms == ("RS256", "EdDSA")
    per_address = settings.api.budgets[Limit.SIGN_IN].per_address
    assert per_address is not None and per_address.limit == 3
