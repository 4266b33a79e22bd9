"""Templates and shared assets: read from templates/ once at start, assets published hashed."""

from __future__ import annotations

from pathlib import Path

from cdn import layout
from cdn.storage.base import Storage
from core.resources import resource_dir
from renderer.model import Site
from renderer.not_found import render_not_found
from renderer.page import Templates


def load_templates(directory: Path | None = None) -> Templates:
    directory = directory or resource_dir("templates")
    sources = {path.name: path.read_text("utf-8") for path in directory.glob("*.j2")}
    return Templates(sources, page_css=(directory / "assets" / "page.css").read_text("utf-8"))


async def publish_site(
    storage: Storage,
    templates: Templates,
    *,
    public_url: str,
    directory: Path | None = None,
    sentry_dsn: str | None = None,
    freshness: layout.Freshness = layout.Freshness.PURGED,
) -> Site:
    """Publish the page script (content-hashed, immutable) and the static 404 page."""
    directory = directory or resource_dir("templates")
    script = (directory / "assets" / "app.js").read_bytes()
    script_key = layout.asset_key("app.js", script)
    await storage.put(layout.stored(script_key, script, layout.Kind.IMMUTABLE, freshness=freshness))
    not_found = render_not_found(templates, public_url=public_url)
    page = layout.stored(
        layout.NOT_FOUND_KEY, not_found, layout.Kind.NOT_FOUND, freshness=freshness
    )
    await storage.put(page)
    return Site(public_url=public_url, js_url=layout.path_of(script_key), sentry_dsn=sentry_dsn)
