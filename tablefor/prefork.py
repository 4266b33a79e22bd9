"""Several processes of one server, forked from a parent that holds the listening socket and
the resolved settings (as gunicorn does): the children inherit both, nothing is passed through
the environment. The parent restarts a child that dies and forwards SIGTERM/SIGINT to all."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
import traceback
from collections.abc import Callable

log = logging.getLogger("tablefor.prefork")

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
RESTART_DELAY = 1.0  # a child that dies at once is not restarted in a tight loop


def run_forked(
    count: int, child: Callable[[], None], *, on_exit: Callable[[int], None] | None = None
) -> int:
    """Run `child` in `count` processes until a signal stops them; the exit code of the lot.

    `on_exit(pid)` runs in the parent for each child that ended (its metrics are settled).
    """
    children: dict[int, int] = {}
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            _signal(pid, signal.SIGTERM)

    previous = {signum: signal.signal(signum, stop) for signum in _STOP_SIGNALS}
    try:
        for slot in range(count):
            children[_fork(child)] = slot
        failed = False
        while children:
            pid, status = os.wait()
            if pid not in children:
                continue
            slot = children.pop(pid)
            if on_exit is not None:
                on_exit(pid)
            if stopping:
                failed = failed or os.waitstatus_to_exitcode(status) not in (0, -signal.SIGTERM)
                continue
            log.error("server process died; starting another", extra={"pid": pid})
            time.sleep(RESTART_DELAY)
            children[_fork(child)] = slot
        return 1 if failed else 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _fork(child: Callable[[], None]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        for signum in _STOP_SIGNALS:
            signal.signal(signum, signal.SIG_DFL)  # the child's server sets its own
        child()
    except KeyboardInterrupt:
        code = 0
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        # Never return into the parent's stack (its `with` blocks would close shared servers).
        os._exit(code)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)
