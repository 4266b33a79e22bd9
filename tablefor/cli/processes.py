"""Long-running parts: the API, the worker, the edge, and `dev`, which runs them all."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import click

from core.settings import Settings
from tablefor.cli.common import run
from tablefor.services import resolved_environment, resolved_settings

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def api(host: str, port: int, workers: int) -> None:
    """Serve the HTTP API with uvicorn (uvloop + httptools); metrics at /api/metrics."""
    from tablefor.metrics import process_ended, use_directory
    from tablefor.prefork import run_forked

    with resolved_settings() as settings:
        # Every process counts into one directory, emptied here, before anything is forked.
        use_directory(settings.data_dir / "metrics" / f"api-{port}")
        listener = _listen(host, port)
        if workers == 1:
            _serve_api(settings, listener)
            return
        code = run_forked(workers, lambda: _serve_api(settings, listener), on_exit=process_ended)
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
@click.option(
    "--metrics-port",
    type=click.IntRange(0, 65535),
    envvar="TABLEFOR_WORKER_METRICS_PORT",
    help="Serve Prometheus metrics of every process on this port (0: any free one).",
)
@click.option(
    "--metrics-host", default="127.0.0.1", show_default=True, help="Address of the metrics port."
)
def worker(processes: int, metrics_port: int | None, metrics_host: str) -> None:
    """Run a SAQ worker: enrichment, rendering, publishing, opens, and the periodic sweep."""
    from tablefor.metrics import process_ended
    from tablefor.prefork import run_forked

    with resolved_settings() as settings:
        server = _worker_metrics(settings, metrics_host, metrics_port)
        from workers.main import run_worker  # after the metrics directory is chosen

        if processes == 1:
            run(run_worker(settings))
            return

        def child() -> None:
            if server is not None:
                server.socket.close()  # the parent serves the metrics
            run(run_worker(settings))

        code = run_forked(processes, child, on_exit=process_ended if server else None)
    if code:
        raise click.exceptions.Exit(code)


def _worker_metrics(settings: Settings, host: str, port: int | None) -> WSGIServer | None:
    """The worker's /metrics port, served by this (parent) process for all its children."""
    if port is None:
        return None
    from tablefor.metrics import serve_metrics, use_directory

    use_directory(settings.data_dir / "metrics" / f"worker-{port or os.getpid()}")
    server = serve_metrics(host, port, settings.observability.metrics_allow)
    click.echo(f"worker metrics on http://{host}:{server.server_port}/metrics", err=True)
    return server


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--api-host", default="127.0.0.1", show_default=True, help="Where the API is.")
@click.option("--api-port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--metrics-port",
    type=click.IntRange(1, 65535),
    envvar="TABLEFOR_EDGE_METRICS_PORT",
    help="Run Debian's prometheus-varnish-exporter on this port, when installed.",
)
@click.option(
    "--metrics-host",
    default="127.0.0.1",
    show_default=True,
    envvar="TABLEFOR_EDGE_METRICS_HOST",
    help="Address of the exporter's port (it has no allow-list: keep it private).",
)
def edge(
    host: str,
    port: int,
    api_host: str,
    api_port: int,
    metrics_port: int | None,
    metrics_host: str,
) -> None:
    """Run the edge cache (Varnish), the origin (nginx over the storage directory), and the
    collector of invite opens."""
    from cdn.edge import run_edge
    from core.env import Env
    from core.settings import (
        data_dir_from,
        metrics_allow_from,
        opens_from,
        purge_from,
        storage_from,
    )

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
        opens=opens_from(env, data_dir),
        metrics_allow=metrics_allow_from(env),
        exporter_port=metrics_port,
        exporter_host=metrics_host,
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
        ports = DevPorts(api=_free_port(), worker_metrics=_free_port(), edge_metrics=_free_port())
        parts = _start_parts(port, ports, parts_env)
        note_dev_edge(settings, edge_url)
        try:
            _wait_until_up(f"{edge_url}/api/readyz", parts)
            click.echo(f"Tablefor is running at {edge_url}  (Ctrl-C stops it)")
            click.echo(_where_metrics_are(edge_url, ports), err=True)
            if mail:
                click.echo("Sign-in links are printed here (no mail leaves this machine).")
            _supervise(parts)
        finally:
            forget_dev_edge(settings)
            _stop(parts)


class DevPorts(NamedTuple):
    api: int
    worker_metrics: int
    edge_metrics: int


def _where_metrics_are(edge_url: str, ports: DevPorts) -> str:
    from cdn.edge import EXPORTER

    edge = (
        f"http://127.0.0.1:{ports.edge_metrics}/metrics (Varnish)"
        if shutil.which(EXPORTER)
        else f"not exported (install {EXPORTER})"
    )
    return (
        "Metrics (Prometheus; loopback only, see TABLEFOR_METRICS_ALLOW):\n"
        f"  API     {edge_url}/api/metrics\n"
        f"  worker  http://127.0.0.1:{ports.worker_metrics}/metrics\n"
        f"  edge    {edge}"
    )


def _start_parts(
    port: int, ports: DevPorts, env: dict[str, str]
) -> dict[str, subprocess.Popen[bytes]]:
    tablefor = [sys.executable, "-m", "tablefor"]
    edge = [*tablefor, "edge", "--port", str(port), "--api-port", str(ports.api)]
    commands = {
        "api": [*tablefor, "api", "--port", str(ports.api)],
        "worker": [*tablefor, "worker", "--metrics-port", str(ports.worker_metrics)],
        "edge": [*edge, "--metrics-port", str(ports.edge_metrics)],
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
