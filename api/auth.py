"""Who is calling: the one seam for authentication.

A creator proves who they are with one of:
- `Authorization: Bearer tf_…`, an API token (scripts);
- `Authorization: Bearer <JWT>`, an OpenID Connect token from TABLEFOR_OIDC_ISSUER;
- the `tf_session` cookie a sign-in link set (browsers). A cookie-authenticated request that
  changes something must also send `X-CSRF-Token` (the `tf_csrf` cookie's value, derived from
  the session) and an Origin (or Referer) of TABLEFOR_PUBLIC_URL: a page on another site can
  make the browser send the cookie, but cannot read it or set that header.

Every secret is looked up by its SHA-256. Answers are remembered briefly (api/credentials.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie

from api.credentials import Principal
from api.state import Services
from core.db import creators, sessions, sign_in
from core.db.pool import connection
from core.errors import Forbidden, Unauthorized
from core.secrets import TOKEN_PREFIX, csrf_token, digest, same_secret

Caller = ASGIConnection[Any, Any, Any, Any]

SESSION_COOKIE = "tf_session"
CSRF_COOKIE = "tf_csrf"
CSRF_HEADER = "X-CSRF-Token"
SESSION_LIFETIME_S = 30 * 86_400
RENEWED = "session_renewed"  # request state: the session's expiry slid; send the cookies again

_HINT = "sign in, or send `Authorization: Bearer <token>` (an API token or an OpenID Connect JWT)"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_MAX_TOKEN = 100
_MAX_JWT = 8192
_MAX_COOKIE = 100


class Credential(msgspec.Struct, frozen=True):
    kind: str  # "token" | "jwt" | "session"
    secret: str

    @property
    def cache_key(self) -> bytes:
        return self.kind.encode() + b":" + digest(self.secret)


def presented(request: Caller, services: Services, *, cookies: bool) -> Credential | None:
    """The credential the request carries (the session cookie only where `cookies`), checked
    for shape and, for a cookie on a request that changes something, for CSRF. No I/O."""
    header = request.headers.get("authorization")
    if header is not None:
        return _bearer(header)
    secret = request.cookies.get(SESSION_COOKIE) if cookies else None
    if not secret:
        return None
    if len(secret) > _MAX_COOKIE:
        raise Unauthorized("your session has ended; sign in again")
    if request.scope.get("method", "GET") not in _SAFE_METHODS:
        check_csrf(request, services.settings.api.public_url, secret)
    return Credential("session", secret)


def _bearer(header: str) -> Credential:
    scheme, _, value = header.partition(" ")
    token = value.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(f"unsupported Authorization header; {_HINT}")
    if token.startswith(TOKEN_PREFIX) and len(token) <= _MAX_TOKEN:
        return Credential("token", token)
    if token.count(".") == 2 and len(token) <= _MAX_JWT:
        return Credential("jwt", token)
    raise Unauthorized("that is not a Tablefor API token")


def check_csrf(request: Caller, public_url: str, session_secret: str) -> None:
    check_same_site(request, public_url, required=True)
    sent = request.headers.get(CSRF_HEADER.lower())
    if not sent or not same_secret(sent, csrf_token(session_secret)):
        raise Forbidden(
            f"this request needs the {CSRF_HEADER} header: the value of the {CSRF_COOKIE} cookie"
        )


def check_same_site(request: Caller, public_url: str, *, required: bool) -> None:
    """Origin (or, without one, Referer) must be the public site. Browsers always send Origin
    with a cross-site POST; `required=False` lets clients that send neither (curl) through."""
    origin = request.headers.get("origin")
    if origin == "null":  # an opaque origin: a sandboxed frame, a privacy-stripped redirect
        raise Forbidden("cross-site requests are refused")
    if origin is None:
        referer = request.headers.get("referer")
        origin = _origin_of(referer) if referer else None
    if origin is None:
        if required:
            raise Forbidden("this request must come from the Tablefor site (no Origin or Referer)")
        return
    if origin.lower() != _origin_of(public_url):
        raise Forbidden("cross-site requests are refused")


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def known(services: Services, credential: Credential) -> Principal | None:
    """The caller, if this process checked the credential recently: no I/O."""
    return services.credentials.get(credential.cache_key)


async def authenticate(request: Caller, services: Services, credential: Credential) -> Principal:
    """The caller; Unauthorized for an unknown, expired or revoked credential."""
    cached = known(services, credential)
    if cached is not None:
        return cached
    generation = services.credentials.generation
    principal = await _look_up(request, services, credential)
    services.credentials.put(credential.cache_key, principal, generation=generation)
    return principal


async def _look_up(request: Caller, services: Services, credential: Credential) -> Principal:
    if credential.kind == "jwt":
        return await _oidc_principal(services, credential.secret)
    secret_hash = digest(credential.secret)
    async with connection(services.pool) as conn:
        if credential.kind == "token":
            token = await creators.token_owner(conn, token_hash=secret_hash)
            if token is None:
                raise Unauthorized("unknown, expired or revoked token")
            expires = token.expires_at.timestamp() if token.expires_at else None
            return Principal(creator_id=token.creator_id, via="token", valid_until=expires)
        session = await sessions.owner(conn, secret_hash=secret_hash, lifetime_s=SESSION_LIFETIME_S)
    if session is None:
        raise Unauthorized("your session has ended; sign in again")
    if session.renewed:
        request.state[RENEWED] = credential.secret
    return Principal(
        creator_id=session.creator_id,
        via="email",
        session_id=session.session_id,
        valid_until=session.expires_at.timestamp(),
    )


async def _oidc_principal(services: Services, token: str) -> Principal:
    if services.oidc is None:
        raise Unauthorized("this API accepts no OpenID Connect tokens (no issuer is configured)")
    identity = await services.oidc.verify(token)
    async with connection(services.pool) as conn:
        creator_id, _ = await sign_in.oidc_owner(
            conn, issuer=identity.issuer, subject=identity.subject, email=identity.email
        )
    return Principal(creator_id=creator_id, via="oidc", valid_until=identity.expires_at)


def unauthenticated() -> Unauthorized:
    return Unauthorized(f"this needs a signed-in creator; {_HINT}")


def session_cookies(secret: str, public_url: str) -> list[Cookie]:
    """The session (HttpOnly, for /api only) and its CSRF token (readable by the page)."""
    secure = public_url.startswith("https://")
    return [
        Cookie(
            key=SESSION_COOKIE,
            value=secret,
            path="/api",
            max_age=SESSION_LIFETIME_S,
            httponly=True,
            samesite="lax",
            secure=secure,
        ),
        Cookie(
            key=CSRF_COOKIE,
            value=csrf_token(secret),
            path="/",
            max_age=SESSION_LIFETIME_S,
            httponly=False,
            samesite="lax",
            secure=secure,
        ),
    ]


def cleared_cookies(public_url: str) -> list[Cookie]:
    secure = public_url.startswith("https://")
    return [
        Cookie(
            key=SESSION_COOKIE,
            value="",
            path="/api",
            max_age=0,
            httponly=True,
            samesite="lax",
            secure=secure,
        ),
        Cookie(key=CSRF_COOKIE, value="", path="/", max_age=0, samesite="lax", secure=secure),
    ]


def client_ip(request: Caller) -> str:
    """The caller's address; X-Forwarded-For was already resolved against the trusted proxies."""
    return request.client.host if request.client else "unknown"
