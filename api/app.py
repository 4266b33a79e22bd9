"""The Litestar application: `create_app(settings)`, and the ASGI stack production runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from litestar import Litestar, Router
from litestar.datastructures import CacheControlHeader, MutableScopeHeaders, State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, RapidocRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.types import ASGIApp, Message, Scope
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.access import decision_of, guard
from api.auth import RENEWED, session_cookies
from api.bodies import BodyCheckingRequest
from api.credentials import CredentialCache, watch_revocations
from api.idempotency import IdempotencyStore
from api.oidc import OidcVerifier
from api.parsing import Parser
from api.problems import EXCEPTION_HANDLERS, rate_limit_headers
from api.request_log import RequestLogMiddleware
from api.routes.accounts import MeController, request_sign_in, sign_in_with_link, sign_out
from api.routes.guests import GuestController
from api.routes.health import healthz, readyz
from api.routes.invites import InviteController
from api.routes.metrics import MetricsController, http_metrics
from api.routes.parse import parse
from api.routes.rsvps import rsvp
from api.routes.sentry_tunnel import sentry_tunnel, tunnel_lifespan
from api.state import Services
from core.db.pool import API_ROLE, create_pool
from core.jobs import create_queues
from core.ratelimit import RateLimiter
from core.resources import resource_dir
from core.settings import Settings

# RapiDoc, vendored (vendor/rapidoc) so the docs page loads nothing from another origin.
_RAPIDOC = resource_dir("vendor") / "rapidoc"


def create_app(settings: Settings) -> Litestar:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        pool = create_pool(settings.database, role=API_ROLE)
        # wait=False: start even while PostgreSQL is down; requests answer 503 meanwhile.
        await pool.open(wait=False)
        client = redis_client(settings.redis.url)
        queues = create_queues(settings.redis, settings.worker, client=client, mail=settings.mail)
        await queues.connect()
        credentials = CredentialCache()
        oidc = OidcVerifier(settings.oidc) if settings.oidc else None
        if oidc is not None:
            await oidc.start()
        app.state.services = services = Services(
            settings=settings,
            pool=pool,
            redis=client,
            queues=queues,
            limiter=RateLimiter(client, prefix=f"{settings.redis.key_prefix}:rl"),
            idempotency=IdempotencyStore(
                client,
                ttl=settings.api.idempotency_ttl,
                prefix=f"{settings.redis.key_prefix}:idem",
            ),
            credentials=credentials,
            oidc=oidc,
            parser=Parser(),
        )
        stop_watching = asyncio.Event()
        watcher = asyncio.create_task(
            watch_revocations(credentials, client, settings.redis.key_prefix, stop_watching)
        )
        try:
            yield
        finally:
            stop_watching.set()
            await watcher
            if services.oidc is not None:
                await services.oidc.aclose()
            await pool.close()
            await client.aclose()

    api = Router(
        "/api",
        guards=[guard],
        route_handlers=[
            parse,
            InviteController,
            GuestController,
            rsvp,
            request_sign_in,
            sign_in_with_link,
            sign_out,
            MeController,
            healthz,
            readyz,
            MetricsController,
            sentry_tunnel,
            create_static_files_router(
                "/schema/assets",
                directories=[_RAPIDOC],
                cache_control=CacheControlHeader(max_age=86_400, public=True),
                include_in_schema=False,
            ),
        ],
    )
    return Litestar(
        route_handlers=[api],
        lifespan=[lifespan, tunnel_lifespan(settings)],
        middleware=[http_metrics().middleware],
        dependencies={"services": Provide(_services, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        before_send=[_response_headers, _renewed_session_cookies],
        openapi_config=OpenAPIConfig(
            title="Tablefor API",
            version="1.0.0",
            description="Create invites from restaurant bookings; answer them.",
            path="/api/schema",
            render_plugins=[
                RapidocRenderPlugin(js_url="/api/schema/assets/rapidoc-min.js"),
                JsonRenderPlugin(),
            ],
        ),
        request_max_body_size=settings.api.max_body_bytes,
        request_class=BodyCheckingRequest,
        logging_config=None,  # our JSON lines (core.logs), configured by the process
        debug=False,
    )


def create_asgi_app(settings: Settings) -> ASGIApp:
    return wrap_for_server(create_app(settings), settings)


def wrap_for_server(app: Litestar, settings: Settings) -> ASGIApp:
    """What the server runs: request logs outermost (they see 404s too), then proxy headers.

    X-Forwarded-For is believed only from TABLEFOR_TRUSTED_PROXIES (the edge), so per-IP rate
    limits count the real client and a client cannot pick its own address.
    """
    trusted = [str(network) for network in settings.api.trusted_proxies]
    proxied = ProxyHeadersMiddleware(app, trusted_hosts=trusted)  # type: ignore[arg-type]
    return RequestLogMiddleware(proxied)  # type: ignore[arg-type,return-value]


def redis_client(url: str) -> aioredis.Redis:
    # Short timeouts: with Redis down a request must fail (or fall back) promptly, not hang.
    return aioredis.Redis.from_url(
        url, socket_connect_timeout=0.5, socket_timeout=1.0, health_check_interval=15
    )


def _services(state: State) -> Services:
    services: Services = state.services
    return services


async def _response_headers(message: Message, scope: Scope) -> None:
    """Every API response, errors and 429s included, is private to its caller: `no-store`
    unless a route says otherwise (the docs page's vendored script). Successes carry the
    tightest rate-limit decision of the request."""
    if message["type"] != "http.response.start":
        return
    mutable = MutableScopeHeaders.from_message(message)
    if "cache-control" not in mutable:
        mutable["Cache-Control"] = "no-store"
    decision = decision_of(scope.get("state", {}))
    if decision is not None and "ratelimit-limit" not in mutable:  # a 429 carries its own
        headers = rate_limit_headers(
            decision.limit, decision.remaining, decision.reset, decision.window
        )
        for name, value in headers.items():
            mutable.add(name, value)


async def _renewed_session_cookies(message: Message, scope: Scope) -> None:
    """A session whose expiry slid forward gets its cookies again, with the new lifetime."""
    if message["type"] != "http.response.start":
        return
    secret = scope.get("state", {}).get(RENEWED)
    if not secret:
        return
    public_url = scope["app"].state.services.settings.api.public_url
    mutable = MutableScopeHeaders.from_message(message)
    for cookie in session_cookies(secret, public_url):
        mutable.add("set-cookie", cookie.to_header(header=""))
