"""What every task uses, opened once in the worker's startup hook and closed at shutdown."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg_pool import AsyncConnectionPool

from cdn.purge import Purger
from cdn.storage import Storage
from renderer.fonts import FontSet
from renderer.model import Site
from renderer.page import Templates
from tablefor.db.pool import Connection
from tablefor.jobs import Queues
from tablefor.settings import Settings
from workers.enrichment import Enricher


@dataclass(frozen=True, slots=True)
class Deps:
    settings: Settings
    pool: AsyncConnectionPool[Connection]
    queues: Queues
    storage: Storage
    purger: Purger
    fonts: FontSet
    templates: Templates
    site: Site
    enricher: Enricher
