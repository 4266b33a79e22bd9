"""Long-running parts: the API, the worker, the edge, and `dev`, which runs them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from tablefor.cli.common import load_settings, run, services
from tablefor.services import ServiceUrls


def _export(urls: ServiceUrls) -> None:
    """Child processes (server workers, dev's parts) find the same servers through these."""
    os.environ["DATABASE_URL"] = urls.database
    os.environ["REDIS_URL"] = urls.redis


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def api(host: str, port: int, workers: int) -> None:
    """Serve the HTTP API with uvicorn (uvloop + httptools)."""
    import uvicorn

    settings = load_settings()
    with services(settings) as urls:
        _export(urls)
        uvicorn.run(
            "tablefor.cli.asgi:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            loop="uvloop",
            http="httptools",
            lifespan="on",
            access_log=False,
            proxy_headers=False,  # the app resolves X-Forwarded-For against trusted proxies
            server_header=False,
            log_config=None,
            timeout_graceful_shutdown=10,
        )


@click.command()
def worker() -> None:
    """Run a SAQ worker: enrichment, rendering, publishing, and the periodic sweep."""
    from workers.main import run_worker

    settings = load_settings()
    with services(settings) as urls:
        _export(urls)
        run(run_worker(settings, urls))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--api-host", default="127.0.0.1", show_default=True, help="Where the API is.")
@click.option("--api-port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def edge(host: str, port: int, api_host: str, api_port: int) -> None:
    """Run the edge cache (Varnish) and the origin (nginx over the storage directory)."""
    from cdn.edge import run_edge

    settings = load_settings()
    run_edge(settings, port=port, api_port=api_port, host=host, api_host=api_host)


@click.command()
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where embedded servers and published files live (default ./var).",
)
def dev(port: int, data_dir: Path | None) -> None:
    """The whole system on one machine, behind one URL. Ctrl-C stops everything."""
    # SIGTERM and SIGHUP (a closed terminal) stop everything as cleanly as Ctrl-C does.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    if data_dir is not None:
        os.environ["TABLEFOR_DATA_DIR"] = str(data_dir.absolute())
    os.environ.setdefault("TABLEFOR_PUBLIC_URL", f"http://127.0.0.1:{port}")
    # The worker purges the dev edge after each publish.
    os.environ.setdefault("TABLEFOR_PURGE", "varnish")
    os.environ.setdefault("TABLEFOR_VARNISH_URL", f"http://127.0.0.1:{port}")
    settings = load_settings()
    from cdn.edge import ensure_installed
    from tablefor.db.migrate import migrate as apply
    from tablefor.devparts import DevPlaces, forget_dev_edge, note_dev_edge

    ensure_installed()
    with services(settings) as urls, DevPlaces(settings) as places:
        _export(urls)
        places.export()
        for name in run(apply(urls.database)):
            click.echo(f"applied {name}", err=True)
        api_port = _free_port()
        parts = _start_parts(port, api_port)
        note_dev_edge(settings, f"http://127.0.0.1:{port}")
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/api/readyz", parts)
            click.echo(f"Tablefor is running at http://127.0.0.1:{port}  (Ctrl-C stops it)")
            _supervise(parts)
        finally:
            forget_dev_edge(settings)
            _stop(parts)


def _start_parts(port: int, api_port: int) -> dict[str, subprocess.Popen[bytes]]:
    tablefor = [sys.executable, "-m", "tablefor"]
    commands = {
        "api": [*tablefor, "api", "--port", str(api_port)],
        "worker": [*tablefor, "worker"],
        "edge": [*tablefor, "edge", "--port", str(port), "--api-port", str(api_port)],
    }
    # Own process groups: Ctrl-C reaches only us, and we stop the parts in order.
    return {
        name: subprocess.Popen(command, start_new_session=True)  # noqa: S603
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
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
