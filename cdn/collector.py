"""The edge's opens collector: Varnish's records of page views, hashed and spooled.

The edge starts it beside Varnish (`python -m cdn.collector ...`, see cdn/edge.py). It runs
varnishncsa, which reads Varnish's shared-memory log after the fact, so no page ever waits for
counting and a stopped collector breaks no page. Each view becomes one spool line (cdn/opens.py)
with the viewer as a hash salted by the day's salt: the address and user agent never reach the
disk. The salt lives in a file of its own (so a restarted collector counts the same viewer once
that day), readable only by us, and is deleted when the day is over.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from cdn.opens import LOG_PREFIX, PART, seal, viewer_hash

SEAL_EVERY = 1.0  # seconds: how long a view may wait before the worker can count it
RESTART_DELAY = 1.0
FORMAT = f"%{{VCL_Log:{LOG_PREFIX}}}x\t%h\t%{{User-agent}}i"
_SLUG = re.compile(rb"^[A-Za-z0-9_-]{1,64}$")


class DailySalt:
    """One random salt per UTC day, kept in `directory` (mode 0600) until the day is over."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._day: date | None = None
        self._salt = b""

    def for_day(self, day: date) -> bytes:
        if day != self._day:
            self._salt = self._load(day)
            self._day = day
            self._forget_other_days(day)
        return self._salt

    def _load(self, day: date) -> bytes:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"salt-{day.isoformat()}"
        fresh = self.directory / f".salt-{os.getpid()}"
        descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(os.urandom(32))
        with contextlib.suppress(FileExistsError):
            os.link(fresh, path)  # atomic: a collector started at the same moment agrees
        fresh.unlink()
        return path.read_bytes()

    def _forget_other_days(self, day: date) -> None:
        for old in self.directory.glob("salt-*"):
            if old.name != f"salt-{day.isoformat()}":
                old.unlink(missing_ok=True)


class SpoolWriter:
    """Appends to a part file; seals it (the worker may then count it) once it is SEAL_EVERY
    old. Lines reach the file at each flush, so a killed collector loses none it wrote."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._file: IO[bytes] | None = None
        self._path: Path | None = None
        self._opened = 0.0

    def write(self, lines: bytes) -> None:
        if self._file is None:
            self._path = self.directory / f"{time.time_ns()}-{os.getpid()}{PART}"
            self._file = self._path.open("ab")
            self._opened = time.monotonic()
        self._file.write(lines)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def seal_if_due(self) -> None:
        if self._file is not None and time.monotonic() - self._opened >= SEAL_EVERY:
            self.seal()

    def seal(self) -> None:
        if self._file is None or self._path is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        seal(self._path)
        self._file = self._path = None


class Collector:
    def __init__(self, varnish_dir: Path, spool_dir: Path, salt_dir: Path) -> None:
        self.varnish_dir = varnish_dir
        self.spool = SpoolWriter(spool_dir)
        self.salts = DailySalt(salt_dir)
        self.stopping = False
        spool_dir.mkdir(parents=True, exist_ok=True)
        for leftover in spool_dir.glob(f"*{PART}"):  # a previous collector's last file
            seal(leftover)

    def run(self) -> None:
        while not self.stopping:
            with self._varnishncsa() as process:
                assert process.stdout is not None
                self._read(process.stdout.fileno())
            if not self.stopping:  # varnishncsa ended (Varnish restarting?): start it again
                time.sleep(RESTART_DELAY)
        self.spool.seal()

    def record(self, *lines: bytes) -> None:
        """Spool views read from varnishncsa: `slug<TAB>address<TAB>user agent` each."""
        day = datetime.now(UTC).date()
        salt = self.salts.for_day(day)
        prefix = day.isoformat().encode() + b"\t"
        spooled = []
        for line in lines:
            slug, _, rest = line.partition(b"\t")
            address, _, user_agent = rest.partition(b"\t")
            if _SLUG.match(slug):
                viewer = viewer_hash(salt, address, user_agent, slug)
                spooled.append(b"%s%s\t%s\n" % (prefix, slug, viewer))
        if spooled:
            self.spool.write(b"".join(spooled))

    def _read(self, fd: int) -> None:
        pending = b""
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while not self.stopping:
                if selector.select(timeout=SEAL_EVERY / 4):
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        return
                    *lines, pending = (pending + chunk).split(b"\n")
                    self.record(*lines)
                    self.spool.flush()
                self.spool.seal_if_due()
                self.salts.for_day(datetime.now(UTC).date())  # yesterday's salt goes at once

    @contextlib.contextmanager
    def _varnishncsa(self) -> Iterator[subprocess.Popen[bytes]]:
        command = ["varnishncsa", "-n", str(self.varnish_dir), "-q", f"VCL_Log:{LOG_PREFIX}"]
        process = subprocess.Popen(  # noqa: S603 - a fixed binary, our arguments
            [*command, "-F", FORMAT], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description="Spool Varnish's records of invite opens.")
    options.add_argument("--varnish-dir", type=Path, required=True)
    options.add_argument("--spool", type=Path, required=True)
    options.add_argument("--salts", type=Path, required=True)
    args = options.parse_args(argv)
    collector = Collector(args.varnish_dir, args.spool, args.salts)

    def stop(signum: int, frame: object) -> None:
        collector.stopping = True

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    collector.run()
    sys.exit(0)


if __name__ == "__main__":
    main()
