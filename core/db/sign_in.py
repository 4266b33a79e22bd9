"""Signing in: e-mail link requests and their tokens, and OpenID Connect identities.

The API writes a request (the address, nothing read back: the same work whether or not the
address is a creator's). The worker issues the link's token when it sends the mail, storing only
its hash; a new attempt issues a new token. Consuming a link and finding an OpenID Connect
subject's creator go through SECURITY DEFINER functions (migrations/0041_row_security.sql).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec
from psycopg.rows import class_row

from core.db.pool import Connection


class Mailing(msgspec.Struct, frozen=True):
    """What a sign-in mail needs, once its token is issued."""

    email: str
    next_path: str | None
    expires_at: datetime


class SignedIn(msgspec.Struct, frozen=True):
    creator_id: int
    created: bool
    next_path: str | None


_REQUEST = """
INSERT INTO sign_in_requests (id, email, next_path) VALUES (%(id)s, %(email)s, %(next_path)s)
"""

_ISSUE = """
UPDATE sign_in_requests SET token_hash = %(hash)s,
    expires_at = now() + make_interval(secs => %(lifetime)s)
WHERE id = %(id)s AND sent_at IS NULL AND used_at IS NULL
RETURNING email, next_path, expires_at
"""

_MARK_SENT = "UPDATE sign_in_requests SET sent_at = now() WHERE id = %(id)s"
_MARK_FAILED = """
UPDATE sign_in_requests SET failed_at = now(), token_hash = NULL, expires_at = NULL
WHERE id = %(id)s AND sent_at IS NULL
"""
_REOPEN = "UPDATE sign_in_requests SET failed_at = NULL WHERE id = %(id)s AND sent_at IS NULL"

# Requests whose job was lost: older than a grace (younger ones are still in the queue), and
# younger than a limit (a sign-in mail hours late helps nobody).
_UNSENT = """
SELECT id FROM sign_in_requests
WHERE sent_at IS NULL AND failed_at IS NULL
    AND created_at < now() - make_interval(secs => %(grace)s)
    AND created_at > now() - make_interval(secs => %(max_age)s)
ORDER BY created_at LIMIT %(limit)s
"""

# Operators: a link handed out directly (`tablefor creators link`), not mailed.
_HAND_OUT = """
INSERT INTO sign_in_requests (id, email, next_path, token_hash, sent_at, expires_at)
VALUES (%(id)s, %(email)s, %(next_path)s, %(hash)s, now(),
    now() + make_interval(secs => %(lifetime)s))
"""

_CONSUME = "SELECT creator_id, created, next_path FROM tablefor_sign_in(%(hash)s)"
_OIDC_OWNER = "SELECT creator_id, created FROM tablefor_oidc_owner(%(iss)s, %(sub)s, %(email)s)"

_PRUNE = """
DELETE FROM sign_in_requests WHERE id IN (
    SELECT id FROM sign_in_requests
    WHERE created_at < now() - make_interval(secs => %(older_than)s) LIMIT %(limit)s
)
"""


async def request(
    conn: Connection, *, request_id: uuid.UUID, email: str, next_path: str | None
) -> None:
    await conn.execute(_REQUEST, {"id": request_id, "email": email, "next_path": next_path})


async def issue(
    conn: Connection, *, request_id: uuid.UUID, token_hash: bytes, lifetime_s: int
) -> Mailing | None:
    """Give the request a new token; None if it was already sent, used or never made."""
    params = {"id": request_id, "hash": token_hash, "lifetime": lifetime_s}
    async with conn.cursor(row_factory=class_row(Mailing)) as cursor:
        await cursor.execute(_ISSUE, params)
        return await cursor.fetchone()


async def mark_sent(conn: Connection, *, request_id: uuid.UUID) -> None:
    await conn.execute(_MARK_SENT, {"id": request_id})


async def mark_failed(conn: Connection, *, request_id: uuid.UUID) -> None:
    """Dead-lettered: the link stops working and the sweep stops re-sending it."""
    await conn.execute(_MARK_FAILED, {"id": request_id})


async def reopen(conn: Connection, *, request_id: uuid.UUID) -> None:
    """A replayed dead letter: the request may be sent again."""
    await conn.execute(_REOPEN, {"id": request_id})


async def unsent(conn: Connection, *, grace: float, max_age: float, limit: int) -> list[uuid.UUID]:
    params = {"grace": grace, "max_age": max_age, "limit": limit}
    cursor = await conn.execute(_UNSENT, params)
    return [row[0] for row in await cursor.fetchall()]


async def hand_out(
    conn: Connection, *, email: str, next_path: str | None, token_hash: bytes, lifetime_s: int
) -> None:
    params = {
        "id": uuid.uuid4(),
        "email": email,
        "next_path": next_path,
        "hash": token_hash,
        "lifetime": lifetime_s,
    }
    await conn.execute(_HAND_OUT, params)


async def consume(conn: Connection, *, token_hash: bytes) -> SignedIn | None:
    """Use a link once, before it expires: its creator (made on first sign-in), or None."""
    async with conn.cursor(row_factory=class_row(SignedIn)) as cursor:
        await cursor.execute(_CONSUME, {"hash": token_hash})
        return await cursor.fetchone()


async def oidc_owner(
    conn: Connection, *, issuer: str, subject: str, email: str | None
) -> tuple[int, bool]:
    """The creator of an OpenID Connect subject (made on first sight), and whether it is new."""
    cursor = await conn.execute(_OIDC_OWNER, {"iss": issuer, "sub": subject, "email": email})
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0]), bool(row[1])


async def prune(conn: Connection, *, older_than_s: float, limit: int = 500) -> int:
    """Forget old requests (the addresses of people who never signed in among them)."""
    cursor = await conn.execute(_PRUNE, {"older_than": older_than_s, "limit": limit})
    return cursor.rowcount
