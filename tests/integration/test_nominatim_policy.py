"""Nominatim's usage policy, as enrichment keeps it: one request a second for the whole
application, also across processes and while Redis is away, and results without an OSM object
taken as places."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import lxml.html
import pytest
import redis.asyncio as aioredis

from cdn import layout
from core.db import invites
from core.db.invites import InviteRow
from core.db.pool import connection
from core.ratelimit import RateLimiter
from devkit.fake_places.server import FakePlacesServer
from tests.conftest import ServiceUrls
from tests.integration.test_enrichment import create, restaurant_of
from tests.support.processes import eventually
from tests.support.tcpproxy import TcpProxy, redis_target
from workers import publishing
from workers.enrichment import Enricher, ProviderSlot
from workers.providers.base import PlaceQuery, ProviderError
from workers.providers.matching import choose
from workers.providers.nominatim import Nominatim
from workers.providers.setup import NOMINATIM_RATE

USER_AGENT = "Tablefor-tests/0.1 (tests@tablefor.invalid)"
PLACES = [
    {"restaurant_name": "Toit", "area": "Indiranagar", "city": "Bengaluru"},
    {"restaurant_name": "Bastian", "area": "Worli", "city": "Mumbai"},
    {"restaurant_name": "Olive Beach", "area": "Ashok Nagar", "city": "Bengaluru"},
    {"restaurant_name": "Smoke House Deli", "area": "Ashok Nagar", "city": "Bengaluru"},
]


@contextlib.asynccontextmanager
async def worker_process(
    redis_url: str, prefix: str, fake: FakePlacesServer, storage: Any
) -> AsyncIterator[Enricher]:
    """What one worker process has: its own Nominatim client (spacing only its own requests),
    its own Redis connection, and the limiter prefix every process shares."""
    client = aioredis.Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=1)
    nominatim = Nominatim(base_url=fake.base_url, user_agent=USER_AGENT)
    enricher = Enricher(
        [ProviderSlot(nominatim, NOMINATIM_RATE, shared_only=True)],
        storage=storage,
        limiter=RateLimiter(client, prefix=prefix),
        reuse=timedelta(days=30),
        removal_delay=0.0,
    )
    try:
        yield enricher
    finally:
        await enricher.aclose()
        await client.aclose()


async def rows(deps: Any, slugs: list[str]) -> list[InviteRow]:
    async with connection(deps.pool) as conn:
        found = [await invites.get_by_slug(conn, slug=slug) for slug in slugs]
    assert all(found)
    return [row for row in found if row]


async def enriched_once_redis_answers(enricher: Enricher, deps: Any, row: InviteRow) -> Any:
    """The job's next attempt: paused again while the limiter still counts Redis as down."""
    try:
        return await enricher.enrich(deps.pool, row)
    except ProviderError as error:
        if not (error.retryable and "paused" in str(error)):
            raise
        return None


def searches(fake: FakePlacesServer) -> list[float]:
    return [r.at for r in fake.requests if r.route == "/search"]


async def test_two_processes_together_send_one_request_a_second(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    deps: Any,
    urls: ServiceUrls,
    fake_places: FakePlacesServer,
) -> None:
    slugs = [await create(api, auth, **place) for place in PLACES]
    first, second, third, fourth = await rows(deps, slugs)
    prefix = f"test-nominatim-{uuid.uuid4().hex[:8]}"
    storage = deps.publisher.storage

    async with (
        worker_process(urls.redis, prefix, fake_places, storage) as one,
        worker_process(urls.redis, prefix, fake_places, storage) as other,
    ):

        async def enrich_all(enricher: Enricher, invites: list[InviteRow]) -> None:
            for row in invites:
                await enricher.enrich(deps.pool, row)

        await asyncio.gather(enrich_all(one, [first, third]), enrich_all(other, [second, fourth]))

    arrivals = searches(fake_places)
    assert len(arrivals) == 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert min(gaps) >= 0.95, gaps  # each process alone would have sent two at once
    assert all(restaurant_of(deps.settings.database.url, slug)["address"] for slug in slugs)


async def test_nominatim_pauses_while_the_shared_limiter_is_unreachable(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    deps: Any,
    urls: ServiceUrls,
    fake_places: FakePlacesServer,
) -> None:
    [row] = await rows(deps, [await create(api, auth, **PLACES[0])])
    proxy = TcpProxy(*redis_target(urls.redis))
    await proxy.start()
    through_proxy = f"redis://127.0.0.1:{proxy.port}/0"
    prefix = f"test-nominatim-{uuid.uuid4().hex[:8]}"
    try:
        async with worker_process(through_proxy, prefix, fake_places, deps.publisher.storage) as w:
            await proxy.cut()
            with pytest.raises(ProviderError) as paused:
                await w.enrich(deps.pool, row)
            assert searches(fake_places) == []  # no per-process guess sent anything

            await proxy.restore()
            outcome = await eventually(
                lambda: enriched_once_redis_answers(w, deps, row), timeout=10
            )
    finally:
        await proxy.cut()

    assert paused.value.retryable and "paused" in str(paused.value)
    assert outcome.restaurant_id is not None and len(searches(fake_places)) == 1


async def test_a_result_without_an_osm_object_is_a_place_all_the_same(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    deps: Any,
    urls: ServiceUrls,
    fake_places: FakePlacesServer,
) -> None:
    hunger_camp = {"restaurant_name": "Hunger Camp", "area": "Sector 29", "city": "Gurugram"}
    nominatim = Nominatim(base_url=fake_places.base_url, user_agent=USER_AGENT)
    try:
        found = choose(
            PlaceQuery(name="Hunger Camp", city="Gurugram"),
            await nominatim.search(
                PlaceQuery(name="Hunger Camp", area="Sector 29", city="Gurugram")
            ),
        )
    finally:
        await nominatim.aclose()
    [row] = await rows(deps, [slug := await create(api, auth, **hunger_camp)])
    prefix = f"test-nominatim-{uuid.uuid4().hex[:8]}"
    async with worker_process(urls.redis, prefix, fake_places, deps.publisher.storage) as w:
        await w.enrich(deps.pool, row)
    await publishing.publish(deps.publisher, row.id)
    page = (deps.settings.storage.local_dir / layout.page_key(slug)).read_text()

    assert found is not None and found.ref.startswith("place/")
    assert found.maps_uri == (
        "https://www.openstreetmap.org/?mlat=28.4675&mlon=77.0622#map=18/28.4675/77.0622"
    )
    stored = restaurant_of(deps.settings.database.url, slug)
    assert stored["place_ref"] == f"nominatim:{found.ref}"
    assert "Sector 29" in stored["address"]
    assert stored["expires_at"] is None  # open data: no deadline (workers/expiry.py)
    [credit] = lxml.html.fromstring(page).find_class("attribution")
    assert " ".join(credit.text_content().split()) == "© OpenStreetMap contributors"
    assert credit.xpath("a/@href") == ["https://www.openstreetmap.org/copyright"]
    assert "Google Maps" not in page
