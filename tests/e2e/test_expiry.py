"""Through the real edge: 30 days after Google's content was fetched, the page, its OG image and
the restaurant's photos that readers get hold nothing of it (issue 14, item 1).

The clock is moved by giving the expiry pass a `now` 30 days on; it runs in this process against
the system's database and queue, and the system's own worker publishes, removes and purges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import psycopg
import pytest

from cdn import layout
from core.settings import Settings
from tests.conftest import ServiceUrls
from tests.e2e.conftest import System, running_system
from tests.e2e.test_edge import create, page, settled
from tests.e2e.test_removals import cached, og_path
from tests.support.processes import wait_for
from workers import expiry
from workers.deps import opened_deps

pytestmark = pytest.mark.e2e

GOOGLE_MARKS = ("298, 100 Feet Road", "41,210", "Asha Rao", "Google Maps", "/r/")


@pytest.fixture(scope="module")
def quick(
    urls: ServiceUrls, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    extra = {"TABLEFOR_REMOVAL_DELAY": "1"}
    with running_system(urls, template_database, tmp_path_factory.mktemp("expiry"), extra) as up:
        yield up


def fetched_until(system: System, slug: str) -> datetime:
    """The deadline of what Google sent for the invite's restaurant: 30 days after the fetch."""
    with psycopg.connect(system.database_url) as conn:
        row = conn.execute(
            "SELECT r.expires_at FROM invites i JOIN restaurants r ON r.id = i.restaurant_id"
            " WHERE i.slug = %s",
            (slug,),
        ).fetchone()
    assert row is not None and isinstance(row[0], datetime)
    return row[0]


def shows_google(system: System, slug: str) -> list[str]:
    html = page(system, f"/i/{slug}").text
    return [mark for mark in GOOGLE_MARKS if mark in html]


async def test_after_30_days_the_edge_serves_nothing_google_sent(quick: System) -> None:
    slug = create(quick)
    settled(quick, slug)
    assert shows_google(quick, slug) == list(GOOGLE_MARKS)
    photos = sorted(
        set(re.findall(r"/r/[0-9]+/[0-9a-f]+-[0-9]+\.jpg", page(quick, f"/i/{slug}").text))
    )
    old_og = og_path(quick, slug)
    for path in [*photos, old_og]:
        cached(quick, path)  # in the edge's cache, as readers left them
    # Browsers keep a photo an hour, not a year: out of view by the deadline too.
    photo_caching = {page(quick, path).headers["cache-control"] for path in photos}
    assert photo_caching == {layout.CACHE_CONTROL[layout.Kind.PHOTO]}

    async with opened_deps(Settings.from_env(quick.env)) as deps:
        report = await expiry.run(deps, now=fetched_until(quick, slug))

    assert report.stripped == 1
    wait_for(lambda: not shows_google(quick, slug), timeout=30, what="the republished page")
    new_og = og_path(quick, slug)
    gone = [*photos, old_og]
    wait_for(
        lambda: all(page(quick, path).status_code == 404 for path in gone),
        timeout=30,
        what="the photos and the old OG image gone from the edge",
    )
    assert photos and new_og != old_og
    assert page(quick, new_og).status_code == 200  # the fallback card
    assert not [
        mark for mark in GOOGLE_MARKS[:3] if mark in page(quick, f"/i/{slug}/invite.ics").text
    ]
