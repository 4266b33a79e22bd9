"""What the tasks use, opened once when a worker starts and closed when it stops.

Publishing needs only `Publisher`; `tablefor render` opens that alone. The worker adds the
queues, the enricher and the mailer. The database pool acts as the worker's role.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

from psycopg_pool import AsyncConnectionPool

from cdn import layout
from cdn.purge.base import Purger
from cdn.purge.factory import create_purger
from cdn.storage.base import Storage
from cdn.storage.factory import create_storage
from core.db.pool import WORKER_ROLE, Connection, create_pool, translated_errors
from core.jobs import Queues, create_queues
from core.observability import public_dsn
from core.ratelimit import RateLimiter
from core.settings import Settings
from renderer.fonts import FontSet, load_fonts, require_complex_shaping
from renderer.model import Site
from renderer.page import Templates
from workers.enrichment import Enricher
from workers.mail import Mailer
from workers.providers.setup import provider_slots
from workers.site import load_templates, publish_site


@dataclass(frozen=True, slots=True)
class Publisher:
    """Everything one invite's publish needs."""

    public_url: str
    pool: AsyncConnectionPool[Connection]
    storage: Storage
    purger: Purger
    fonts: FontSet
    templates: Templates
    site: Site
    removal_delay: float  # seconds before a replaced object is removed (core/db/removals.py)
    # How the configured CDN is kept fresh: the cache lifetimes objects are stored with.
    freshness: layout.Freshness = layout.Freshness.PURGED


@dataclass(frozen=True, slots=True)
class Deps:
    settings: Settings
    publisher: Publisher
    queues: Queues
    enricher: Enricher
    mailer: Mailer

    @property
    def pool(self) -> AsyncConnectionPool[Connection]:
        return self.publisher.pool


@contextlib.asynccontextmanager
async def opened_publisher(
    settings: Settings, *, purger: Purger | None = None, wait: bool = False
) -> AsyncIterator[Publisher]:
    """The publisher's clients; `purger` replaces the configured one (the dev edge, say).

    A worker starts even while PostgreSQL is down (its jobs fail and retry meanwhile); a
    command says `wait=True` to fail at once instead.
    """
    require_complex_shaping()  # Hindi names must shape: fail at start, not in every image
    pool = create_pool(settings.database, role=WORKER_ROLE)
    async with translated_errors():
        await pool.open(wait=wait, timeout=settings.database.connect_timeout)
    purger = purger or create_purger(settings.purge, public_url=settings.api.public_url)
    try:
        storage = create_storage(settings.storage, tag_metadata=settings.purge.s3_tag_metadata)
        freshness = layout.freshness_for(settings.purge.adapter)
        templates = load_templates()
        yield Publisher(
            public_url=settings.api.public_url,
            pool=pool,
            storage=storage,
            purger=purger,
            fonts=load_fonts(),
            templates=templates,
            site=await publish_site(
                storage,
                templates,
                public_url=settings.api.public_url,
                sentry_dsn=public_dsn(settings.observability.browser_dsn),
                freshness=freshness,
            ),
            removal_delay=settings.worker.removal_delay,
            freshness=freshness,
        )
    finally:
        await purger.aclose()
        await pool.close()


@contextlib.asynccontextmanager
async def opened_deps(settings: Settings) -> AsyncIterator[Deps]:
    queues = create_queues(settings.redis, settings.worker, mail=settings.mail)
    await queues.connect()
    try:
        async with opened_publisher(settings) as publisher:
            limiter = RateLimiter(queues.publish.redis, prefix=f"{settings.redis.key_prefix}:rl")
            enricher = Enricher(
                provider_slots(settings.places),
                storage=publisher.storage,
                limiter=limiter,
                reuse=timedelta(days=settings.places.reuse_days),
                removal_delay=settings.worker.removal_delay,
            )
            try:
                yield Deps(
                    settings=settings,
                    publisher=publisher,
                    queues=queues,
                    enricher=enricher,
                    mailer=Mailer(settings.mail),
                )
            finally:
                await enricher.aclose()
    finally:
        await queues.disconnect()
