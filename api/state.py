"""What the handlers share, opened once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis
from litestar.di import NamedDependency
from litestar.params import SkipValidation
from psycopg_pool import AsyncConnectionPool

from api.credentials import CredentialCache
from api.idempotency import IdempotencyStore
from api.oidc import OidcVerifier
from api.parsing import Parser
from core.db.pool import Connection
from core.jobs import Queues
from core.ratelimit import RateLimiter
from core.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    pool: AsyncConnectionPool[Connection]
    redis: aioredis.Redis
    queues: Queues
    limiter: RateLimiter
    idempotency: IdempotencyStore
    credentials: CredentialCache
    oidc: OidcVerifier | None  # None: no OpenID Connect issuer is configured
    parser: Parser


# How handlers ask for it: injected by name, as Litestar 3 will require, and not validated
# (it is our own object, built once; checking it on every request would only cost time).
ServicesDep = NamedDependency[SkipValidation[Services]]
