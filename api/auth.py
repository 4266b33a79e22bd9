"""Who is calling: creators authenticate with bearer API tokens (the one seam for auth)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from api.state import Services
from core.db import creators
from core.db.pool import connection
from core.errors import Unauthorized
from core.secrets import TOKEN_PREFIX, digest

Caller = ASGIConnection[Any, Any, Any, Any]

_HINT = "send `Authorization: Bearer <token>`; an operator creates one with `tablefor creators add`"


def bearer_token(request: Caller) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(f"unsupported Authorization header; {_HINT}")
    return token.strip()


def known_creator(request: Caller, services: Services) -> int | None:
    """The creator of a token this process recently checked, without any I/O."""
    token = bearer_token(request)
    if token is None or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    return services.tokens.get(digest(token))


async def authenticate(request: Caller, services: Services) -> int:
    """The creator's id; raises Unauthorized for a missing, malformed or revoked token."""
    token = bearer_token(request)
    if token is None:
        raise Unauthorized(f"this needs a creator token; {_HINT}")
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise Unauthorized("that is not a Tablefor API token")
    token_hash = digest(token)
    creator_id = services.tokens.get(token_hash)
    if creator_id is None:
        async with connection(services.pool) as conn:
            creator_id = await creators.creator_for_token(conn, token_hash=token_hash)
        if creator_id is None:
            raise Unauthorized("unknown or revoked token")
        services.tokens.put(token_hash, creator_id)
    return creator_id


def client_ip(request: Caller) -> str:
    """The caller's address; X-Forwarded-For was already resolved against the trusted proxies."""
    return request.client.host if request.client else "unknown"
