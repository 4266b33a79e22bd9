"""Long-running parts: the API, the worker, the edge, and `dev`, which runs them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click

from core.settings import Settings
from tablefor.cli.common import run
from tablefor.services import resolved_environment, resolved_settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def api(host: str, port: int, workers: int) -> None:
    """Serve the HTTP API with uvicorn (uvloop + httptools)."""
    from tablefor.prefork import run_forked

    with resolved_settings() as settings:
        listener = _listen(host, port)
        if workers == 1:
            _serve_api(settings, listener)
            return
        code = run_forked(workers, lambda: _serve_api(settings, listener))
    if code:
        raise click.exceptions.Exit(code)


def _serve_api(settings: Settings, listener: socket.socket) -> None:
    import uvicorn

    from tablefor.asgi import create_server_app

    config = uvicorn.Config(
        create_server_app(settings),
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        proxy_headers=False,  # the app resolves X-Forwarded-For against trusted proxies
        server_header=False,
        log_config=None,
        timeout_graceful_shutdown=10,
    )
    uvicorn.Server(config).run(sockets=[listener])


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    listener.listen(2048)
    listener.set_inheritable(True)
    return listener


@click.command()
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (one per core uses every core).",
)
def worker(processes: int) -> None:
    """Run a SAQ worker: enrichment, rendering, publishing, and the periodic sweep."""
    from tablefor.prefork import run_forked
    from workers.main import run_worker

    with resolved_settings() as settings:
        if processes == 1:
            run(run_worker(settings))
            return
        code = run_forked(processes, lambda: run(run_worker(settings)))
    if code:
        raise click.exceptions.Exit(code)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--api-host", default="127.0.0.1", show_default=True, help="Where the API is.")
@click.option("--api-port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def edge(host: str, port: int, api_host: str, api_port: int) -> None:
    """Run the edge cache (Varnish) and the origin (nginx over the storage directory)."""
    from cdn.edge import run_edge
    from core.env import Env
    from core.settings import data_dir_from, purge_from, storage_from

    env = Env(os.environ)
    data_dir = data_dir_from(env)
    run_edge(
        data_dir=data_dir,
        storage=storage_from(env, data_dir),
        purge=purge_from(env),
        port=port,
        api_port=api_port,
        host=host,
        api_host=api_host,
    )


@click.command()
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where embedded servers and published files live (default ./var).",
)
def dev(port: int, data_dir: Path | None) -> None:
    """The whole system on one machine, behind one URL. Ctrl-C stops everything."""
    from cdn.edge import ensure_installed
    from core.db.migrate import migrate as apply
    from tablefor.devparts import dev_mail, dev_places, forget_dev_edge, note_dev_edge

    # SIGTERM and SIGHUP (a closed terminal) stop everything as cleanly as Ctrl-C does.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    edge_url = f"http://127.0.0.1:{port}"
    environ = dict(os.environ)
    if data_dir is not None:
        environ["TABLEFOR_DATA_DIR"] = str(data_dir.absolute())
    environ.setdefault("TABLEFOR_PUBLIC_URL", edge_url)
    # The worker purges the dev edge after each publish.
    environ.setdefault("TABLEFOR_PURGE", "varnish")
    environ.setdefault("TABLEFOR_VARNISH_URL", edge_url)
    ensure_installed()
    with (
        resolved_environment(environ) as resolved,
        dev_places(resolved) as places,
        dev_mail(resolved, say=lambda line: click.echo(line, err=True)) as mail,
    ):
        parts_env = resolved | places | mail  # what the parts are started with
        settings = Settings.from_env(parts_env)
        for name in run(apply(settings.database.url)):
            click.echo(f"applied {name}", err=True)
        parts = _start_parts(port, _free_port(), parts_env)
        note_dev_edge(settings, edge_url)
        try:
            _wait_until_up(f"{edge_url}/api/readyz", parts)
            click.echo(f"Tablefor is running at {edge_url}  (Ctrl-C stops it)")
            if mail:
                click.echo("Sign-in links are printed here (no mail leaves this machine).")
            _supervise(parts)
        finally:
            forget_dev_edge(settings)
            _stop(parts)


def _start_parts(
    port: int, api_port: int, env: dict[str, str]
) -> dict[str, subprocess.Popen[bytes]]:
    tablefor = [sys.executable, "-m", "tablefor"]
    commands = {
        "api": [*tablefor, "api", "--port", str(api_port)],
        "worker": [*tablefor, "worker"],
        "edge": [*tablefor, "edge", "--port", str(port), "--api-port", str(api_port)],
    }
    # Own process groups: Ctrl-C reaches only us, and we stop the parts in order.
    return {
        name: subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603
        for name, command in commands.items()
    }


def _wait_until_up(url: str, parts: dict[str, subprocess.Popen[bytes]]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for name, process in parts.items():
            if process.poll() is not None:
                raise click.ClickException(f"{name} exited with code {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise click.ClickException(f"the system did not come up at {url} within 60 s")


def _supervise(parts: dict[str, subprocess.Popen[bytes]]) -> None:
    try:
        while True:
            for name, process in parts.items():
                if process.poll() is not None:
                    raise click.ClickException(f"{name} exited with code {process.returncode}")
            time.sleep(0.5)
    except KeyboardInterrupt:
        click.echo("\nstopping…", err=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(parts: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in parts.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in parts.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
