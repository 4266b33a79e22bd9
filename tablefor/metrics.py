"""Metrics of a command's processes: the directory forked processes share their figures in,
and the worker's own /metrics port (the API answers at /api/metrics itself).

prometheus_client picks its mode when it is first imported, from PROMETHEUS_MULTIPROC_DIR: the
command calls `use_directory` before anything imports it, and before forking, so that every
process of the command counts into the same directory.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from core.addresses import is_allowed
from core.errors import SettingsError
from core.settings import Network

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own name

log = logging.getLogger("tablefor.metrics")


def use_directory(directory: Path) -> None:
    """Count into `directory` from now on, in this process and its children; a previous
    run's files are removed first (stale counters would otherwise be added to ours)."""
    if "prometheus_client.values" in sys.modules:
        raise SettingsError(f"{MULTIPROC_ENV}: set too late (prometheus_client already loaded)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink(missing_ok=True)
    except OSError as error:
        raise SettingsError(
            f"TABLEFOR_DATA_DIR: cannot prepare the metrics directory {directory}: {error}"
        ) from None
    os.environ[MULTIPROC_ENV] = str(directory)


def process_ended(pid: int) -> None:
    """Drop a dead process's live gauges (requests in progress) from the shared figures."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


def serve_metrics(host: str, port: int, allow: Iterable[Network]) -> WSGIServer:
    """/metrics on host:port in a thread of this process, answered only to `allow`."""
    from prometheus_client import make_wsgi_app

    from core.metrics import scrape_registry

    exposition = make_wsgi_app(scrape_registry())
    networks = tuple(allow)

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not is_allowed(environ.get("REMOTE_ADDR"), networks):
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Metrics are not public.\n"]
        return exposition(environ, start_response)

    try:
        server = make_server(host, port, guarded, server_class=_Server, handler_class=_Quiet)
    except OSError as error:
        raise SettingsError(f"--metrics-port: cannot listen on {host}:{port}: {error}") from None
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
