"""POST /api/sentry-tunnel: the pages' JavaScript errors, on their way to our Sentry project."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Response, post
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import PermissionDeniedException

from api.access import LIMIT
from api.error_reports import MAX_ENVELOPE_BYTES, NotOurs, Tunnel, check_envelope, target_of
from core.errors import NotFound
from core.settings import Limit, Settings


def tunnel_lifespan(
    settings: Settings,
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        tunnel = Tunnel(target_of(settings.observability.browser_dsn))
        app.state.tunnel = tunnel
        try:
            yield
        finally:
            await tunnel.aclose()

    return lifespan


@post(
    "/sentry-tunnel",
    status_code=202,
    summary="Report a page's JavaScript error",
    tags=["errors"],
    opt={LIMIT: Limit.ERRORS},
    request_max_body_size=MAX_ENVELOPE_BYTES,
)
async def sentry_tunnel(request: Request[Any, Any, Any]) -> Response[None]:
    """A Sentry envelope of `event` items for this site's own browser DSN; forwarded to
    Sentry after the answer. Rate-limited per IP."""
    tunnel: Tunnel = request.app.state.tunnel
    if tunnel.target is None:
        raise NotFound("error reporting is not configured here")
    body = await request.body()
    try:
        check_envelope(body, tunnel.target)
    except NotOurs as error:
        raise PermissionDeniedException(str(error)) from None
    return Response(None, status_code=202, background=BackgroundTask(tunnel.forward, body))
