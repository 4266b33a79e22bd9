"""Liveness and readiness."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import cast

from litestar import Response, get
from redis.exceptions import RedisError

from api.schemas import Health
from api.state import ServicesDep
from core.db.pool import connection
from core.errors import Unavailable

_CHECK_TIMEOUT = 1.0


@get("/healthz", summary="The process is up", tags=["health"], cache_control=None)
async def healthz() -> Health:
    return Health(status="ok")


@get("/readyz", summary="PostgreSQL and Redis answer", tags=["health"])
async def readyz(services: ServicesDep) -> Response[Health]:
    database, redis = await asyncio.gather(_check_database(services), _check_redis(services))
    checks = {"postgresql": database, "redis": redis}
    ready = all(value == "ok" for value in checks.values())
    return Response(
        Health(status="ready" if ready else "unavailable", checks=checks),
        status_code=200 if ready else 503,
        headers={} if ready else {"Retry-After": "5"},
    )


async def _check_database(services: ServicesDep) -> str:
    try:
        async with asyncio.timeout(_CHECK_TIMEOUT), connection(services.pool) as conn:
            await conn.execute("SELECT 1")
    except (Unavailable, TimeoutError):
        return "unreachable"
    return "ok"


async def _check_redis(services: ServicesDep) -> str:
    try:
        async with asyncio.timeout(_CHECK_TIMEOUT):
            await cast("Awaitable[bool]", services.redis.ping())
    except (RedisError, OSError, TimeoutError):
        return "unreachable"
    return "ok"
