"""Figures sampled for Prometheus every few seconds: queue depth and open dead letters."""

from __future__ import annotations

import asyncio
import logging

from redis.exceptions import RedisError

from core.db import dead_letters
from core.db.pool import connection
from core.errors import Unavailable
from core.metrics import DEAD_LETTERS, QUEUE_DEPTH
from workers.deps import Deps

log = logging.getLogger("tablefor.worker")

SAMPLE_EVERY = 5.0


async def sample_once(deps: Deps) -> None:
    for role, queue in (("publish", deps.queues.publish), ("enrich", deps.queues.enrich)):
        QUEUE_DEPTH.labels(role).set(await queue.count("queued"))
    async with connection(deps.pool) as conn:
        DEAD_LETTERS.set(await dead_letters.count_open(conn))


async def sample_forever(deps: Deps, interval: float = SAMPLE_EVERY) -> None:
    while True:
        try:
            await sample_once(deps)
        except (Unavailable, RedisError, OSError) as error:
            log.debug("gauges not sampled: a backing service is down", extra={"error": str(error)})
        except Exception:
            log.exception("sampling gauges failed")
        await asyncio.sleep(interval)
