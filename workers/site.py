"""Templates and shared assets: read from templates/ once at start, assets published hashed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cdn.policy import CACHE_CONTROL, Kind
from cdn.storage import Storage, StoredObject
from renderer.model import Site
from renderer.not_found import render_not_found
from renderer.page import Templates
from tablefor.resources import resource_dir


def load_templates(directory: Path | None = None) -> Templates:
    directory = directory or resource_dir("templates")
    sources = {path.name: path.read_text("utf-8") for path in directory.glob("*.j2")}
    return Templates(sources, page_css=(directory / "assets" / "page.css").read_text("utf-8"))


def hashed_key(name: str, body: bytes) -> str:
    stem, _, extension = name.rpartition(".")
    return f"assets/{stem}.{hashlib.sha256(body).hexdigest()[:12]}.{extension}"


async def publish_site(
    storage: Storage, templates: Templates, *, public_url: str, directory: Path | None = None
) -> Site:
    """Publish the page script (content-hashed, immutable) and the static 404 page."""
    directory = directory or resource_dir("templates")
    script = (directory / "assets" / "app.js").read_bytes()
    script_key = hashed_key("app.js", script)
    await storage.put(
        StoredObject(
            key=script_key,
            body=script,
            content_type="text/javascript; charset=utf-8",
            cache_control=CACHE_CONTROL[Kind.IMMUTABLE],
        )
    )
    await storage.put(
        StoredObject(
            key="404.html",
            body=render_not_found(templates, public_url=public_url),
            content_type="text/html; charset=utf-8",
            cache_control=CACHE_CONTROL[Kind.NOT_FOUND],
        )
    )
    return Site(public_url=public_url, js_url=f"/{script_key}")
