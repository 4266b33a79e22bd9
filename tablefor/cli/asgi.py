"""ASGI factory for servers: `uvicorn --factory tablefor.cli.asgi:app_from_env`."""

from __future__ import annotations

from litestar.types import ASGIApp

from tablefor import logs
from tablefor.errors import SettingsError
from tablefor.services import ServiceUrls
from tablefor.settings import Settings


def app_from_env() -> ASGIApp:
    from api.app import create_asgi_app

    settings = Settings.from_env()
    if settings.database.url is None or settings.redis.url is None:
        raise SettingsError("DATABASE_URL and REDIS_URL: both are required by the ASGI factory")
    logs.configure(settings.observability.log_level)
    from tablefor.observability import init_sentry

    init_sentry(settings, component="api")
    return create_asgi_app(settings, ServiceUrls(settings.database.url, settings.redis.url))
