"""The dynamic baseline of bench/read_path.py: the invite page rendered per request.

What most teams would build instead of pre-rendering: a Litestar handler that reads the invite,
its restaurant and its answers from PostgreSQL and renders the same Jinja2 template (the same
renderer Tablefor's worker uses) on every request. Run by uvicorn with 2 workers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Response, get

from cdn import layout
from core.db import invites
from core.db.pool import WORKER_ROLE, connection, create_pool
from core.settings import Settings
from renderer.model import OgImageRef, Site
from renderer.og_image import HEIGHT, WIDTH
from renderer.page import render_page
from workers.publishing import links_for
from workers.site import load_templates
from workers.snapshot import load


def app_from_env() -> Litestar:
    settings = Settings.from_env()
    pool = create_pool(settings.database, role=WORKER_ROLE)  # it reads as a renderer does
    templates = load_templates()
    script = (templates_dir() / "assets" / "app.js").read_bytes()
    site = Site(
        public_url=settings.api.public_url,
        js_url=layout.path_of(layout.asset_key("app.js", script)),
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await pool.open()
        yield
        await pool.close()

    @get("/i/{slug:str}", media_type="text/html")
    async def invite_page(slug: str) -> Response[bytes]:
        async with connection(pool) as conn:
            row = await invites.get_by_slug(conn, slug=slug)
            snapshot = await load(conn, invite_id=row.id) if row else None
        if snapshot is None:
            return Response(b"not found", status_code=404)
        og = OgImageRef(
            url=f"{site.public_url}/{snapshot.row.og_image_key}",
            width=WIDTH,
            height=HEIGHT,
            alt=snapshot.invite.restaurant.name,
        )
        links = links_for(site.public_url, slug)
        body = render_page(snapshot.invite, site=site, og=og, links=links, templates=templates)
        return Response(body, media_type="text/html; charset=utf-8")

    @get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok"}

    return Litestar([invite_page, healthz], lifespan=[lifespan], logging_config=None)


def templates_dir() -> Any:
    from core.resources import resource_dir

    return resource_dir("templates")
