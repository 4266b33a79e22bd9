"""The TCP proxy of tcpproxy.py on an event loop of its own thread, for tests whose processes
(not the test's own code) talk through it: cut Redis for a running worker, say."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

from tests.support.tcpproxy import TcpProxy


class ThreadedProxy:
    def __init__(self, proxy: TcpProxy, loop: asyncio.AbstractEventLoop) -> None:
        self._proxy = proxy
        self._loop = loop

    @property
    def port(self) -> int:
        return self._proxy.port

    def cut(self) -> None:
        self._run(self._proxy.cut())

    def restore(self) -> None:
        self._run(self._proxy.restore())

    def _run(self, work: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=10)


@contextmanager
def threaded_proxy(host: str, port: int = 0) -> Iterator[ThreadedProxy]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    proxy = ThreadedProxy(TcpProxy(host, port), loop)
    try:
        proxy.restore()  # starts listening
        yield proxy
    finally:
        proxy.cut()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
