"""What a person can do with their account: sign in and out, see and change who they are,
their sessions and API tokens, and delete it all."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime, timedelta

from redis.exceptions import RedisError

from api.access import enforce_address_budget
from api.account_schemas import (
    CreateToken,
    Me,
    NewToken,
    SessionList,
    SessionOut,
    SignInByEmail,
    TokenList,
    TokenOut,
    UpdateMe,
)
from api.auth import SESSION_LIFETIME_S, Caller
from api.credentials import Principal
from api.state import Services
from cdn import layout
from core import revocation
from core.creators import check_next_path, normalize_email
from core.db import creators, invites, removals, sessions, sign_in
from core.db.pool import act_for, as_creator, connection, transaction
from core.errors import Conflict, NotFound, Unauthorized
from core.secrets import digest, new_api_token, new_secret
from core.settings import Limit

log = logging.getLogger("tablefor.api")

LINK_REFUSED = "This sign-in link has expired or was already used; ask for a new one."
MAX_TOKENS = 100
_LINK_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


async def request_sign_in(request: Caller, services: Services, body: SignInByEmail) -> None:
    """Record the request and ask the worker to mail a link. The same work for every address,
    known or not; past an address's budget the request is dropped without a word."""
    email = normalize_email(body.email)
    next_path = check_next_path(body.next)
    if not await enforce_address_budget(request, services, Limit.SIGN_IN, digest(email).hex()):
        log.info("sign-in mail budget of an address spent; request dropped")
        return
    request_id = uuid.uuid4()
    async with connection(services.pool) as conn:
        await sign_in.request(conn, request_id=request_id, email=email, next_path=next_path)
    try:
        await services.queues.request_sign_in_mail(str(request_id))
    except (RedisError, OSError) as error:  # the sweep sends it from the recorded request
        log.warning("enqueue failed; the sweep will send the mail", extra={"error": str(error)})


async def sign_in_with_link(services: Services, token: str) -> tuple[Me, str]:
    """Use the link once: the creator (made on a first sign-in) and a new session's secret."""
    if not _LINK_TOKEN.match(token):
        raise Unauthorized(LINK_REFUSED)
    secret = new_secret()
    async with transaction(services.pool) as conn:
        signed = await sign_in.consume(conn, token_hash=digest(token))
        if signed is None:
            raise Unauthorized(LINK_REFUSED)
        await act_for(conn, signed.creator_id)
        await sessions.create(
            conn,
            creator_id=signed.creator_id,
            secret_hash=digest(secret),
            lifetime_s=SESSION_LIFETIME_S,
        )
        creator = await creators.get(conn, creator_id=signed.creator_id)
    assert creator is not None
    log.info("signed in", extra={"creator_id": creator.id, "new_creator": signed.created})
    return _me(creator, "email"), secret


async def sign_out(services: Services, principal: Principal) -> None:
    if principal.session_id is None:
        return
    async with as_creator(services.pool, principal.creator_id) as conn:
        await sessions.revoke(
            conn, creator_id=principal.creator_id, session_id=principal.session_id
        )
    await announce(services)


async def me(services: Services, principal: Principal) -> Me:
    async with as_creator(services.pool, principal.creator_id) as conn:
        creator = await creators.get(conn, creator_id=principal.creator_id)
    if creator is None:
        raise Unauthorized("this account no longer exists")
    return _me(creator, principal.via)


async def rename(services: Services, principal: Principal, body: UpdateMe) -> Me:
    name = " ".join(body.display_name.split()) if body.display_name else None
    async with as_creator(services.pool, principal.creator_id) as conn:
        creator = await creators.rename(
            conn, creator_id=principal.creator_id, display_name=name or None
        )
    if creator is None:
        raise Unauthorized("this account no longer exists")
    return _me(creator, principal.via)


async def delete_account(services: Services, principal: Principal) -> None:
    """The creator and every row of theirs go now; each invite's published folder is owed a
    removal (recorded in the same transaction, as for a deleted invite), which a worker pays."""
    async with as_creator(services.pool, principal.creator_id) as conn:
        slugs = await invites.slugs_owned(conn, creator_id=principal.creator_id)
        folders = {slug: layout.invite_prefix(slug) for slug in slugs}
        owed = await removals.owe_folders(conn, folders=folders)
        if not await creators.delete(conn, creator_id=principal.creator_id):
            raise NotFound("no such account")
    log.info("account deleted", extra={"creator_id": principal.creator_id, "invites": len(owed)})
    await announce(services)
    try:
        for removal_id in owed:
            await services.queues.request_removal(removal_id)
    except (RedisError, OSError) as error:  # the sweep runs the recorded removals
        log.warning("enqueue failed; the sweep will remove", extra={"error": str(error)})


async def list_sessions(services: Services, principal: Principal) -> SessionList:
    async with as_creator(services.pool, principal.creator_id) as conn:
        rows = await sessions.active(conn, creator_id=principal.creator_id)
    return SessionList(
        items=[
            SessionOut(
                id=row.id,
                created_at=row.created_at,
                last_seen_at=row.last_seen_at,
                expires_at=row.expires_at,
                current=row.id == principal.session_id,
            )
            for row in rows
        ]
    )


async def end_session(services: Services, principal: Principal, session_id: int) -> None:
    async with as_creator(services.pool, principal.creator_id) as conn:
        ended = await sessions.revoke(conn, creator_id=principal.creator_id, session_id=session_id)
    if not ended:
        raise NotFound("no such session")
    await announce(services)


async def end_all_sessions(services: Services, principal: Principal) -> int:
    async with as_creator(services.pool, principal.creator_id) as conn:
        ended = await sessions.revoke_all(conn, creator_id=principal.creator_id)
    await announce(services)
    return ended


async def list_tokens(services: Services, principal: Principal) -> TokenList:
    async with as_creator(services.pool, principal.creator_id) as conn:
        rows = await creators.active_tokens(conn, creator_id=principal.creator_id)
    return TokenList(
        items=[
            TokenOut(
                id=row.id,
                name=row.name,
                created_at=row.created_at,
                last_used_at=row.last_used_at,
                expires_at=row.expires_at,
            )
            for row in rows
        ]
    )


async def create_token(services: Services, principal: Principal, body: CreateToken) -> NewToken:
    token = new_api_token()
    name = " ".join(body.name.split())
    async with as_creator(services.pool, principal.creator_id) as conn:
        if await creators.count_active_tokens(conn, creator_id=principal.creator_id) >= MAX_TOKENS:
            raise Conflict(f"you have {MAX_TOKENS} tokens; revoke one before making another")
        row = await creators.add_token(
            conn,
            creator_id=principal.creator_id,
            token_hash=digest(token),
            name=name,
            expires_at=_days_ahead(body.expires_in_days),
        )
    return NewToken(
        id=row.id, name=row.name, token=token, created_at=row.created_at, expires_at=row.expires_at
    )


async def revoke_token(services: Services, principal: Principal, token_id: int) -> None:
    async with as_creator(services.pool, principal.creator_id) as conn:
        revoked = await creators.revoke_token(
            conn, creator_id=principal.creator_id, token_id=token_id
        )
    if not revoked:
        raise NotFound("no such token")
    await announce(services)


async def announce(services: Services) -> None:
    """A credential was revoked: this process forgets at once, every other within a poll."""
    services.credentials.forget()
    await revocation.announce(services.redis, services.settings.redis.key_prefix)


def _days_ahead(days: int | None) -> datetime | None:
    return None if days is None else datetime.now(UTC) + timedelta(days=days)


def _me(creator: creators.Creator, via: str) -> Me:
    return Me(
        id=creator.id,
        email=creator.email,
        display_name=creator.display_name,
        signed_in_with=via,
        created_at=creator.created_at,
    )
