"""Where dates, times and party sizes were read, so a restaurant name never swallows one."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate


class Spans:
    """Sorted (start, end) ranges answering 'is anything here?' in O(log n)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        # The furthest end among the spans starting at or before each index.
        self._reach = list(accumulate((end for _, end in ordered), max))

    def first_start(self, low: int, high: int) -> int | None:
        """The start of the first span that begins inside [low, high), if any."""
        index = bisect_left(self._starts, low)
        if index < len(self._starts) and self._starts[index] < high:
            return self._starts[index]
        return None

    def overlaps(self, low: int, high: int) -> bool:
        """True if any span shares a character with [low, high)."""
        before_high = bisect_left(self._starts, high)
        return before_high > 0 and self._reach[before_high - 1] > low

    def busy_until(self, low: int, high: int) -> int | None:
        """Where the last span touching [low, high) ends, if any does."""
        before_high = bisect_left(self._starts, high)
        if before_high == 0 or self._reach[before_high - 1] <= low:
            return None
        return self._reach[before_high - 1]
