"""OpenID Connect bearer tokens, against a local issuer over real HTTP signing real tokens."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import psycopg
import pytest

from core.creators import add_creator
from core.settings import Settings
from devkit.oidc_issuer import AUDIENCE, LocalIssuer
from tests.conftest import api_client
from tests.support.dates import NEXT_YEAR

NEW_INVITE = {"restaurant_name": "Toit", "starts_at": f"{NEXT_YEAR}-12-12T19:30:00+05:30"}


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        running.add_key("RSA")
        yield running


@asynccontextmanager
async def oidc_api(
    env: dict[str, str], issuer: LocalIssuer, cooldown: float = 0.0
) -> AsyncIterator[httpx.AsyncClient]:
    env |= {
        "TABLEFOR_OIDC_ISSUER": issuer.url,
        "TABLEFOR_OIDC_AUDIENCE": AUDIENCE,
        "TABLEFOR_OIDC_JWKS_COOLDOWN": str(cooldown),
    }
    async with api_client(Settings.from_env(env)) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_signs_in_and_finds_the_same_creator_again(
    env: dict[str, str], issuer: LocalIssuer, database_url: str
) -> None:
    kid = issuer.published[0]
    first = issuer.token(kid, sub="clerk|42", email="Meera@Example.com", email_verified=True)
    later = issuer.token(kid, sub="clerk|42", iat=int(time.time()) - 5)
    async with oidc_api(env, issuer) as api:
        me = await api.get("/api/me", headers=bearer(first))
        again = await api.get("/api/me", headers=bearer(later))
        made = await api.post("/api/invites", json=NEW_INVITE, headers=bearer(later))

    assert me.status_code == 200, me.text
    assert me.json()["signed_in_with"] == "oidc"
    assert me.json()["email"] == "meera@example.com"
    assert again.json()["id"] == me.json()["id"]
    assert made.status_code == 201  # no CSRF for bearer requests
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT issuer, subject FROM creator_identities").fetchall()
    assert rows == [(issuer.url, "clerk|42")]


async def test_es256_tokens_are_accepted(env: dict[str, str], issuer: LocalIssuer) -> None:
    kid = issuer.add_key("EC")
    async with oidc_api(env, issuer) as api:
        response = await api.get("/api/me", headers=bearer(issuer.token(kid, sub="ec-user")))

    assert response.status_code == 200, response.text


def _refusals(issuer: LocalIssuer) -> dict[str, tuple[str, str]]:
    kid = issuer.published[0]
    now = int(time.time())
    return {
        "expired": (issuer.token(kid, exp=now - 120), "the token has expired"),
        "wrong audience": (issuer.token(kid, aud="someone-else"), "another audience"),
        "wrong issuer": (issuer.token(kid, iss="https://evil.example"), "another issuer"),
        "not yet valid": (issuer.token(kid, nbf=now + 120), "not valid yet"),
        "issued in the future": (issuer.token(kid, iat=now + 120), "not valid yet"),
        "no subject": (issuer.token(kid, sub=None), "lacks a required claim"),
        "alg none": (issuer.unsigned_token(), "'none' are not accepted"),
        "hmac with the public key": (
            issuer.hmac_with_public_key(kid),
            "'HS256' are not accepted",
        ),
        "rs384 not configured": (issuer.token(kid, algorithm="RS384"), "not accepted"),
        "garbage": ("a.b.c", "neither an API token nor a JWT"),
        "tampered": (issuer.token(kid)[:-4] + "AAAA", "signature does not verify"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "expired",
        "wrong audience",
        "wrong issuer",
        "not yet valid",
        "issued in the future",
        "no subject",
        "alg none",
        "hmac with the public key",
        "rs384 not configured",
        "garbage",
        "tampered",
    ],
)
async def test_bad_tokens_are_refused_with_the_reason(
    env: dict[str, str], issuer: LocalIssuer, database_url: str, case: str
) -> None:
    token, reason = _refusals(issuer)[case]
    async with oidc_api(env, issuer) as api:
        response = await api.get("/api/me", headers=bearer(token))

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert reason in response.json()["detail"]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM creators").fetchone() == (0,)


async def test_a_little_clock_skew_is_tolerated(env: dict[str, str], issuer: LocalIssuer) -> None:
    kid = issuer.published[0]
    now = int(time.time())
    async with oidc_api(env, issuer) as api:
        just_expired = await api.get("/api/me", headers=bearer(issuer.token(kid, exp=now - 30)))
        early = await api.get("/api/me", headers=bearer(issuer.token(kid, iat=now + 30)))

    assert just_expired.status_code == 200
    assert early.status_code == 200


async def test_a_key_of_the_wrong_type_for_the_algorithm_is_refused(
    env: dict[str, str], issuer: LocalIssuer
) -> None:
    rsa_kid = issuer.published[0]
    ec_kid = issuer.add_key("EC")
    # ES256, signed with the EC key, but naming the RSA key: never tried as an EC key.
    mixed = issuer.token(ec_kid, algorithm="ES256", claimed_kid=rsa_kid)
    async with oidc_api(env, issuer) as api:
        response = await api.get("/api/me", headers=bearer(mixed))
        fine = await api.get("/api/me", headers=bearer(issuer.token(ec_kid)))

    assert response.status_code == 401
    assert response.json()["detail"] == "the token's key cannot sign ES256"
    assert fine.status_code == 200


async def test_rotated_keys_are_fetched_when_an_unknown_key_id_arrives(
    env: dict[str, str], issuer: LocalIssuer
) -> None:
    async with oidc_api(env, issuer) as api:
        first = await api.get("/api/me", headers=bearer(issuer.token(issuer.published[0])))
        fetches = issuer.jwks_fetches
        new_kid = issuer.rotate()
        rotated = await api.get("/api/me", headers=bearer(issuer.token(new_kid)))

    assert first.status_code == 200
    assert rotated.status_code == 200, rotated.text
    assert issuer.jwks_fetches == fetches + 1


async def test_with_the_issuer_down_cached_keys_work_and_unknown_keys_are_refused(
    env: dict[str, str], issuer: LocalIssuer
) -> None:
    old_kid = issuer.published[0]
    async with oidc_api(env, issuer, cooldown=60) as api:
        warm = await api.get("/api/me", headers=bearer(issuer.token(old_kid, sub="a")))
        issuer.down = True
        unknown_kid = issuer.rotate()
        cached = await api.get("/api/me", headers=bearer(issuer.token(old_kid, sub="b")))
        refused = [
            await api.get("/api/me", headers=bearer(issuer.token(unknown_kid, sub=f"u{n}")))
            for n in range(5)
        ]
        issuer.down = False
        # Up again, but within the cool-down: still refused without another fetch.
        still = await api.get("/api/me", headers=bearer(issuer.token(unknown_kid, sub="z")))

    assert warm.status_code == 200
    assert cached.status_code == 200
    assert [r.status_code for r in refused] == [401] * 5
    assert "does not publish" in refused[0].json()["detail"]
    assert still.status_code == 401
    assert issuer.jwks_fetches == 1  # the start-up fetch only: no fetch per request


async def test_only_a_verified_unused_email_is_taken(
    env: dict[str, str], issuer: LocalIssuer, database_url: str
) -> None:
    await add_creator(database_url, "taken@example.com", None)
    kid = issuer.published[0]
    unverified = issuer.token(kid, sub="s1", email="free@example.com", email_verified=False)
    taken = issuer.token(kid, sub="s2", email="taken@example.com", email_verified=True)
    async with oidc_api(env, issuer) as api:
        first = await api.get("/api/me", headers=bearer(unverified))
        second = await api.get("/api/me", headers=bearer(taken))

    assert first.json()["email"] is None
    assert second.json()["email"] is None  # accounts are never merged by e-mail
    assert second.json()["id"] != first.json()["id"]


async def test_without_an_issuer_configured_jwts_are_refused(
    api: httpx.AsyncClient, issuer: LocalIssuer
) -> None:
    response = await api.get("/api/me", headers=bearer(issuer.token(issuer.published[0])))

    assert response.status_code == 401
    assert "no issuer is configured" in response.json()["detail"]


def test_settings_refuse_symmetric_algorithms_and_plain_http_issuers() -> None:
    from core.errors import SettingsError

    base: dict[str, Any] = {
        "DATABASE_URL": "postgresql://db/x",
        "REDIS_URL": "redis://r",
        "TABLEFOR_OIDC_AUDIENCE": "aud",
    }
    with pytest.raises(SettingsError, match="TABLEFOR_OIDC_ALGORITHMS"):
        Settings.from_env(
            base | {"TABLEFOR_OIDC_ISSUER": "https://x", "TABLEFOR_OIDC_ALGORITHMS": "HS256"}
        )
    with pytest.raises(SettingsError, match="must be https"):
        Settings.from_env(base | {"TABLEFOR_OIDC_ISSUER": "http://issuer.example"})
    with pytest.raises(SettingsError, match="TABLEFOR_OIDC_ISSUER: required"):
        Settings.from_env(base)
