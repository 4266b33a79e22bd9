"""OpenID Connect bearer tokens: verified against the issuer's published keys.

The key set comes from the issuer's discovery document and JWKS, fetched with httpx (never a
blocking call on the event loop) and kept: refreshed in the background once it is older than
`jwks_max_age`, and fetched on a request only for a key id it does not know, at most once per
`jwks_cooldown`. When the issuer is down the keys already held keep working; a token signed with
an unknown key is refused. Only the configured asymmetric algorithms are accepted (so `none`,
and an HMAC "signed" with a public key, are refused), and a key is used only with an algorithm
of its own type.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import msgspec
from jwt import PyJWK
from jwt.exceptions import InvalidKeyError, PyJWKError

from core.errors import Unauthorized
from core.settings import OidcSettings

log = logging.getLogger("tablefor.api")

SKEW_S = 60  # the most clock difference tolerated in exp, nbf and iat
_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}
_REFUSALS: list[tuple[type[Exception], str]] = [
    (jwt.ExpiredSignatureError, "the token has expired"),
    (jwt.ImmatureSignatureError, "the token is not valid yet"),
    (jwt.InvalidAudienceError, "the token was issued for another audience"),
    (jwt.InvalidIssuerError, "the token comes from another issuer"),
    (jwt.MissingRequiredClaimError, "the token lacks a required claim"),
    (jwt.InvalidSignatureError, "the token's signature does not verify"),
]


class Identity(msgspec.Struct, frozen=True):
    issuer: str
    subject: str
    email: str | None  # only a verified one
    expires_at: float


class OidcVerifier:
    def __init__(
        self,
        settings: OidcSettings,
        *,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._client = client or httpx.AsyncClient(timeout=settings.timeout, follow_redirects=False)
        self._clock = clock
        self._jwks: dict[str, dict[str, Any]] = {}
        self._keys: dict[tuple[str, str], PyJWK] = {}
        self._jwks_uri: str | None = None
        self._fetched_at: float | None = None  # last successful fetch
        self._tried_at: float | None = None  # last attempt, successful or not
        self._lock = asyncio.Lock()
        self._refresh: asyncio.Task[None] | None = None
        self.fetches = 0  # attempts, for tests and logs

    async def start(self) -> None:
        """Fetch the keys once at start; an issuer that is down does not stop the API."""
        await self._fetch()

    async def aclose(self) -> None:
        if self._refresh is not None:
            self._refresh.cancel()
        await self._client.aclose()

    async def verify(self, token: str) -> Identity:
        """The verified identity in `token`; Unauthorized with the reason otherwise."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise Unauthorized("that bearer token is neither an API token nor a JWT") from None
        algorithm = header.get("alg")
        if algorithm not in self._settings.algorithms:
            raise Unauthorized(f"tokens signed with {algorithm!r} are not accepted")
        key = await self._key(header.get("kid"), str(algorithm))
        claims = self._decode(token, key, str(algorithm))
        return Identity(
            issuer=str(claims["iss"]),
            subject=str(claims["sub"]),
            email=_verified_email(claims),
            expires_at=float(claims["exp"]),
        )

    def _decode(self, token: str, key: PyJWK, algorithm: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self._settings.audience,
                issuer=self._settings.issuer,
                leeway=SKEW_S,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            reason = next((why for kind, why in _REFUSALS if isinstance(error, kind)), None)
            raise Unauthorized(reason or "the token is not valid") from None
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise Unauthorized("the token names no subject")
        return claims

    async def _key(self, kid: object, algorithm: str) -> PyJWK:
        self._refresh_if_old()
        name = self._known_kid(kid)
        if name is None and self._may_fetch():
            async with self._lock:
                if self._known_kid(kid) is None and self._may_fetch():
                    await self._fetch()
            name = self._known_kid(kid)
        if name is None:
            raise Unauthorized("the token is signed with a key the issuer does not publish")
        return self._usable_key(name, algorithm)

    def _known_kid(self, kid: object) -> str | None:
        if isinstance(kid, str):
            return kid if kid in self._jwks else None
        # No key id: acceptable only when the issuer publishes exactly one key.
        return next(iter(self._jwks)) if kid is None and len(self._jwks) == 1 else None

    def _usable_key(self, kid: str, algorithm: str) -> PyJWK:
        cached = self._keys.get((kid, algorithm))
        if cached is not None:
            return cached
        jwk = self._jwks[kid]
        stated = jwk.get("alg")
        if jwk.get("kty") != _KEY_TYPES.get(algorithm[:2]) or stated not in (None, algorithm):
            raise Unauthorized(f"the token's key cannot sign {algorithm}")
        try:
            key = PyJWK(jwk, algorithm=algorithm)
        except (PyJWKError, InvalidKeyError):
            raise Unauthorized(f"the token's key cannot sign {algorithm}") from None
        self._keys[(kid, algorithm)] = key
        return key

    def _may_fetch(self) -> bool:
        cooldown = self._settings.jwks_cooldown
        return self._tried_at is None or self._clock() - self._tried_at >= cooldown

    def _refresh_if_old(self) -> None:
        old = self._fetched_at is None or (
            self._clock() - self._fetched_at >= self._settings.jwks_max_age
        )
        busy = self._refresh is not None and not self._refresh.done()
        if old and not busy and self._may_fetch():
            self._refresh = asyncio.create_task(self._fetch_locked())

    async def _fetch_locked(self) -> None:
        async with self._lock:
            await self._fetch()

    async def _fetch(self) -> None:
        self._tried_at = self._clock()
        self.fetches += 1
        try:
            document = await self._get_json(await self._jwks_location())
            keys = {
                str(jwk["kid"]) if "kid" in jwk else "": jwk
                for jwk in document.get("keys", [])
                if isinstance(jwk, dict) and jwk.get("use") in (None, "sig")
            }
        except (httpx.HTTPError, ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning(
                "OpenID Connect keys unavailable; keeping the cached ones",
                extra={"error": str(error)},
            )
            return
        self._jwks, self._keys, self._fetched_at = keys, {}, self._clock()

    async def _jwks_location(self) -> str:
        if self._jwks_uri is None:
            issuer = self._settings.issuer
            discovery = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
            document = await self._get_json(discovery)
            if document.get("issuer") != issuer:
                raise ValueError("the discovery document names another issuer")
            self._jwks_uri = str(document["jwks_uri"])
        return self._jwks_uri

    async def _get_json(self, url: str) -> dict[str, Any]:
        response = await self._client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError(f"{url} did not answer a JSON object")
        return document


def _verified_email(claims: dict[str, Any]) -> str | None:
    email = claims.get("email")
    if claims.get("email_verified") is not True or not isinstance(email, str):
        return None
    cleaned = email.strip().lower()
    return cleaned if 3 <= len(cleaned) <= 254 and "@" in cleaned else None
