"""Settings, one frozen struct per concern, built once from the environment at start."""

from __future__ import annotations

import enum
import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

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
_HEADER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,127}")
S3_METADATA_PREFIX = "x-amz-meta-"


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
    ERRORS = "errors"  # front-end error reports through the Sentry tunnel
    SIGN_IN = "signin"  # asking for a sign-in e-mail (also limited per address)
    AUTH = "auth"  # using a sign-in link, making API tokens


class Budget(msgspec.Struct, frozen=True):
    per_ip: RateLimit  # an IPv4 address, or an IPv6 /64 (core.ratelimit.client_key)
    per_creator: RateLimit | None  # None: anonymous callers only (RSVPs)
    per_invite: RateLimit | None = None  # all callers together, on routes of one invite
    per_address: RateLimit | None = None  # per e-mail address (sign-in mails)


# (limit, window in seconds) per IP, and per creator where creators are involved.
_BUDGETS: dict[Limit, tuple[tuple[int, int], tuple[int, int] | None]] = {
    Limit.PARSE: ((60, 60), (300, 3600)),
    Limit.CREATE: ((30, 60), (100, 3600)),
    Limit.EDIT: ((30, 60), (200, 3600)),
    Limit.CANCEL: ((30, 60), (100, 3600)),
    Limit.ENRICH: ((30, 60), (60, 3600)),
    Limit.RSVP: ((30, 60), None),
    Limit.ERRORS: ((10, 60), None),
    Limit.SIGN_IN: ((20, 600), None),
    Limit.AUTH: ((30, 60), (30, 3600)),
}
# (limit, window) per invite, whoever calls: answers from many addresses still stop somewhere.
# It refills twice as fast as one client may send (RSVP_PER_IP), so no single client can use
# it up and lock the real guests out; a whole table answering at once fits in its burst.
_INVITE_BUDGETS: dict[Limit, tuple[int, int]] = {
    Limit.RSVP: (60, 60),
}
# Per e-mail address, whoever asks: a mailbox gets a few sign-in mails an hour at most.
_ADDRESS_BUDGETS: dict[Limit, tuple[int, int]] = {Limit.SIGN_IN: (5, 3600)}


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
    cloudflare_requests_per_minute: int  # tag, prefix, host and purge-everything requests
    cloudflare_purge_by: str  # "tags" (the origin sends Cache-Tag) | "urls" (S3 as origin)
    cloudflare_urls_per_second: int  # single-file purges, counted by URL
    cloudflare_urls_per_request: int
    cloudfront_distribution_id: str | None
    cloudfront_endpoint_url: str | None
    cloudfront_cache_tag_header: str | None  # the distribution's CacheTagConfig.HeaderName

    @property
    def s3_tag_metadata(self) -> str | None:
        """The S3 metadata key whose `x-amz-meta-` header CloudFront reads tags from, if any."""
        header = (self.cloudfront_cache_tag_header or "").lower()
        if self.adapter != "cloudfront" or not header.startswith(S3_METADATA_PREFIX):
            return None
        return header.removeprefix(S3_METADATA_PREFIX) or None


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


class MailSettings(msgspec.Struct, frozen=True):
    smtp_url: str | None  # smtp://[user:password@]host:port (STARTTLS when offered), smtps://…
    mail_from: str
    ca_file: Path | None  # extra CA bundle for the SMTP server's certificate
    timeout: float
    attempts: int  # total attempts of a sign-in mail before a dead letter
    retry_delay: float  # first retry's delay; doubles, jittered
    retry_cap: float


class OidcSettings(msgspec.Struct, frozen=True):
    issuer: str
    audience: str
    algorithms: tuple[str, ...]  # asymmetric only
    jwks_cooldown: float  # seconds between key-set fetches caused by an unknown key id
    jwks_max_age: float  # refresh the key set in the background after this long
    timeout: float


class ObservabilitySettings(msgspec.Struct, frozen=True):
    sentry_dsn: str | None
    environment: str
    log_level: str
    metrics_allow: tuple[Network, ...] = ()  # who may read /api/metrics and the worker's port
    browser_dsn: str | None = None  # the pages' errors go here, through /api/sentry-tunnel
    # Values no error report may carry: every secret setting, URL passwords, and the cloud
    # credentials libraries read from the environment themselves.
    scrubbed: tuple[str, ...] = ()


class OpensSettings(msgspec.Struct, frozen=True):
    """Invite opens, counted at the edge (cdn/opens.py) and moved to PostgreSQL by the worker."""

    count: bool  # the edge logs page views and runs the collector
    spool_dir: Path  # where the collector's files wait for the worker
    ingest_interval: float  # seconds between the worker's looks at the spool


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
    opens: OpensSettings
    mail: MailSettings
    oidc: OidcSettings | None  # None: OpenID Connect bearer tokens are not accepted

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
            opens=opens_from(env, data_dir),
            mail=mail_from_env(env),
            oidc=oidc_from_env(env),
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
        metrics_allow=metrics_allow_from(env),
        browser_dsn=env.url(
            "TABLEFOR_SENTRY_BROWSER_DSN", env.raw("SENTRY_DSN"), schemes=("http", "https")
        ),
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
    } | {
        f"TABLEFOR_LIMIT_{limit.upper()}_PER_{who}": str(value)
        for who, budgets in (("INVITE", _INVITE_BUDGETS), ("ADDRESS", _ADDRESS_BUDGETS))
        for limit in budgets
    }


def _budget(env: Env, limit: Limit) -> Budget:
    per_ip, per_creator = _BUDGETS[limit]
    per_invite = _INVITE_BUDGETS.get(limit)
    per_address = _ADDRESS_BUDGETS.get(limit)
    name = f"{limit.upper()}_PER"
    return Budget(
        per_ip=_limit(env, f"{name}_IP", *per_ip),
        per_creator=_limit(env, f"{name}_CREATOR", *per_creator) if per_creator else None,
        per_invite=_limit(env, f"{name}_INVITE", *per_invite) if per_invite else None,
        per_address=_limit(env, f"{name}_ADDRESS", *per_address) if per_address else None,
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
        # Cloudflare's limits per plan: developers.cloudflare.com/cache/how-to/purge-cache
        # (tags etc.: Free 5/min, Pro 5/s, Business 10/s, Enterprise 50/s; URLs: Free 800/s,
        # Pro and Business 1,500/s, Enterprise 3,000/s and 500 a request, else 100).
        cloudflare_requests_per_minute=env.integer(
            "CLOUDFLARE_PURGE_PER_MINUTE", 5, low=1, high=10_000
        ),
        cloudflare_purge_by=env.choice(
            # S3 cannot send a Cache-Tag header: straight from S3, tags would match nothing.
            "CLOUDFLARE_PURGE_BY",
            "urls" if env.raw("TABLEFOR_STORAGE") == "s3" else "tags",
            ("tags", "urls"),
        ),
        cloudflare_urls_per_second=env.integer(
            "CLOUDFLARE_PURGE_URLS_PER_SECOND", 800, low=1, high=100_000
        ),
        cloudflare_urls_per_request=env.integer(
            "CLOUDFLARE_PURGE_URLS_PER_REQUEST", 100, low=1, high=500
        ),
        cloudfront_distribution_id=env.optional_text("CLOUDFRONT_DISTRIBUTION_ID"),
        cloudfront_endpoint_url=env.url("CLOUDFRONT_ENDPOINT_URL", None, schemes=("http", "https")),
        cloudfront_cache_tag_header=_header_name(env, "CLOUDFRONT_CACHE_TAG_HEADER"),
    )


def _header_name(env: Env, name: str) -> str | None:
    value = env.optional_text(name)
    if value is not None and not _HEADER_NAME.fullmatch(value):
        raise SettingsError(f"{name}: not an HTTP header name: {value!r}")
    return value


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


def metrics_allow_from(env: Env) -> tuple[Network, ...]:
    """Who may read metrics: the API's /api/metrics, the worker's port, the edge's refusal."""
    return env.networks("TABLEFOR_METRICS_ALLOW", "127.0.0.1/32,::1/128")


def opens_from(env: Env, data_dir: Path) -> OpensSettings:
    return OpensSettings(
        count=env.flag("TABLEFOR_COUNT_OPENS", True),
        spool_dir=env.path("TABLEFOR_OPENS_SPOOL", data_dir / "opens").absolute(),
        ingest_interval=env.number("TABLEFOR_OPENS_INTERVAL", 1.0, low=0.05, high=3600.0),
    )


_ASYMMETRIC = (
    *("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"),
    "EdDSA",
)
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def mail_from_env(env: Env) -> MailSettings:
    smtp_url = env.url("TABLEFOR_SMTP_URL", None, schemes=("smtp", "smtps"))
    sender = env.optional_text("TABLEFOR_MAIL_FROM")
    if smtp_url is not None and sender is None:
        raise SettingsError("TABLEFOR_MAIL_FROM: required when TABLEFOR_SMTP_URL is set")
    if sender is not None and not _ADDRESS_IN.search(sender):
        raise SettingsError(f"TABLEFOR_MAIL_FROM: no e-mail address in {sender!r}")
    ca_file = env.optional_text("TABLEFOR_SMTP_CA_FILE")
    return MailSettings(
        smtp_url=smtp_url,
        mail_from=sender or "Tablefor <no-reply@tablefor.invalid>",
        ca_file=Path(ca_file).expanduser().absolute() if ca_file else None,
        timeout=env.number("TABLEFOR_SMTP_TIMEOUT", 10.0, low=0.1, high=120),
        attempts=env.integer("TABLEFOR_MAIL_ATTEMPTS", 6, low=1, high=50),
        retry_delay=env.number("TABLEFOR_MAIL_RETRY_DELAY", 2.0, low=0.0, high=3600.0),
        retry_cap=env.number("TABLEFOR_MAIL_RETRY_CAP", 60.0, low=0.0, high=86_400.0),
    )


_ADDRESS_IN = re.compile(r"[^@\s<>]+@[^@\s<>]+")


def oidc_from_env(env: Env) -> OidcSettings | None:
    # Checked as a URL, kept exactly as written: `iss` must match it character for character
    # (Auth0's ends with a slash, for one).
    issuer = env.raw("TABLEFOR_OIDC_ISSUER")
    env.url("TABLEFOR_OIDC_ISSUER", None, schemes=("https", "http"))
    audience = env.optional_text("TABLEFOR_OIDC_AUDIENCE")
    if issuer is None and audience is None:
        return None
    if issuer is None or audience is None:
        missing = "TABLEFOR_OIDC_ISSUER" if issuer is None else "TABLEFOR_OIDC_AUDIENCE"
        raise SettingsError(f"{missing}: required with the other OpenID Connect setting")
    if issuer.startswith("http://") and urlsplit(issuer).hostname not in _LOOPBACK_HOSTS:
        raise SettingsError("TABLEFOR_OIDC_ISSUER: must be https (http only on loopback)")
    listed = env.text("TABLEFOR_OIDC_ALGORITHMS", "RS256,ES256")
    algorithms = tuple(name.strip() for name in listed.split(",") if name.strip())
    refused = [name for name in algorithms if name not in _ASYMMETRIC]
    if refused or not algorithms:
        raise SettingsError(
            f"TABLEFOR_OIDC_ALGORITHMS: only asymmetric algorithms, not {', '.join(refused)}"
        )
    return OidcSettings(
        issuer=issuer,
        audience=audience,
        algorithms=algorithms,
        jwks_cooldown=env.number("TABLEFOR_OIDC_JWKS_COOLDOWN", 30.0, low=0.0, high=3600.0),
        jwks_max_age=env.number("TABLEFOR_OIDC_JWKS_MAX_AGE", 3600.0, low=1.0, high=86_400.0),
        timeout=env.number("TABLEFOR_OIDC_TIMEOUT", 3.0, low=0.1, high=60.0),
    )
