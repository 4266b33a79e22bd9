"""Parsing a paste without holding up the event loop.

A parse is CPU work, linear in the text (core/parsing; bench.parser): a typical confirmation
takes a few hundred µs, the longest text the API accepts (20,000 characters) up to ~10 ms. A
short text is parsed in place, where a thread hop would cost more than the parse. A long one is
parsed in a worker thread, one at a time per process: the event loop keeps serving the other
requests between the thread's turns at the GIL, and a burst of long pastes queues behind one
thread instead of crowding the loop out.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

import anyio.to_thread
from anyio import CapacityLimiter

from core.parsing import ParseResult, parse_booking

# Below this many characters a parse takes well under a millisecond (bench.parser), less than
# handing it to a thread and back.
INLINE_CHARS = 2_000


class Parser:
    """One per API process, made in the app's lifespan (the limiter belongs to its loop)."""

    def __init__(self, *, inline_chars: int = INLINE_CHARS) -> None:
        self._inline_chars = inline_chars
        self._one_at_a_time = CapacityLimiter(1)

    async def parse(self, text: str, *, now: datetime, tz: ZoneInfo) -> ParseResult:
        if len(text) <= self._inline_chars:
            return parse_booking(text, now=now, tz=tz)
        work = partial(parse_booking, text, now=now, tz=tz)
        return await anyio.to_thread.run_sync(work, limiter=self._one_at_a_time)
