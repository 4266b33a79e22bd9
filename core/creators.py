"""Creators, tokens and sign-in links as operators handle them: shared by the CLI and the tests.

These connect as the database's owner (the migrations' role), which row-level security does not
restrict: they are operator tools, not request paths.
"""

from __future__ import annotations

import re

import msgspec

from core.db import creators, sessions, sign_in
from core.db.pool import Connection, single_connection
from core.errors import InvalidInput, NotFound
from core.secrets import digest, new_api_token, new_secret

SIGN_IN_LINK_MINUTES = 15
SIGN_IN_LINK_LIFETIME_S = SIGN_IN_LINK_MINUTES * 60
CLI_TOKEN_NAME = "tablefor creators add"  # noqa: S105 - a label, not a secret

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{1,63}$")
# A same-site path to land on after signing in: "/" then no second slash or backslash (which
# browsers read as another host), no scheme, no spaces or control characters.
_NEXT_PATH = re.compile(r"^/(?![/\\])[^\s\\#\x00-\x1f\x7f]{0,511}$")


def normalize_email(email: str) -> str:
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned):
        raise InvalidInput(f"{email!r} is not an e-mail address")
    return cleaned


def check_next_path(path: str | None) -> str | None:
    if path is None:
        return None
    if not _NEXT_PATH.match(path):
        raise InvalidInput("`next` must be a path on this site, such as /new")
    return path


async def add_creator(
    database_url: str, email: str, display_name: str | None
) -> tuple[creators.Creator, bool, str]:
    """The creator (made if new), whether it was made, and a new token (shown only now)."""
    address = normalize_email(email)
    name = " ".join(display_name.split())[:60] if display_name else None
    token = new_api_token()
    async with single_connection(database_url) as conn, conn.transaction():
        creator, created = await creators.upsert(conn, email=address, display_name=name)
        await creators.add_token(
            conn, creator_id=creator.id, token_hash=digest(token), name=CLI_TOKEN_NAME
        )
    return creator, created, token


async def hand_out_link(
    database_url: str, email: str, *, next_path: str | None = None
) -> tuple[creators.Creator, bool, str]:
    """The creator (made if new), whether it was made, and a one-time sign-in token for them."""
    address = normalize_email(email)
    token = new_secret()
    async with single_connection(database_url) as conn, conn.transaction():
        creator, created = await creators.upsert(conn, email=address, display_name=None)
        await sign_in.hand_out(
            conn,
            email=address,
            next_path=check_next_path(next_path),
            token_hash=digest(token),
            lifetime_s=SIGN_IN_LINK_LIFETIME_S,
        )
    return creator, created, token


async def tokens_of(database_url: str, email: str) -> list[creators.TokenRow]:
    async with single_connection(database_url) as conn:
        creator = await _existing(conn, email)
        return await creators.active_tokens(conn, creator_id=creator.id)


class Revoked(msgspec.Struct, frozen=True):
    creator_id: int
    tokens: int
    sessions: int


async def revoke(database_url: str, target: str) -> Revoked:
    """`target` is a token's id (that token) or a creator's e-mail (every token and session)."""
    async with single_connection(database_url) as conn, conn.transaction():
        if target.isdigit():
            creator_id = await creators.revoke_token_by_id(conn, token_id=int(target))
            if creator_id is None:
                raise NotFound(f"no live token with id {target}")
            return Revoked(creator_id=creator_id, tokens=1, sessions=0)
        creator = await _existing(conn, target)
        tokens = await creators.revoke_all_tokens(conn, creator_id=creator.id)
        ended = await sessions.revoke_all(conn, creator_id=creator.id)
        return Revoked(creator_id=creator.id, tokens=tokens, sessions=ended)


async def _existing(conn: Connection, email: str) -> creators.Creator:
    creator = await creators.by_email(conn, email=normalize_email(email))
    if creator is None:
        raise NotFound(f"no creator with e-mail {email.strip()}")
    return creator
