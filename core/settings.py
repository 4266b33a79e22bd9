"""Settings, one frozen struct per concern, built once from the environment at start."""

from __future__ import annotations

import enum
import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path

import msgspec

from core.env import Env
from core.errors import SettingsError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080"
GOOGLE_PLACES_URL = "https://places.googleapis.com"
NOMINATIM_URL = "https://nominatim.openstreetmap.org"
# Nominatim's usage policy asks for a User-Agent that identifies the application (and, for
# regular use, a way to reach its operator); this default names none, so production refuses it.
PLACEHOLDER_CONTACT = "ops@tablefor.invalid"
DEFAULT_NOMINATIM_USER_AGENT = f"Tablefor/0.1 (invite pages; {PLACEHOLDER_CONTACT})"
# Domains reserved for examples and tests (RFC 2606, RFC 6761): no operator reads mail there.
_RESERVED_DOMAIN = re.compile(
    r"(?<![a-z0-9-])(example\.(com|net|org)|[a-z0-9-]+\.(invalid|example|test|localhost))\b",
    re.I,
)
DATABASE_SCHEMES = ("postgresql", "postgres")
REDIS_SCHEMES = ("redis", "rediss", "unix")
_PURGE_SECRET = re.compile(r"[A-Za-z0-9._~+/=-]{16,512}")


class DatabaseSettings(msgspec.Struct, frozen=True):
    url: str
    pool_min: int
    pool_max: int
    connect_timeout: float


class RedisSettings(msgspec.Struct, frozen=True):
    url: str
    queue_name: str
    key_prefix: str  # for rate limits and idempotency keys


class RateLimit(msgspec.Struct, frozen=True):
    limit: int
    window: int  # seconds


class Limit(enum.StrEnum):
    """What a budget limits; TABLEFOR_LIMIT_<NAME>_PER_IP (and _PER_CREATOR) set it."""

    PARSE = "parse"
    CREATE = "create"
    EDIT = "edit"
    CANCEL = "cancel"  # and deletes (DELETE with ?purge=true)
    ENRICH = "enrich"
    RSVP = "rsvp"


class Budget(msgspec.Struct, frozen=True):
    per_ip: RateLimit  # an IPv4 address, or an IPv6 /64 (core.ratelimit.client_key)
    per_creator: RateLimit | None  # None: anonymous callers only (RSVPs)
    per_invite: RateLimit | None = None  # all callers together, on routes of one invite


# (limit, window in seconds) per IP, and per creator where creators are involved.
_BUDGETS: dict[Limit, tuple[tuple[int, int], tuple[int, int] | None]] = {
    Limit.PARSE: ((60, 60), (300, 3600)),
    Limit.CREATE: ((30, 60), (100, 3600)),
    Limit.EDIT: ((30, 60), (200, 3600)),
    Limit.CANCEL: ((30, 60), (100, 3600)),
    Limit.ENRICH: ((30, 60), (60, 3600)),
    Limit.RSVP: ((30, 60), None),
}
# (limit, window) per invite, whoever calls: answers from many addresses still stop somewhere.
# It refills twice as fast as one client may send (RSVP_PER_IP), so no single client can use
# it up and lock the real guests out; a whole table answering at once fits in its burst.
_INVITE_BUDGETS: dict[Limit, tuple[int, int]] = {
    Limit.RSVP: (60, 60),
}


class ApiSettings(msgspec.Struct, frozen=True):
    public_url: str
    trusted_proxies: tuple[Network, ...]
    budgets: dict[Limit, Budget]
    idempotency_ttl: int
    max_body_bytes: int


class StorageSettings(msgspec.Struct, frozen=True):
    backend: str  # "local" | "s3"
    local_dir: Path
    s3_bucket: str | None
    s3_endpoint_url: str | None
    s3_region: str


class PurgeSettings(msgspec.Struct, frozen=True):
    adapter: str  # "none" | "varnish" | "fastly" | "cloudflare" | "cloudfront"
    allow: tuple[Network, ...]  # who may send PURGE/BAN to our own edge
    secret: str | None  # and, when set, the header value they must send along (VCL checks both)
    varnish_url: str | None
    fastly_service_id: str | None
    fastly_api_token: str | None
    fastly_base_url: str
    cloudflare_zone_id: str | None
    cloudflare_api_token: str | None
    cloudflare_base_url: str
    cloudflare_requests_per_minute: int
    cloudfront_distribution_id: str | None
    cloudfront_endpoint_url: str | None


class PlacesSettings(msgspec.Struct, frozen=True):
    google_api_key: str | None
    google_base_url: str
    nominatim_base_url: str | None
    nominatim_user_agent: str
    reuse_days: int
    timeout: float


class WorkerSettings(msgspec.Struct, frozen=True):
    concurrency: int  # publish jobs at once
    enrich_concurrency: int  # enrichment jobs at once (on their own queue)
    rsvp_debounce_ms: int
    sweep_interval: int  # seconds
    enrich_attempts: int  # total attempts before a dead letter
    enrich_retry_delay: float  # first retry's delay; doubles, jittered
    enrich_retry_cap: float
    publish_attempts: int  # total attempts of one publish job before a dead letter
    publish_retry_delay: float
    publish_retry_cap: float
    removal_delay: float  # seconds a replaced object stays (a cached page may still show it)


class ObservabilitySettings(msgspec.Struct, frozen=True):
    sentry_dsn: str | None
    environment: str
    log_level: str
    # Values no error report may carry: every secret setting, URL passwords, and the cloud
    # credentials libraries read from the environment themselves.
    scrubbed: tuple[str, ...] = ()


class Settings(msgspec.Struct, frozen=True):
    """Everything a process needs, resolved once at start and passed down.

    DATABASE_URL and REDIS_URL are required here: the `tablefor` command fills them in with
    embedded servers when they are unset (tablefor/services.py), before building this.
    """

    data_dir: Path
    database: DatabaseSettings
    redis: RedisSettings
    api: ApiSettings
    storage: StorageSettings
    purge: PurgeSettings
    places: PlacesSettings
    worker: WorkerSettings
    observability: ObservabilitySettings

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = Env(os.environ if environ is None else environ)
        data_dir = data_dir_from(env)
        environment = env.text("TABLEFOR_ENVIRONMENT", "development")
        return cls(
            data_dir=data_dir,
            database=_database(env),
            redis=RedisSettings(
                url=env.required_url("REDIS_URL", schemes=REDIS_SCHEMES),
                queue_name=env.text("TABLEFOR_QUEUE", "tablefor"),
                key_prefix=env.text("TABLEFOR_REDIS_PREFIX", "tablefor"),
            ),
            api=_api(env),
            storage=storage_from(env, data_dir),
            purge=purge_from(env),
            places=_places(env, production=environment == "production"),
            worker=WorkerSettings(
                # Jobs mostly wait (providers, debounces, storage): many slots, little CPU each.
                concurrency=env.integer("TABLEFOR_WORKER_CONCURRENCY", 16, low=1, high=256),
                enrich_concurrency=env.integer("TABLEFOR_ENRICH_CONCURRENCY", 8, low=1, high=256),
                rsvp_debounce_ms=env.integer("TABLEFOR_RSVP_DEBOUNCE_MS", 300, low=0, high=60_000),
                sweep_interval=env.integer("TABLEFOR_SWEEP_INTERVAL", 2, low=1, high=3600),
                enrich_attempts=env.integer("TABLEFOR_ENRICH_ATTEMPTS", 5, low=1, high=50),
                enrich_retry_delay=env.number(
                    "TABLEFOR_ENRICH_RETRY_DELAY", 1.0, low=0.0, high=3600.0
                ),
                enrich_retry_cap=env.number(
                    "TABLEFOR_ENRICH_RETRY_CAP", 60.0, low=0.0, high=86_400.0
                ),
                publish_attempts=env.integer("TABLEFOR_PUBLISH_ATTEMPTS", 6, low=1, high=50),
                publish_retry_delay=env.number(
                    "TABLEFOR_PUBLISH_RETRY_DELAY", 0.5, low=0.0, high=3600.0
                ),
                publish_retry_cap=env.number(
                    "TABLEFOR_PUBLISH_RETRY_CAP", 30.0, low=0.0, high=86_400.0
                ),
                removal_delay=env.number("TABLEFOR_REMOVAL_DELAY", 60.0, low=0.0, high=86_400.0),
            ),
            # Last: it lists the secrets every other part read.
            observability=_observability(env, environment),
        )


def data_dir_from(env: Env) -> Path:
    """Embedded servers, local storage and the edge's files live here."""
    return env.path("TABLEFOR_DATA_DIR", Path("var")).absolute()


# Credentials that libraries read from the environment themselves (boto3's chain).
_LIBRARY_SECRETS = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def _observability(env: Env, environment: str) -> ObservabilitySettings:
    sentry_dsn = env.url("SENTRY_DSN", None, schemes=("http", "https"))
    for name in _LIBRARY_SECRETS:  # not ours to validate, only to keep out of reports
        if (value := env.raw(name)) is not None:
            env.secrets.append(value)
    return ObservabilitySettings(
        sentry_dsn=sentry_dsn,
        environment=environment,
        log_level=env.choice("TABLEFOR_LOG_LEVEL", "info", ("debug", "info", "warning", "error")),
        scrubbed=tuple(dict.fromkeys(env.secrets)),
    )


def _database(env: Env) -> DatabaseSettings:
    return DatabaseSettings(
        url=env.required_url("DATABASE_URL", schemes=DATABASE_SCHEMES),
        pool_min=env.integer("TABLEFOR_DB_POOL_MIN", 2, low=1, high=100),
        pool_max=env.integer("TABLEFOR_DB_POOL_MAX", 10, low=1, high=500),
        connect_timeout=env.number("TABLEFOR_DB_CONNECT_TIMEOUT", 2.0, low=0.1, high=60),
    )


def limit_variables(value: int) -> dict[str, str]:
    """Every rate limit set to `value` (tests and benchmarks measure behaviour, not throttling)."""
    return {
        f"TABLEFOR_LIMIT_{limit.upper()}_PER_{who}": str(value)
        for limit, (_, per_creator) in _BUDGETS.items()
        for who in ("IP", "CREATOR")[: 2 if per_creator else 1]
    } | {f"TABLEFOR_LIMIT_{limit.upper()}_PER_INVITE": str(value) for limit in _INVITE_BUDGETS}


def _budget(env: Env, limit: Limit) -> Budget:
    per_ip, per_creator = _BUDGETS[limit]
    per_invite = _INVITE_BUDGETS.get(limit)
    name = f"{limit.upper()}_PER"
    return Budget(
        per_ip=_limit(env, f"{name}_IP", *per_ip),
        per_creator=_limit(env, f"{name}_CREATOR", *per_creator) if per_creator else None,
        per_invite=_limit(env, f"{name}_INVITE", *per_invite) if per_invite else None,
    )


def _limit(env: Env, name: str, limit: int, window: int) -> RateLimit:
    return RateLimit(
        limit=env.integer(f"TABLEFOR_LIMIT_{name}", limit, low=1, high=10_000_000),
        window=env.integer(f"TABLEFOR_LIMIT_{name}_WINDOW", window, low=1, high=86_400),
    )


def _api(env: Env) -> ApiSettings:
    public_url = env.url_or("TABLEFOR_PUBLIC_URL", DEFAULT_PUBLIC_URL, schemes=("http", "https"))
    return ApiSettings(
        public_url=public_url,
        trusted_proxies=env.networks("TABLEFOR_TRUSTED_PROXIES", "127.0.0.1/32,::1/128"),
        budgets={limit: _budget(env, limit) for limit in Limit},
        idempotency_ttl=env.integer("TABLEFOR_IDEMPOTENCY_TTL", 86_400, low=60, high=7 * 86_400),
        max_body_bytes=env.integer("TABLEFOR_MAX_BODY_BYTES", 64 * 1024, low=1024, high=10_000_000),
    )


def storage_from(env: Env, data_dir: Path) -> StorageSettings:
    backend = env.choice("TABLEFOR_STORAGE", "local", ("local", "s3"))
    bucket = env.optional_text("TABLEFOR_S3_BUCKET")
    if backend == "s3" and bucket is None:
        raise SettingsError("TABLEFOR_S3_BUCKET: required when TABLEFOR_STORAGE=s3")
    return StorageSettings(
        backend=backend,
        local_dir=env.path("TABLEFOR_STORAGE_DIR", data_dir / "public").absolute(),
        s3_bucket=bucket,
        s3_endpoint_url=env.url("TABLEFOR_S3_ENDPOINT_URL", None, schemes=("http", "https")),
        s3_region=env.text("TABLEFOR_S3_REGION", "us-east-1"),
    )


def purge_from(env: Env) -> PurgeSettings:
    return PurgeSettings(
        adapter=env.choice(
            "TABLEFOR_PURGE", "none", ("none", "varnish", "fastly", "cloudflare", "cloudfront")
        ),
        allow=env.networks("TABLEFOR_PURGE_ALLOW", "127.0.0.1/32,::1/128"),
        secret=_purge_secret(env),
        varnish_url=env.url("TABLEFOR_VARNISH_URL", None, schemes=("http",)),
        fastly_service_id=env.optional_text("FASTLY_SERVICE_ID"),
        fastly_api_token=env.secret("FASTLY_API_TOKEN"),
        fastly_base_url=env.url_or(
            "FASTLY_API_URL", "https://api.fastly.com", schemes=("http", "https")
        ),
        cloudflare_zone_id=env.optional_text("CLOUDFLARE_ZONE_ID"),
        cloudflare_api_token=env.secret("CLOUDFLARE_API_TOKEN"),
        cloudflare_base_url=env.url_or(
            "CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4", schemes=("http", "https")
        ),
        cloudflare_requests_per_minute=env.integer(
            "CLOUDFLARE_PURGE_PER_MINUTE", 5, low=1, high=10_000
        ),
        cloudfront_distribution_id=env.optional_text("CLOUDFRONT_DISTRIBUTION_ID"),
        cloudfront_endpoint_url=env.url("CLOUDFRONT_ENDPOINT_URL", None, schemes=("http", "https")),
    )


def _purge_secret(env: Env) -> str | None:
    """Sent as a header and written into the edge's VCL as a string: a token's characters only."""
    secret = env.secret("TABLEFOR_PURGE_SECRET")
    if secret is not None and not _PURGE_SECRET.fullmatch(secret):
        raise SettingsError(
            "TABLEFOR_PURGE_SECRET: use 16 or more letters, digits or - . _ ~ + / = "
            "(for example the output of `openssl rand -hex 32`)"
        )
    return secret


def _places(env: Env, *, production: bool) -> PlacesSettings:
    nominatim_url = (
        None
        if env.flag("TABLEFOR_NOMINATIM_DISABLED", False)
        else env.url("NOMINATIM_BASE_URL", NOMINATIM_URL, schemes=("http", "https"))
    )
    user_agent = env.text("NOMINATIM_USER_AGENT", DEFAULT_NOMINATIM_USER_AGENT)
    if production and nominatim_url and _RESERVED_DOMAIN.search(user_agent):
        raise SettingsError(
            "NOMINATIM_USER_AGENT: in production it must name your application and a contact "
            f"address you read (Nominatim's usage policy), not {PLACEHOLDER_CONTACT}; "
            "or set TABLEFOR_NOMINATIM_DISABLED=true"
        )
    return PlacesSettings(
        google_api_key=env.secret("GOOGLE_PLACES_API_KEY"),
        google_base_url=env.url_or(
            "GOOGLE_PLACES_BASE_URL", GOOGLE_PLACES_URL, schemes=("http", "https")
        ),
        nominatim_base_url=nominatim_url,
        nominatim_user_agent=user_agent,
        reuse_days=env.integer("TABLEFOR_RESTAURANT_REUSE_DAYS", 30, low=0, high=3650),
        timeout=env.number("TABLEFOR_PROVIDER_TIMEOUT", 5.0, low=0.1, high=120),
    )
