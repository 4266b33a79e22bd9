"""Where PostgreSQL and Redis are: the configured URLs, or embedded servers under the data dir.

Every command resolves them here, once, into the one Settings it runs with. Parts started by
`tablefor dev` get the resolved URLs in the environment they are started with.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping

from core.env import Env
from core.settings import Settings, data_dir_from
from tablefor.embedded import EmbeddedPostgres, EmbeddedRedis


@contextlib.contextmanager
def resolved_environment(environ: Mapping[str, str] | None = None) -> Iterator[dict[str, str]]:
    """The environment with DATABASE_URL and REDIS_URL set, starting (or joining) embedded
    servers for those not configured; they stay up until the block ends."""
    resolved = dict(os.environ if environ is None else environ)
    env = Env(resolved)
    with contextlib.ExitStack() as stack:
        if env.raw("DATABASE_URL") is None:
            postgres = EmbeddedPostgres(data_dir_from(env))
            stack.callback(postgres.close)
            resolved["DATABASE_URL"] = postgres.url
        if env.raw("REDIS_URL") is None:
            redis = EmbeddedRedis(data_dir_from(env))
            stack.callback(redis.close)
            resolved["REDIS_URL"] = redis.url
        yield resolved


@contextlib.contextmanager
def resolved_settings(environ: Mapping[str, str] | None = None) -> Iterator[Settings]:
    with resolved_environment(environ) as resolved:
        yield Settings.from_env(resolved)
