"""Enrichment against the fake Places server (real HTTP), real PostgreSQL and storage: what a
provider returns, and what creators send, decide what pages show, and how far."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import lxml.html
import psycopg
import pytest

from cdn import layout
from core.db import invites
from core.db.invites import InviteRow
from core.db.pool import connection
from devkit.fake_places.routes import HOSTILE_MAPS_URI, HOSTILE_WEBSITE
from workers import publishing

WHEN = (datetime.now(UTC) + timedelta(days=9)).replace(microsecond=0).isoformat()
TOIT = {"restaurant_name": "Toit", "area": "Indiranagar", "city": "Bengaluru", "starts_at": WHEN}


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
            "INSERT INTO restaurants (place_ref, lookup_key, name, website) "
            "VALUES (%s, %s, %s, %s)",
            ("google:x", "x||", "X", "javascript:alert(1)"),
        )
