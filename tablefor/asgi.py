"""The API as a server runs it: logs and error reporting set up, then the ASGI stack.

`tablefor api` builds it from the settings it resolved; other ASGI servers can use the factory:
`uvicorn --factory tablefor.asgi:app_from_env` (DATABASE_URL and REDIS_URL must be set).
"""

from __future__ import annotations

from litestar.types import ASGIApp

from api.app import create_asgi_app
from core import logs
from core.observability import init_sentry
from core.settings import Settings


def create_server_app(settings: Settings) -> ASGIApp:
    logs.configure(settings.observability.log_level)
    init_sentry(settings, component="api")
    return create_asgi_app(settings)


def app_from_env() -> ASGIApp:
    return create_server_app(Settings.from_env())
