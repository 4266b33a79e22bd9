"""api/parsing.py: a long paste is parsed while the event loop goes on serving others."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from api.parsing import INLINE_CHARS, Parser

IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=IST)
BOOKING = "Table for 4 at Toit, Indiranagar, Bengaluru on 12 Dec 2026 at 8 PM."
LONG = BOOKING + " " + "@" * 19_000


@asynccontextmanager
async def ticking() -> AsyncIterator[Callable[[], int]]:
    """A task that counts its turns on the loop; yields a reader of the count."""
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(tick())
    await asyncio.sleep(0)  # its first turn
    try:
        yield lambda: ticks
    finally:
        task.cancel()


async def test_a_long_paste_is_parsed_while_other_tasks_run() -> None:
    async with ticking() as ticks:
        before = ticks()
        result = await Parser().parse(LONG, now=NOW, tz=IST)
        during = ticks() - before
    assert len(LONG) > INLINE_CHARS
    assert during > 0
    assert (result.restaurant_name, result.party_size) == ("Toit", 4)


async def test_a_short_paste_is_parsed_in_place() -> None:
    async with ticking() as ticks:
        before = ticks()
        result = await Parser().parse(BOOKING, now=NOW, tz=IST)
        during = ticks() - before
    assert during == 0
    assert result.starts_at == datetime(2026, 12, 12, 20, 0, tzinfo=IST)


async def test_long_pastes_at_once_each_get_their_own_result() -> None:
    parser = Parser(inline_chars=0)
    texts = [LONG.replace("4", str(size)) for size in range(2, 8)]
    results = await asyncio.gather(*(parser.parse(text, now=NOW, tz=IST) for text in texts))
    assert [result.party_size for result in results] == list(range(2, 8))
