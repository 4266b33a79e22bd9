"""The self-hosted edge: Varnish (with xkey) in front of the origin (nginx over the storage
directory, or the S3 endpoint). Configs are generated from cdn/*.j2 and cdn/layout.py."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx
import jinja2

from cdn import layout
from cdn.opens import BOT_PATTERN, LOG_PREFIX
from cdn.purge.varnish import SECRET_HEADER
from core.errors import SettingsError, Unavailable
from core.settings import Network, OpensSettings, PurgeSettings, StorageSettings

_HERE = Path(__file__).parent
# What the edge adds to HTML pages. Styles may be inline: each page's own meta policy narrows
# that to its one stylesheet by hash (renderer/page.py); scripts only ever from our origin.
EDGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'; manifest-src 'self'"
)
HEALTH_PATH = "/.edge/health"
PACKAGES = ("varnish", "varnish-modules", "nginx-light")
EXPORTER = "prometheus-varnish-exporter"  # Debian's; the edge's own figures, when installed
LOOPBACK = ("127.0.0.1/32", "::1/128")
OBSERVER_RESTART_DELAY = 5.0


@dataclass(frozen=True, slots=True)
class EdgePlan:
    port: int
    api_port: int
    run_dir: Path
    storage_dir: Path | None  # None: the origin is S3
    origin_host: str
    origin_port: int
    s3_bucket: str | None = None
    purge_allow: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    purge_secret: str | None = field(default=None, repr=False)
    listen_host: str = "127.0.0.1"
    api_host: str = "127.0.0.1"
    opens_spool: Path | None = None  # None: opens are not counted
    metrics_allow: tuple[str, ...] = LOOPBACK  # who may read /api/metrics through the edge
    exporter_port: int | None = None  # the Varnish exporter's /metrics (None: not started)
    exporter_host: str = "127.0.0.1"
    freshness: layout.Freshness = layout.Freshness.PURGED  # the origin's cache lifetimes


def plan_for(
    *,
    data_dir: Path,
    storage: StorageSettings,
    purge: PurgeSettings,
    port: int,
    api_port: int,
    run_dir: Path | None = None,
    listen_host: str = "127.0.0.1",
    api_host: str = "127.0.0.1",
    opens: OpensSettings | None = None,
    metrics_allow: tuple[Network, ...] | None = None,
    exporter_port: int | None = None,
    exporter_host: str = "127.0.0.1",
) -> EdgePlan:
    plan = _origin_plan(
        data_dir=data_dir,
        storage=storage,
        purge=purge,
        port=port,
        api_port=api_port,
        run_dir=run_dir,
        listen_host=listen_host,
        api_host=api_host,
    )
    return dataclasses.replace(
        plan,
        opens_spool=opens.spool_dir if opens is not None and opens.count else None,
        metrics_allow=LOOPBACK
        if metrics_allow is None
        else tuple(str(network) for network in metrics_allow),
        exporter_port=exporter_port,
        exporter_host=exporter_host,
    )


def _origin_plan(
    *,
    data_dir: Path,
    storage: StorageSettings,
    purge: PurgeSettings,
    port: int,
    api_port: int,
    run_dir: Path | None,
    listen_host: str,
    api_host: str,
) -> EdgePlan:
    run_dir = run_dir or data_dir / "edge"
    allow = tuple(str(network) for network in purge.allow)
    if storage.backend == "s3":
        endpoint = storage.s3_endpoint_url
        if endpoint is None or urlsplit(endpoint).scheme != "http":
            raise SettingsError(
                "TABLEFOR_S3_ENDPOINT_URL: the self-hosted edge needs a plain-HTTP S3 endpoint "
                "(Varnish has no TLS); put a TLS proxy in front or use a CDN adapter"
            )
        parts = urlsplit(endpoint)
        return EdgePlan(
            port=port,
            api_port=api_port,
            run_dir=run_dir,
            storage_dir=None,
            origin_host=parts.hostname or "127.0.0.1",
            origin_port=parts.port or 80,
            s3_bucket=storage.s3_bucket,
            purge_allow=allow,
            purge_secret=purge.secret,
            listen_host=listen_host,
            api_host=api_host,
            freshness=layout.freshness_for(purge.adapter),
        )
    return EdgePlan(
        port=port,
        api_port=api_port,
        run_dir=run_dir,
        storage_dir=storage.local_dir,
        origin_host="127.0.0.1",
        origin_port=free_port(),
        purge_allow=allow,
        purge_secret=purge.secret,
        listen_host=listen_host,
        api_host=api_host,
        freshness=layout.freshness_for(purge.adapter),
    )


def render_vcl(plan: EdgePlan) -> str:
    return _template("edge.vcl.j2").render(
        origin_host=plan.origin_host,
        origin_port=plan.origin_port,
        api_port=plan.api_port,
        api_host=plan.api_host,
        purge_allow=[network.split("/") for network in plan.purge_allow],
        purge_secret=plan.purge_secret,
        purge_secret_header=SECRET_HEADER,
        s3_bucket=plan.s3_bucket,
        stale_while_revalidate=layout.STALE_WHILE_REVALIDATE,
        stale_if_error=layout.STALE_IF_ERROR,
        csp=EDGE_CSP,
        health_path=HEALTH_PATH,
        probe_path=f"/{plan.s3_bucket}/{layout.NOT_FOUND_KEY}" if plan.s3_bucket else "/healthz",
        not_found_path=layout.path_of(layout.NOT_FOUND_KEY),
        not_found_cache=layout.CACHE_CONTROL[layout.Kind.NOT_FOUND],
        slug=layout.SLUG,
        count_opens=plan.opens_spool is not None,
        open_prefix=LOG_PREFIX,
        bot_pattern=BOT_PATTERN,
        metrics_allow=[network.split("/") for network in plan.metrics_allow],
    )


def render_nginx(plan: EdgePlan) -> str:
    assert plan.storage_dir is not None
    return _template("origin.nginx.conf.j2").render(
        user="root" if os.geteuid() == 0 else None,
        run_dir=plan.run_dir,
        host=plan.origin_host,
        port=plan.origin_port,
        storage_dir=plan.storage_dir,
        content_types=sorted({(ext.lstrip("."), ct) for ext, ct in layout.CONTENT_TYPES.items()}),
        cache={kind.value: layout.cache_control(kind, plan.freshness) for kind in layout.Kind},
        patterns={kind.value: pattern for kind, pattern in layout.PATH_PATTERNS.items()},
        not_found_path=layout.path_of(layout.NOT_FOUND_KEY),
        slug=layout.SLUG,
        og_image_pattern=layout.OG_IMAGE_PATTERN,
        images_key=layout.images_key("$1"),  # the slug, as the pattern captured it
    )


class Edge:
    """Varnish and (for local storage) nginx as child processes; a context manager."""

    def __init__(self, plan: EdgePlan) -> None:
        self.plan = plan
        host = "127.0.0.1" if plan.listen_host in ("0.0.0.0", "::") else plan.listen_host  # noqa: S104
        self.url = f"http://{host}:{plan.port}"
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: dict[str, Any] = {}
        self._observers_started = 0.0
        self.metrics_url = (
            f"http://{plan.exporter_host}:{plan.exporter_port}/metrics"
            if plan.exporter_port is not None
            else None
        )

    def __enter__(self) -> Edge:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()  # never leave half an edge running
            raise

    def _start(self) -> None:
        ensure_installed()
        plan = self.plan
        plan.run_dir.mkdir(parents=True, exist_ok=True)
        if plan.storage_dir is not None:
            plan.storage_dir.mkdir(parents=True, exist_ok=True)
            self.start_origin()
        vcl = plan.run_dir / "edge.vcl"
        vcl.touch(mode=0o600)  # it may hold the purge secret
        vcl.chmod(0o600)
        vcl.write_text(render_vcl(plan))
        self._spawn("varnish", self._varnish_command())
        self.wait_until_up()
        self.start_observers()

    def start_observers(self) -> None:
        """The opens collector and the Varnish exporter: they read Varnish's shared memory
        after the fact, so a page never waits for them and their failure breaks no page."""
        plan = self.plan
        self._observers_started = time.monotonic()
        if plan.opens_spool is not None and "collector" not in self._processes:
            self._spawn("collector", self._collector_command(plan.opens_spool))
        exporter = plan.exporter_port is not None and shutil.which(EXPORTER) is not None
        if exporter and plan.exporter_port is not None and "exporter" not in self._processes:
            self._spawn("exporter", self._exporter_command(plan.exporter_port))

    def keep_observers(self) -> None:
        """Start again a collector or exporter that stopped (`tablefor edge` calls this)."""
        if time.monotonic() - self._observers_started < OBSERVER_RESTART_DELAY:
            return
        for name in ("collector", "exporter"):
            process = self._processes.get(name)
            if process is not None and process.poll() is not None:
                self._terminate(name)
        self.start_observers()

    def running(self, name: str) -> bool:
        process = self._processes.get(name)
        return process is not None and process.poll() is None

    def start_origin(self) -> None:
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.plan.run_dir / sub).mkdir(exist_ok=True)
        config = self.plan.run_dir / "origin.nginx.conf"
        config.write_text(render_nginx(self.plan))
        self._spawn(
            "nginx", ["nginx", "-c", str(config), "-e", str(self.plan.run_dir / "nginx-error.log")]
        )
        _wait_for_port(self.plan.origin_host, self.plan.origin_port, self._processes["nginx"])

    def stop(self) -> None:
        for name in ("collector", "exporter", "varnish", "nginx"):
            self._terminate(name)

    def wait_until_up(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self._processes.items():
                if process.poll() is not None:
                    raise Unavailable(
                        f"{name} exited with code {process.returncode}; see {self.plan.run_dir}"
                    )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + HEALTH_PATH, timeout=1).status_code == 200:
                    return
            time.sleep(0.05)
        raise Unavailable(f"the edge did not answer at {self.url} within {timeout} s")

    def _varnish_command(self) -> list[str]:
        plan = self.plan
        return [
            "varnishd",
            "-F",
            "-j", "none",
            "-n", str(plan.run_dir / "varnish"),
            "-a", f"{plan.listen_host}:{plan.port}",
            "-T", f"127.0.0.1:{free_port()}",
            "-S", "none",
            "-f", str((plan.run_dir / "edge.vcl").absolute()),
            "-s", "malloc,256m",
            "-p", "default_grace=0",
            # The opens collector reads this log after the fact: room for seconds of traffic,
            # so a collector briefly behind (a busy machine) loses no view to an overrun.
            "-p", f"vsl_space={'64M' if plan.opens_spool else '16M'}",
        ]  # fmt: skip

    def _collector_command(self, spool: Path) -> list[str]:
        return [
            sys.executable, "-m", "cdn.collector",
            "--varnish-dir", str(self.plan.run_dir / "varnish"),
            "--spool", str(spool),
            "--salts", str(self.plan.run_dir / "salts"),
        ]  # fmt: skip

    def _exporter_command(self, port: int) -> list[str]:
        return [
            EXPORTER,
            "-n", str(self.plan.run_dir / "varnish"),
            "-web.listen-address", f"{self.plan.exporter_host}:{port}",
            "-raw",
        ]  # fmt: skip

    def _spawn(self, name: str, command: list[str]) -> None:
        log = open(self.plan.run_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed at stop
        self._logs[name] = log
        self._processes[name] = subprocess.Popen(  # noqa: S603 - fixed binaries, our arguments
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _terminate(self, name: str) -> None:
        process = self._processes.pop(name, None)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        elif process is not None and name in ("collector", "exporter"):
            print(f"edge: the {name} stopped (code {process.returncode})", file=sys.stderr)
        log = self._logs.pop(name, None)
        if log is not None:
            log.close()


def run_edge(
    *,
    data_dir: Path,
    storage: StorageSettings,
    purge: PurgeSettings,
    port: int,
    api_port: int,
    host: str = "127.0.0.1",
    api_host: str = "127.0.0.1",
    opens: OpensSettings | None = None,
    metrics_allow: tuple[Network, ...] | None = None,
    exporter_port: int | None = None,
    exporter_host: str = "127.0.0.1",
) -> None:
    """`tablefor edge`: run until SIGINT/SIGTERM."""
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    plan = plan_for(
        data_dir=data_dir,
        storage=storage,
        purge=purge,
        port=port,
        api_port=api_port,
        listen_host=host,
        api_host=api_host,
        opens=opens,
        metrics_allow=metrics_allow,
        exporter_port=exporter_port,
        exporter_host=exporter_host,
    )
    with Edge(plan) as edge:
        print(f"edge listening on {edge.url}", flush=True)
        if edge.running("exporter"):
            print(f"edge metrics on {edge.metrics_url}", flush=True)
        while not stopping:
            edge.keep_observers()
            time.sleep(0.2)


def ensure_installed() -> None:
    """Install the edge's Debian packages when they are missing and we can; else say how."""
    missing = [binary for binary in ("varnishd", "nginx") if shutil.which(binary) is None]
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)  # noqa: S607
        subprocess.run(  # noqa: S603
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],  # noqa: S607
            check=False,
            env=env,
        )
        if all(shutil.which(binary) for binary in ("varnishd", "nginx")):
            return
    raise Unavailable(
        "the edge needs Varnish 7 with varnish-modules and nginx; install them with: "
        f"sudo apt-get install {' '.join(PACKAGES)}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for_port(
    host: str, port: int, process: subprocess.Popen[bytes], timeout: float = 10
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Unavailable(f"nginx exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
            return
        time.sleep(0.02)
    raise Unavailable(f"nginx did not listen on {host}:{port}")


def _template(name: str) -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE),
        autoescape=False,  # noqa: S701 - config files, not HTML; no user input reaches them
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template(name)
