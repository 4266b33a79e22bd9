"""Unguessable identifiers and tokens, and how their hashes are kept."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SLUG_BYTES = 10  # 80 bits from the CSPRNG; base64url makes that 14 characters
SLUG_PATTERN = r"^[A-Za-z0-9_-]+$"
SLUG_SHAPE = r"[A-Za-z0-9_-]{12,14}"  # what the database accepts (migrations/0001)
TOKEN_PREFIX = "tf_"  # noqa: S105 - a prefix, not a secret


def new_slug() -> str:
    return secrets.token_urlsafe(SLUG_BYTES)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_secret() -> str:
    """32 random bytes, URL-safe: sign-in link tokens and session ids."""
    return secrets.token_urlsafe(32)


def csrf_token(session_secret: str) -> str:
    """The CSRF token that goes with a session: derived from its secret, so it needs no storage
    and cannot be forged or planted without the (HttpOnly) session cookie itself."""
    mac = hmac.new(session_secret.encode(), b"tablefor csrf", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def new_participant_key() -> str:
    return secrets.token_urlsafe(18)


def digest(secret: str) -> bytes:
    """SHA-256 is enough here: the secrets are 144+ random bits, so no stretching is needed."""
    return hashlib.sha256(secret.encode()).digest()
