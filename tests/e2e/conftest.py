"""The whole system as separate processes: API (uvicorn), worker, and edge (Varnish + nginx).

`system` is shared by a test module (starting it costs seconds); tests that stop parts of it
use `own_system`, which is theirs alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from cdn.edge import free_port
from core.creators import add_creator
from devkit.mail import MailCatcher
from tests.conftest import (
    ServiceUrls,
    cloned_database,
    make_env,
    running_fake_places,
    with_mail,
    with_places,
)
from tests.support.processes import TableforProcess


@dataclass
class System:
    url: str  # the edge: the one URL a person needs
    env: dict[str, str]
    public_dir: Path
    api: TableforProcess
    worker: TableforProcess
    edge: TableforProcess
    token: str
    database_url: str
    mail: MailCatcher  # the system's SMTP server: every mail it sent

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextlib.contextmanager
def running_system(
    urls: ServiceUrls, template: str, directory: Path, extra_env: dict[str, str] | None = None
) -> Iterator[System]:
    with (
        cloned_database(urls, template) as database_url,
        running_fake_places() as places,
        MailCatcher() as mail,
    ):
        env = with_mail(
            with_places(make_env(database_url, urls.redis, directory / "data"), places), mail
        )
        edge_port, api_port = free_port(), free_port()
        edge_url = f"http://127.0.0.1:{edge_port}"
        env |= {
            "TABLEFOR_PUBLIC_URL": edge_url,
            "TABLEFOR_PURGE": "varnish",
            "TABLEFOR_VARNISH_URL": edge_url,
            **(extra_env or {}),
        }
        processes = [
            TableforProcess(["api", "--port", str(api_port)], env, directory / "api.log"),
            TableforProcess(["worker"], env, directory / "worker.log"),
            TableforProcess(
                ["edge", "--port", str(edge_port), "--api-port", str(api_port)],
                env,
                directory / "edge.log",
            ),
        ]
        for process in processes:
            process.start()
        _, _, token = asyncio.run(add_creator(database_url, "host@example.com", "Asha"))
        system = System(
            url=edge_url,
            env=env,
            public_dir=directory / "data" / "public",
            api=processes[0],
            worker=processes[1],
            edge=processes[2],
            token=token,
            database_url=database_url,
            mail=mail,
        )
        try:
            _wait_ready(system)
            yield system
        finally:
            for process in reversed(processes):
                process.stop()


@pytest.fixture(scope="module")
def system(
    urls: ServiceUrls, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    with running_system(urls, template_database, tmp_path_factory.mktemp("system")) as running:
        yield running


@pytest.fixture
def own_system(
    request: pytest.FixtureRequest, urls: ServiceUrls, template_database: str, tmp_path: Path
) -> Iterator[System]:
    """A system of the test's own; parametrize it indirectly with extra environment."""
    extra = getattr(request, "param", None)
    with running_system(urls, template_database, tmp_path, extra) as running:
        yield running


def _wait_ready(system: System, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in (system.api, system.worker, system.edge):
            assert process.process is not None
            if process.process.poll() is not None:
                raise AssertionError(
                    f"{process.args[0]} exited: {process.log_path.read_text()[-2000:]}"
                )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(system.url + "/api/readyz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise AssertionError("the system did not become ready")
