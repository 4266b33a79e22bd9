"""Resolve where PostgreSQL and Redis are: the configured URLs, or embedded servers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from tablefor.embedded import EmbeddedPostgres, EmbeddedRedis
from tablefor.settings import Settings


@dataclass(frozen=True, slots=True)
class ServiceUrls:
    database: str
    redis: str


@contextlib.contextmanager
def service_urls(settings: Settings, *, redis: bool = True) -> Iterator[ServiceUrls]:
    """The URLs to use, starting (or joining) embedded servers for those not configured."""
    with contextlib.ExitStack() as stack:
        database_url = settings.database.url
        if database_url is None:
            postgres = EmbeddedPostgres(settings.data_dir)
            stack.callback(postgres.close)
            database_url = postgres.url
        redis_url = settings.redis.url or ""
        if redis and not redis_url:
            embedded = EmbeddedRedis(settings.data_dir)
            stack.callback(embedded.close)
            redis_url = embedded.url
        yield ServiceUrls(database=database_url, redis=redis_url)
