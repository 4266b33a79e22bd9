"""Where dates, times and party sizes were read, so a restaurant name never swallows one."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate
from typing import Protocol


class Located(Protocol):
    """Anything read from the text at [start, end): a date, a time, a party size."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


class Claims:
    """Characters already read by a stronger pattern, so a weaker one does not read them again."""

    def __init__(self, length: int) -> None:
        self._taken = bytearray(length + 1)

    def claim(self, start: int, end: int) -> bool:
        """Take [start, end) if none of it is taken yet; say whether it was."""
        if self._taken.find(1, start, end) != -1:
            return False
        self._taken[start:end] = b"\x01" * (end - start)
        return True


class Spans:
    """Sorted (start, end) ranges answering 'is anything here?' in O(log n)."""

    @classmethod
    def of(cls, *groups: Iterable[Located]) -> Spans:
        return cls((item.start, item.end) for group in groups for item in group)

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
