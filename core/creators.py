"""Creating creators and tokens: shared by the CLI and the tests."""

from __future__ import annotations

import re

from core.db import creators
from core.db.pool import single_connection
from core.errors import InvalidInput
from core.secrets import digest, new_api_token

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{1,63}$")


def normalize_email(email: str) -> str:
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned):
        raise InvalidInput(f"{email!r} is not an e-mail address")
    return cleaned


async def add_creator(
    database_url: str, email: str, display_name: str | None
) -> tuple[creators.Creator, bool, str]:
    """The creator (made if new), whether it was made, and a new token (shown only now)."""
    address = normalize_email(email)
    name = " ".join(display_name.split())[:60] if display_name else None
    token = new_api_token()
    async with single_connection(database_url) as conn, conn.transaction():
        creator, created = await creators.upsert(conn, email=address, display_name=name)
        await creators.add_token(conn, creator_id=creator.id, token_hash=digest(token))
    return creator, created, token
