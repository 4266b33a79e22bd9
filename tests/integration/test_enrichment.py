"""Enrichment against the fake Places server (real HTTP), real PostgreSQL and storage: what a
provider returns, and what creators send, decide what pages show, and how far."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import lxml.html
import psycopg
import pytest

from cdn import layout
from core.creators import add_creator
from core.db import invites
from core.db.invites import InviteRow
from core.db.pool import connection
from core.settings import Settings
from devkit.fake_places.routes import HOSTILE_MAPS_URI, HOSTILE_WEBSITE
from workers import publishing
from workers.deps import Deps, opened_deps
from workers.og import og_card
from workers.snapshot import load

# A booking date within the two years ahead an invite may be (api/invite_actions.py).
NEXT_YEAR = datetime.now(UTC).year + 1

WHEN = (datetime.now(UTC) + timedelta(days=9)).replace(microsecond=0).isoformat()
TOIT = {"restaurant_name": "Toit", "area": "Indiranagar", "city": "Bengaluru", "starts_at": WHEN}
# Toit's real Swiggy id, as in its share links (bench/create_invites.py).
TOIT_SWIGGY_ID = "1271281"
# What a creator who knows it sends: the real id, another restaurant's name (one the fake
# Places server knows, so the lookup succeeds and has details to spread).
POISON = {
    "swiggy_restaurant_id": TOIT_SWIGGY_ID,
    "restaurant_name": "Farzi Cafe",
    "area": "Jubilee Hills",
    "city": "Hyderabad",
    "starts_at": WHEN,
}
# What another creator pastes: the real booking, with the real link.
REAL_BOOKING = (
    f"I have made a booking on 12 Dec {NEXT_YEAR}, 07:30 PM for 4 guest(s) at Toit, Indiranagar, "
    "Bangalore. Checkout the restaurant details here: "
    f"https://www.swiggy.com/restaurants/toit-indiranagar-bangalore-{TOIT_SWIGGY_ID}"
)
TOIT_ADDRESS = "298, 100 Feet Road"  # in the fake catalogue
FARZI_ADDRESS = "Road No. 45"


async def create(api: httpx.AsyncClient, auth: dict[str, str], **fields: Any) -> str:
    response = await api.post("/api/invites", json={**TOIT, **fields}, headers=auth)
    assert response.status_code == 201, response.text
    slug: str = response.json()["slug"]
    return slug


async def invite_row(deps: Any, slug: str) -> InviteRow:
    async with connection(deps.pool) as conn:
        row = await invites.get_by_slug(conn, slug=slug)
    assert row is not None
    return row


async def enrich_and_publish(deps: Any, slug: str) -> str:
    """What the worker does for an invite: enrich it, publish it; the page's HTML."""
    row = await invite_row(deps, slug)
    await deps.enricher.enrich(deps.pool, row)
    await publishing.publish(deps.publisher, row.id)
    page = deps.settings.storage.local_dir / layout.page_key(slug)
    return str(page.read_text())


@contextlib.asynccontextmanager
async def worker_deps(worker_env: dict[str, str], **extra: str) -> AsyncIterator[Deps]:
    async with opened_deps(Settings.from_env({**worker_env, **extra})) as opened:
        yield opened


async def other_creator(database_url: str, email: str) -> dict[str, str]:
    _, _, token = await add_creator(database_url, email, None)
    return {"Authorization": f"Bearer {token}"}


async def refresh(api: httpx.AsyncClient, auth: dict[str, str], slug: str) -> None:
    """POST /enrich: the creator asks for the restaurant to be looked up again."""
    response = await api.post(f"/api/invites/{slug}/enrich", headers=auth)
    assert response.status_code == 202, response.text


async def shown(api: httpx.AsyncClient, auth: dict[str, str], slug: str) -> dict[str, Any]:
    response = await api.get(f"/api/invites/{slug}", headers=auth)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def searches(fake_places: Any) -> int:
    return len([r for r in fake_places.requests if "searchText" in r.path])


def restaurant_of(database_url: str, slug: str) -> dict[str, Any]:
    with psycopg.connect(database_url) as conn:
        cursor = conn.execute(
            "SELECT r.* FROM invites i JOIN restaurants r ON r.id = i.restaurant_id "
            "WHERE i.slug = %s",
            (slug,),
        )
        names = [column.name for column in cursor.description or []]
        values = cursor.fetchone()
    assert values is not None, f"{slug} has no restaurant"
    return dict(zip(names, values, strict=True))


async def test_enriching_a_new_restaurant_costs_one_search_and_one_photo(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, fake_places: Any
) -> None:
    slug = await create(api, auth)
    fake_places.clear_billed()

    html = await enrich_and_publish(deps, slug)

    assert TOIT_ADDRESS in html and "4.5" in html  # the search alone brought it all
    assert fake_places.billed() == {"text_search_enterprise": 1, "place_details_photos": 1}


async def test_the_page_credits_google_maps_and_links_the_photos_author(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = await create(api, auth)

    html = await enrich_and_publish(deps, slug)

    stored = restaurant_of(database_url, slug)
    assert stored["photo_credit"] == "Asha Rao"
    assert stored["photo_credit_url"].startswith("https://maps.google.com/maps/contrib/")
    tree = lxml.html.fromstring(html)
    [author] = tree.xpath("//figcaption/a")
    assert (author.text, author.get("href")) == ("Asha Rao", stored["photo_credit_url"])
    assert [p.text_content() for p in tree.find_class("attribution")] == ["Google Maps"]
    async with connection(deps.pool) as conn:
        snapshot = await load(conn, invite_id=(await invite_row(deps, slug)).id)
    assert snapshot is not None
    assert og_card(snapshot).credit == "Photo: Asha Rao · Google Maps"  # drawn on the image


async def test_script_links_from_the_provider_never_reach_the_page(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str, fake_places: Any
) -> None:
    fake_places.set_fault("hostile_links")
    slug = await create(api, auth)

    html = await enrich_and_publish(deps, slug)

    stored = restaurant_of(database_url, slug)
    assert stored["address"] is not None and "100 Feet Road" in stored["address"]  # enriched
    assert (stored["website"], stored["maps_uri"]) == (None, None)
    hrefs = lxml.html.fromstring(html).xpath("//a/@href")
    assert hrefs and all(href.startswith(("https://", "http://", "/", "#")) for href in hrefs)
    assert HOSTILE_WEBSITE not in html and HOSTILE_MAPS_URI not in html
    assert "javascript:" not in html and "data:text/html" not in html


def test_the_database_refuses_a_script_link(database_url: str) -> None:
    with psycopg.connect(database_url) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO restaurants (place_ref, name, website) VALUES (%s, %s, %s)",
            ("google:x", "X", "javascript:alert(1)"),
        )


# Cross-tenant poisoning (issue 9, item 1): one creator's input never decides another's page.


@pytest.mark.parametrize("reuse_days", ["30", "0"])  # 0: every enrichment asks the provider
async def test_a_made_up_swiggy_id_first_cannot_decide_another_creators_restaurant(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    worker_env: dict[str, str],
    database_url: str,
    reuse_days: str,
) -> None:
    victim = await other_creator(database_url, "bala@example.com")
    async with worker_deps(worker_env, TABLEFOR_RESTAURANT_REUSE_DAYS=reuse_days) as deps:
        poisoned = await create(api, auth, **POISON)
        await enrich_and_publish(deps, poisoned)
        await refresh(api, auth, poisoned)
        await enrich_and_publish(deps, poisoned)

        real = await create(api, victim, text=REAL_BOOKING, starts_at=None)
        page = await enrich_and_publish(deps, real)
        await refresh(api, auth, poisoned)  # and again, once the victim's page is out
        await enrich_and_publish(deps, poisoned)
        page = await enrich_and_publish(deps, real)

    assert (await shown(api, victim, real))["restaurant"]["swiggy_restaurant_id"] == TOIT_SWIGGY_ID
    assert TOIT_ADDRESS in page and "https://toit.example" in page
    assert FARZI_ADDRESS not in page
    assert TOIT_ADDRESS in restaurant_of(database_url, real)["address"]
    assert FARZI_ADDRESS in restaurant_of(database_url, poisoned)["address"]  # its own name's


async def test_a_made_up_swiggy_id_later_is_set_aside_and_the_creator_told(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    victim = await other_creator(database_url, "bala@example.com")
    real = await create(api, victim, text=REAL_BOOKING, starts_at=None)
    await enrich_and_publish(deps, real)
    toit_before = restaurant_of(database_url, real)

    poisoned = await create(api, auth, **POISON)
    await enrich_and_publish(deps, poisoned)
    await refresh(api, auth, poisoned)
    await enrich_and_publish(deps, poisoned)
    await refresh(api, victim, real)  # the victim asks again: still theirs, and no warning
    page = await enrich_and_publish(deps, real)

    assert restaurant_of(database_url, real) == toit_before  # the shared row is untouched
    assert TOIT_ADDRESS in page and FARZI_ADDRESS not in page
    told = await shown(api, auth, poisoned)
    assert told["restaurant"]["swiggy_restaurant_id_ignored"] is True
    assert any("swiggy_restaurant_id 1271281 was not used" in w for w in told["warnings"])
    honest = await shown(api, victim, real)
    assert honest["restaurant"]["swiggy_restaurant_id_ignored"] is False
    assert honest["warnings"] == []


async def test_an_agreeing_swiggy_id_reuses_the_restaurant_without_a_search(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str, fake_places: Any
) -> None:
    first = await create(api, auth, text=REAL_BOOKING, starts_at=None)
    await enrich_and_publish(deps, first)
    before = searches(fake_places)

    # Another spelling (so not the same search), the same Swiggy id: the known Toit agrees.
    second = await create(
        api, auth, **{**TOIT, "restaurant_name": "Toit Bar", "swiggy_restaurant_id": TOIT_SWIGGY_ID}
    )
    await enrich_and_publish(deps, second)

    assert searches(fake_places) == before
    assert restaurant_of(database_url, second)["id"] == restaurant_of(database_url, first)["id"]
    assert (await shown(api, auth, second))["restaurant"]["swiggy_restaurant_id_ignored"] is False


async def test_the_same_search_is_reused_and_its_row_holds_only_what_the_provider_said(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str, fake_places: Any
) -> None:
    first = await create(api, auth, **{**TOIT, "restaurant_name": "toit", "city": "Bengaluru"})
    await enrich_and_publish(deps, first)
    before = searches(fake_places)
    second = await create(api, auth, **{**TOIT, "restaurant_name": "  TOIT  "})
    await enrich_and_publish(deps, second)

    row = restaurant_of(database_url, second)
    assert searches(fake_places) == before
    assert row["id"] == restaurant_of(database_url, first)["id"]
    assert row["name"] == "Toit" and row["place_ref"].startswith("google:ChIJ")
    assert not {"swiggy_id", "lookup_key", "area", "city"} & set(row)


async def test_a_place_no_provider_knows_gets_no_restaurant_and_is_not_searched_again(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str, fake_places: Any
) -> None:
    unknown = {**TOIT, "restaurant_name": "Nowhere Diner", "swiggy_restaurant_id": "424242"}
    first = await create(api, auth, **unknown)
    await enrich_and_publish(deps, first)
    before = searches(fake_places)
    second = await create(api, auth, **unknown)
    await enrich_and_publish(deps, second)

    with psycopg.connect(database_url) as conn:
        linked = conn.execute(
            "SELECT restaurant_id, enrich_state FROM invites WHERE slug = ANY(%s)",
            ([first, second],),
        ).fetchall()
    assert linked == [(None, "done"), (None, "done")]
    assert searches(fake_places) == before


async def test_purging_by_swiggy_id_finds_the_invites_at_its_restaurants(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    with_id = await create(api, auth, text=REAL_BOOKING, starts_at=None)
    await enrich_and_publish(deps, with_id)
    without_id = await create(api, auth, **TOIT)  # the same Toit, typed by hand
    await enrich_and_publish(deps, without_id)
    elsewhere = await create(api, auth, **{**POISON, "swiggy_restaurant_id": None})
    await enrich_and_publish(deps, elsewhere)

    async with connection(deps.pool) as conn:
        found = await invites.slugs_of_restaurant(conn, swiggy_id=TOIT_SWIGGY_ID)

    assert found == sorted([with_id, without_id])
