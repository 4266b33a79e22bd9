"""The nginx origin alone: the headers each CDN reads from it (tags, cache lifetimes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cdn import layout
from cdn.edge import Edge, free_port, plan_for
from core.env import Env
from core.settings import purge_from, storage_from

SLUG = "AbCdEfGhIjKlMn"


def origin(tmp_path: Path, **environ: str) -> Iterator[str]:
    env = Env(environ)
    plan = plan_for(
        data_dir=tmp_path,
        storage=storage_from(env, tmp_path),
        purge=purge_from(env),
        port=free_port(),
        api_port=free_port(),
        run_dir=tmp_path / "edge",
    )
    assert plan.storage_dir is not None
    plan.run_dir.mkdir(parents=True)
    page = plan.storage_dir / layout.page_key(SLUG)
    page.parent.mkdir(parents=True)
    page.write_text("<html>published</html>")
    (plan.storage_dir / layout.NOT_FOUND_KEY).write_text("<html>not here</html>")
    edge = Edge(plan)
    try:
        edge.start_origin()
        yield f"http://{plan.origin_host}:{plan.origin_port}"
    finally:
        edge.stop()


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[str]:
    yield from origin(tmp_path)


@pytest.fixture
def nginx_for_cloudfront(tmp_path: Path) -> Iterator[str]:
    yield from origin(tmp_path, TABLEFOR_PURGE="cloudfront", CLOUDFRONT_DISTRIBUTION_ID="E1")


def test_a_missing_page_is_tagged_for_cloudflare_as_for_varnish_and_fastly(nginx: str) -> None:
    """Cloudflare reads Cache-Tag: the 404 cached before a first publish must carry it, or the
    publish's tag purge leaves the 404 in place."""
    missing = httpx.get(f"{nginx}/i/ZyXwVuTsRqPo/index.html")

    assert missing.status_code == 404
    assert "not here" in missing.text
    assert missing.headers["cache-tag"] == "slug-ZyXwVuTsRqPo"
    assert missing.headers["surrogate-key"] == "slug-ZyXwVuTsRqPo"
    assert missing.headers["cache-control"] == layout.cache_control(layout.Kind.NOT_FOUND)


def test_a_page_is_tagged_and_kept_long_where_purges_are_cheap(nginx: str) -> None:
    served = httpx.get(f"{nginx}/i/{SLUG}/index.html")

    assert served.headers["cache-tag"] == served.headers["surrogate-key"] == f"slug-{SLUG}"
    assert served.headers["cache-control"] == layout.cache_control(layout.Kind.PAGE)
    assert f"s-maxage={layout.EDGE_TTL}," in served.headers["cache-control"]


def test_for_cloudfront_pages_live_at_the_edge_only_seconds(nginx_for_cloudfront: str) -> None:
    served = httpx.get(f"{nginx_for_cloudfront}/i/{SLUG}/index.html")

    expected = layout.cache_control(layout.Kind.PAGE, layout.Freshness.EXPIRING)
    assert served.headers["cache-control"] == expected
    assert f"s-maxage={layout.PAGE_TTL}," in expected
    assert "stale-while-revalidate=" in expected
