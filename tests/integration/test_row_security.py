"""Ownership enforced by PostgreSQL: the API's role sees a creator's rows only while acting for
that creator, whatever a query forgets to say."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import errors as pgerrors
from psycopg_pool import AsyncConnectionPool

from core.creators import add_creator
from core.db.pool import (
    API_ROLE,
    WORKER_ROLE,
    as_creator,
    as_recipient,
    connection,
    create_pool,
)
from core.settings import Settings
from tests.support.accounts import sign_in
from tests.support.dates import NEXT_YEAR

NEW_INVITE = {"restaurant_name": "Toit", "starts_at": f"{NEXT_YEAR}-12-12T19:30:00+05:30"}


@pytest.fixture
async def api_pool(settings: Settings) -> AsyncIterator[AsyncConnectionPool[Any]]:
    """A pool exactly as the API opens it."""
    pool = create_pool(settings.database, role=API_ROLE)
    await pool.open(wait=True)
    try:
        yield pool
    finally:
        await pool.close()


async def _two_creators(
    api: httpx.AsyncClient, browser: Any, database_url: str
) -> tuple[int, int, list[str], list[str]]:
    """Asha (a browser) and Ravi (a token), two invites each, an answer on each invite."""
    asha_client = await browser()
    asha = (await sign_in(asha_client, database_url, "asha@example.com")).json()["creator"]["id"]
    ravi_creator, _, ravi_token = await add_creator(database_url, "ravi@example.com", None)
    ravi_auth = {"Authorization": f"Bearer {ravi_token}"}
    asha_slugs, ravi_slugs = [], []
    for _ in range(2):
        headers = {"X-CSRF-Token": asha_client.cookies["tf_csrf"], "Origin": "http://invites.test"}
        asha_slugs.append(
            (await asha_client.post("/api/invites", json=NEW_INVITE, headers=headers)).json()[
                "slug"
            ]
        )
        ravi_slugs.append(
            (await api.post("/api/invites", json=NEW_INVITE, headers=ravi_auth)).json()["slug"]
        )
    for slug in asha_slugs + ravi_slugs:
        answer = {"response": "IN", "name": "Guest"}
        assert (await api.post(f"/api/invites/{slug}/rsvp", json=answer)).status_code == 200
    return asha, ravi_creator.id, asha_slugs, ravi_slugs


async def test_a_query_without_the_owner_filter_cannot_read_or_change_others_rows(
    api: httpx.AsyncClient, browser: Any, database_url: str, api_pool: AsyncConnectionPool[Any]
) -> None:
    asha, ravi, asha_slugs, ravi_slugs = await _two_creators(api, browser, database_url)

    async with as_creator(api_pool, asha) as conn:
        # Each statement "forgets" its WHERE creator_id = … on purpose.
        seen = [row[0] for row in await (await conn.execute("SELECT slug FROM invites")).fetchall()]
        retitled = (await conn.execute("UPDATE invites SET title = 'mine now'")).rowcount
        answers = await (await conn.execute("SELECT count(*) FROM rsvps")).fetchone()
        wiped = (await conn.execute("DELETE FROM rsvps")).rowcount
        people = await (await conn.execute("SELECT id FROM creators")).fetchall()
        tokens = await (await conn.execute("SELECT creator_id FROM api_tokens")).fetchall()
        sessions = await (await conn.execute("SELECT creator_id FROM sessions")).fetchall()
        gone = (await conn.execute("DELETE FROM invites")).rowcount

    assert sorted(seen) == sorted(asha_slugs)
    assert retitled == 2 and answers == (2,) and wiped == 2 and gone == 2
    assert people == [(asha,)]
    assert tokens == [] and sessions == [(asha,)]
    with psycopg.connect(database_url) as conn:  # the owner's view: Ravi's rows are untouched
        ravis = conn.execute(
            "SELECT slug, title, (SELECT count(*) FROM rsvps r WHERE r.invite_id = i.id)"
            " FROM invites i WHERE creator_id = %s ORDER BY slug",
            (ravi,),
        ).fetchall()
    assert ravis == [(slug, None, 1) for slug in sorted(ravi_slugs)]


async def test_the_api_role_cannot_write_rows_for_another_creator(
    api: httpx.AsyncClient, browser: Any, database_url: str, api_pool: AsyncConnectionPool[Any]
) -> None:
    asha, ravi, _, ravi_slugs = await _two_creators(api, browser, database_url)

    with pytest.raises(pgerrors.InsufficientPrivilege):
        async with as_creator(api_pool, asha) as conn:
            await conn.execute(
                "INSERT INTO api_tokens (creator_id, token_hash) VALUES (%s, 'x')", (ravi,)
            )
    async with as_creator(api_pool, asha) as conn:
        moved = await conn.execute(
            "UPDATE invites SET creator_id = %s WHERE slug = %s", (asha, ravi_slugs[0])
        )
        assert moved.rowcount == 0  # Ravi's invite is not there to be taken


async def test_outside_a_creator_transaction_the_api_role_sees_nothing(
    api: httpx.AsyncClient, browser: Any, database_url: str, api_pool: AsyncConnectionPool[Any]
) -> None:
    await _two_creators(api, browser, database_url)

    async with connection(api_pool) as conn:
        counts = await (
            await conn.execute(
                "SELECT (SELECT count(*) FROM invites), (SELECT count(*) FROM rsvps),"
                " (SELECT count(*) FROM creators), (SELECT count(*) FROM sessions)"
            )
        ).fetchone()
        role = await (await conn.execute("SELECT current_user")).fetchone()
        with pytest.raises(pgerrors.InsufficientPrivilege):
            await conn.execute("SELECT count(*) FROM restaurants")

    assert counts == (0, 0, 0, 0)
    assert role == (API_ROLE,)


async def test_a_recipients_answer_sees_only_the_invite_it_names(
    api: httpx.AsyncClient, browser: Any, database_url: str, api_pool: AsyncConnectionPool[Any]
) -> None:
    _, _, _, ravi_slugs = await _two_creators(api, browser, database_url)

    async with as_recipient(api_pool, ravi_slugs[0]) as conn:
        seen = await (await conn.execute("SELECT slug FROM invites")).fetchall()
        answers = await (await conn.execute("SELECT count(*) FROM rsvps")).fetchone()
        creators = await (await conn.execute("SELECT count(*) FROM creators")).fetchone()
        deleted = (await conn.execute("DELETE FROM invites")).rowcount

    assert seen == [(ravi_slugs[0],)]
    assert answers == (1,) and creators == (0,) and deleted == 0


async def test_the_worker_role_reads_every_invite_but_no_credentials(
    api: httpx.AsyncClient, browser: Any, database_url: str, settings: Settings
) -> None:
    await _two_creators(api, browser, database_url)
    pool = create_pool(settings.database, role=WORKER_ROLE)
    await pool.open(wait=True)
    try:
        async with connection(pool) as conn:
            invites = await (await conn.execute("SELECT count(*) FROM invites")).fetchone()
            answers = await (await conn.execute("SELECT count(*) FROM rsvps")).fetchone()
            with pytest.raises(pgerrors.InsufficientPrivilege):
                await conn.execute("SELECT token_hash FROM api_tokens")
    finally:
        await pool.close()

    assert invites == (4,) and answers == (4,)


async def test_the_credential_functions_are_not_for_everyone(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        granted = conn.execute(
            "SELECT p.proname FROM pg_proc p"
            " WHERE p.proname LIKE 'tablefor\\_%%' AND p.prosecdef"
            " AND has_function_privilege('public', p.oid, 'EXECUTE')"
        ).fetchall()
        definer = conn.execute(
            "SELECT count(*) FROM pg_proc WHERE proname LIKE 'tablefor\\_%%' AND prosecdef"
        ).fetchone()

    assert definer == (4,)
    assert granted == []
