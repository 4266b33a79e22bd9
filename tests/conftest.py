"""Shared fixtures: real PostgreSQL and Redis (configured, or embedded), a migrated template
database cloned per test, and an API client over the real ASGI stack."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest

from core.creators import add_creator
from core.db.migrate import migrate
from core.settings import Settings, limit_variables
from tablefor.services import resolved_environment

REPO = Path(__file__).resolve().parents[1]
# Embedded servers for tests live here; pgserver (as root) makes its parents world-readable.
TEST_DATA_DIR = REPO / "var" / "test"
CLIENT_IP = "198.51.100.7"
API_BASE = "http://invites.test"  # also the tests' TABLEFOR_PUBLIC_URL


@dataclass(frozen=True)
class ServiceUrls:
    database: str
    redis: str


@pytest.fixture(scope="session")
def urls() -> Iterator[ServiceUrls]:
    """The servers' URLs: the configured ones, or embedded servers under var/test."""
    environ = {
        "TABLEFOR_DATA_DIR": str(TEST_DATA_DIR),
        **{k: os.environ[k] for k in ("DATABASE_URL", "REDIS_URL") if os.environ.get(k)},
    }
    with resolved_environment(environ) as resolved:
        yield ServiceUrls(resolved["DATABASE_URL"], resolved["REDIS_URL"])


def database_url_for(base_url: str, name: str) -> str:
    """The same server, another database (works for TCP and unix-socket URLs)."""
    return urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def template_database(urls: ServiceUrls) -> Iterator[str]:
    import asyncio

    name = f"tablefor_tpl_{os.getpid()}"
    _admin(urls, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    asyncio.run(migrate(database_url_for(urls.database, name)))
    yield name
    _admin(urls, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def cloned_database(urls: ServiceUrls, template: str) -> Iterator[str]:
    name = f"tablefor_t_{uuid.uuid4().hex[:12]}"
    _admin(urls, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield database_url_for(urls.database, name)
    finally:
        _admin(urls, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(urls: ServiceUrls, template_database: str) -> Iterator[str]:
    """A fresh database per test, cloned from the migrated template (fast, and isolated)."""
    with cloned_database(urls, template_database) as url:
        yield url


def _admin(urls: ServiceUrls, *statements: str) -> None:
    with psycopg.connect(urls.database, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.encode())


@pytest.fixture
def env(database_url: str, urls: ServiceUrls, tmp_path: Path) -> dict[str, str]:
    """The environment a test's processes run with; tests may add to it before use."""
    return make_env(database_url, urls.redis, tmp_path / "data")


def make_env(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    run_id = uuid.uuid4().hex[:10]
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TABLEFOR_QUEUE": f"test-{run_id}",
        "TABLEFOR_REDIS_PREFIX": f"test-{run_id}",
        "TABLEFOR_DATA_DIR": str(data_dir),
        "TABLEFOR_PUBLIC_URL": API_BASE,
        "TABLEFOR_NOMINATIM_DISABLED": "true",
        # Generous limits so tests exercise behaviour, not throttling; the rate-limit tests
        # set their own.
        **limit_variables(100_000),
    }


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    return Settings.from_env(env)


@contextlib.asynccontextmanager
async def api_transport(
    settings: Settings, *, client_ip: str = CLIENT_IP
) -> AsyncIterator[httpx.ASGITransport]:
    """The full ASGI stack the server runs, lifespan included: one API process, in effect."""
    from api.app import create_app, wrap_for_server

    app = create_app(settings)
    transport = httpx.ASGITransport(app=wrap_for_server(app, settings), client=(client_ip, 40000))
    async with _lifespan(app):
        yield transport


@contextlib.asynccontextmanager
async def api_client(
    settings: Settings, *, client_ip: str = CLIENT_IP
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client over the full ASGI stack the server runs, lifespan included."""
    async with (
        api_transport(settings, client_ip=client_ip) as transport,
        httpx.AsyncClient(transport=transport, base_url=API_BASE) as client,
    ):
        yield client


@contextlib.asynccontextmanager
async def _lifespan(app: Any) -> AsyncIterator[None]:
    """Run the app's lifespan in a task of its own, as a server does: pytest may set a fixture
    up and tear it down in different tasks, which anyio's cancel scopes do not allow."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(hold())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()  # raises what the startup raised
    try:
        yield
    finally:
        stop.set()
        await task


@pytest.fixture
async def api_app(settings: Settings) -> AsyncIterator[httpx.ASGITransport]:
    """One API process; `api` and every `browser` talk to it."""
    async with api_transport(settings) as transport:
        yield transport


@pytest.fixture
async def api(api_app: httpx.ASGITransport) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=api_app, base_url=API_BASE) as client:
        yield client


@pytest.fixture
async def browser(api_app: httpx.ASGITransport) -> AsyncIterator[Any]:
    """Makes clients with cookie jars of their own (browsers) on the `api` process."""
    async with contextlib.AsyncExitStack() as stack:

        async def new() -> httpx.AsyncClient:
            client = httpx.AsyncClient(transport=api_app, base_url=API_BASE)
            return await stack.enter_async_context(client)

        yield new


@pytest.fixture
async def token(database_url: str) -> str:
    _, _, issued = await add_creator(database_url, "asha@example.com", "Asha")
    return issued


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextlib.contextmanager
def running_fake_places() -> Iterator[Any]:
    from devkit.fake_places.server import FakePlacesServer

    server = FakePlacesServer(api_key=FAKE_PLACES_KEY)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_places() -> Iterator[Any]:
    """The local fake Google Places (and Nominatim) server, over real HTTP on loopback."""
    with running_fake_places() as server:
        yield server


FAKE_PLACES_KEY = "test-fake-places-key"


def with_places(env: dict[str, str], fake_places: Any) -> dict[str, str]:
    env.update(
        {
            "GOOGLE_PLACES_API_KEY": FAKE_PLACES_KEY,
            "GOOGLE_PLACES_BASE_URL": fake_places.base_url,
            "TABLEFOR_PROVIDER_TIMEOUT": "2",
        }
    )
    return env


@pytest.fixture
def mail_catcher() -> Iterator[Any]:
    """A real SMTP server on loopback that keeps every mail (devkit/mail.py)."""
    from devkit.mail import MailCatcher

    with MailCatcher() as catcher:
        yield catcher


MAIL_FROM = "Tablefor <signin@invites.test>"


def with_mail(env: dict[str, str], catcher: Any) -> dict[str, str]:
    env.update({"TABLEFOR_SMTP_URL": catcher.url, "TABLEFOR_MAIL_FROM": MAIL_FROM})
    return env


@pytest.fixture
def worker_env(env: dict[str, str], fake_places: Any, mail_catcher: Any) -> dict[str, str]:
    """`env` plus the fake places service and the mail catcher; the worker's settings."""
    return with_mail(with_places(env, fake_places), mail_catcher)


@pytest.fixture
async def deps(worker_env: dict[str, str]) -> AsyncIterator[Any]:
    """The worker's dependencies, opened as its startup hook opens them."""
    from workers.deps import opened_deps

    async with opened_deps(Settings.from_env(worker_env)) as opened:
        yield opened


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files under tests/unit/golden instead of comparing.",
    )
