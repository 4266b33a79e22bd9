"""Through the real edge: replaced OG images stop answering after the grace period, and a
deleted invite (API or command) answers exactly the 404 of a slug that never existed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.secrets import new_slug
from tests.conftest import ServiceUrls
from tests.e2e.conftest import System, running_system
from tests.e2e.test_edge import create, page, settled
from tests.support.processes import wait_for

pytestmark = pytest.mark.e2e

GRACE_S = 1  # TABLEFOR_REMOVAL_DELAY: a replaced image goes a second after the new page
# What may differ between two identical answers of the edge.
VOLATILE = {"date", "age", "x-cache"}


@pytest.fixture(scope="module")
def quick(
    urls: ServiceUrls, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    extra = {"TABLEFOR_REMOVAL_DELAY": str(GRACE_S)}
    with running_system(urls, template_database, tmp_path_factory.mktemp("quick"), extra) as up:
        yield up


def og_path(system: System, slug: str) -> str:
    html = page(system, f"/i/{slug}").text
    return html.split('property="og:image" content="')[1].split('"')[0].removeprefix(system.url)


def cached(system: System, path: str) -> httpx.Response:
    page(system, path)
    response = page(system, path)
    assert response.headers["x-cache"] == "HIT", path
    return response


def shape(response: httpx.Response) -> tuple[int, bytes, dict[str, str]]:
    headers = {k: v for k, v in response.headers.items() if k.lower() not in VOLATILE}
    return response.status_code, response.content, headers


def never_existed(system: System, path: str, slug: str) -> tuple[int, bytes, dict[str, str]]:
    """The same path of a slug nobody ever used, as the edge answers it."""
    return shape(page(system, path.replace(slug, new_slug())))


def gone_like_never_existed(system: System, slug: str, paths: list[str]) -> None:
    for path in paths:
        answer = shape(page(system, path))
        assert answer[0] == 404, path
        assert answer == never_existed(system, path, slug), path


def invite_paths(slug: str, og: str) -> list[str]:
    return [f"/i/{slug}", f"/i/{slug}/", f"/i/{slug}/rsvps.json", f"/i/{slug}/invite.ics", og]


def test_an_edited_invite_s_old_og_image_is_removed_after_the_grace_period(
    quick: System,
) -> None:
    slug = create(quick)
    settled(quick, slug)
    old = og_path(quick, slug)
    first = cached(quick, old)
    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"

    edit = httpx.patch(
        f"{quick.url}/api/invites/{slug}", json={"title": "Phone 98450 00000 removed"},
        headers=quick.auth, timeout=10,
    )  # fmt: skip
    assert edit.status_code == 200
    wait_for(lambda: "Phone 98450" in page(quick, f"/i/{slug}").text, timeout=10)
    new = og_path(quick, slug)

    gone = wait_for(lambda: (r := page(quick, old)).status_code == 404 and r, timeout=15)
    assert shape(gone) == never_existed(quick, old, slug)
    assert not (quick.public_dir / old.lstrip("/")).exists()
    assert new != old and page(quick, new).status_code == 200


def test_a_cancelled_invite_s_image_from_before_is_removed_too(quick: System) -> None:
    slug = create(quick)
    settled(quick, slug)
    old = og_path(quick, slug)
    cached(quick, old)

    assert httpx.delete(f"{quick.url}/api/invites/{slug}", headers=quick.auth).status_code == 200

    wait_for(lambda: page(quick, old).status_code == 404, timeout=15, what="the old image gone")
    assert "cancelled" in page(quick, f"/i/{slug}").text
    assert page(quick, og_path(quick, slug)).status_code == 200


def test_delete_with_purge_leaves_exactly_the_404_of_a_slug_that_never_existed(
    quick: System,
) -> None:
    slug = create(quick)
    settled(quick, slug)
    paths = invite_paths(slug, og_path(quick, slug))
    for path in paths:
        cached(quick, path)

    response = httpx.delete(
        f"{quick.url}/api/invites/{slug}", params={"purge": "true"}, headers=quick.auth
    )

    assert response.status_code == 202, response.text
    wait_for(lambda: page(quick, f"/i/{slug}").status_code == 404, timeout=10, what="the 404")
    gone_like_never_existed(quick, slug, paths)
    assert not (quick.public_dir / "i" / slug).exists()
    detail = httpx.get(f"{quick.url}/api/invites/{slug}", headers=quick.auth)
    assert detail.status_code == 404


def test_the_delete_command_removes_an_invite_and_purges_at_once(quick: System) -> None:
    slug = create(quick)
    settled(quick, slug)
    paths = invite_paths(slug, og_path(quick, slug))
    for path in paths:
        cached(quick, path)

    deleted = _cli(quick, "invites", "delete", slug, "--json")

    assert deleted.returncode == 0, deleted.stderr
    report = json.loads(deleted.stdout)
    assert report["missing"] == [] and report["deleted"][slug] >= 4  # page, answers, .ics, image
    gone_like_never_existed(quick, slug, paths)  # no waiting: purged before the command ended
    assert not (quick.public_dir / "i" / slug).exists()

    again = _cli(quick, "invites", "delete", slug)
    assert again.returncode == 1
    assert f"not found: {slug}" in again.stdout
    assert _cli(quick, "invites", "delete").returncode == 2


def _cli(system: System, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tablefor", *args],
        env={**os.environ, **system.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
