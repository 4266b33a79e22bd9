"""Times of day: '8pm', '8:30 PM', '20:00 hrs', '2130 hrs', '8:00-8:30 PM', '8 baje', '9 बजे'.

A time written without am/pm ('8 baje', 'at 8', '9:00') is read with the words around it:
'raat', 'dinner', 'tonight' make it evening, 'subah', 'breakfast' morning. With no such word,
1-10 is afternoon or evening (restaurants book lunch and dinner) and 11 is morning (brunch).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from core.parsing.dates import MONTH_PATTERN
from core.parsing.scanning import ends_word, follows_any, starts_word
from core.parsing.spans import Claims

# Explicit (am/pm, 24-hour, 'hrs') beats context-read ('8 baje', '9:00') beats a bare 'at 8'.
EXPLICIT, CONTEXTUAL, BARE = 3, 2, 1
_MAX_MENTIONS = 200
_HINT_BEFORE, _HINT_AFTER = 30, 20
_LONGEST_SLOT_MINUTES = 4 * 60

# All patterns read the lower-cased text, and start with what they match (see scanning.py).
_NUMBER_BEFORE = "0123456789:.+/"
_TWELVE_HOUR = re.compile(
    r"(?P<h>[0-9][0-9]?)(?:[:.](?P<m>[0-5][0-9]))? ?(?P<ap>[ap])\.? ?m(?![a-z])\.?"
)
# The start of a slot, '8:00-' in '8:00-8:30 pm', read backwards from where the end time starts.
_RANGE_START = re.compile(
    r"(?P<h1>[0-9][0-9]?)(?:[:.](?P<m1>[0-5][0-9]))? ?(?:(?P<ap1>[ap])\.? ?m\.?)?"
    r" ?(?:-|to|till|until) ?$"
)
_TWENTY_FOUR_HOUR = re.compile(
    r"(?P<h>[0-9][0-9]?)(?::(?P<m>[0-5][0-9])(?::[0-5][0-9])?|h(?P<mh>[0-5][0-9])"
    r"|\.(?P<md>[0-5][0-9]))(?![\d:])(?! ?[ap]\.? ?m(?![a-z]))(?P<suffix> ?(?:hrs?|hours|uhr|h)\b)?"
)
_COMPACT_HRS = re.compile(r"(?P<h>[0-2][0-9])(?P<m>[0-5][0-9]) ?(?:hrs?|hours|h)\b")
_NOON = re.compile(r"12 ?noon\b|noon\b")
_HINDI_HOUR = re.compile(r"(?P<h>[0-9][0-9]?)(?:[:.](?P<m>[0-5][0-9]))? ?(?:baje|bajey|bje|बजे)")
_OCLOCK = re.compile(r"(?P<h>[0-9][0-9]?) ?o' ?clock\b")
# 'at 8', 'by 9', and an hour right after a day or a meal: 'tonight 9', 'sat 7', 'dinner 8'.
_BARE_HOUR = re.compile(
    r"(?:at|by|around|arnd|@|tonight|tonite|today|tomorrow|tmrw|tmr|kal|aaj|raat|shaam"
    r"|dinner|lunch|brunch|breakfast|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6})"
    r" ?(?P<h>[0-9][0-9]?)(?![\d:./%]|,\d)"
    r"(?! ?(?:st|nd|rd|th|guests?|people|pax|persons?|ppl|log|of|mins?|minutes|hrs?|hours"
    rf"|days?|km|rs|inr|k)\b)(?! ?%)(?! ?{MONTH_PATTERN})"
)
_HINTS = {
    **dict.fromkeys(("tonight", "tonite", "night", "raat", "raath", "रात"), "night"),
    **dict.fromkeys(("dinner", "evening", "shaam", "sham", "drinks", "शाम"), "evening"),
    **dict.fromkeys(("morning", "breakfast", "brunch", "subah", "subha", "सुबह"), "morning"),
}
_HINT = re.compile(
    r"(?:tonight|tonite|night|raath?|dinner|evening|shaam|sham|drinks|morning|breakfast|brunch"
    r"|subah|subha|रात|शाम|सुबह)"
)


@dataclass(frozen=True, slots=True)
class TimeMention:
    start: int
    end: int
    rank: int
    hour: int
    minute: int


class _Context:
    """Reads 'raat', 'dinner', 'subah' near a time, then anywhere in the text (computed once)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._document: str | None = None
        self._document_read = False

    def hour(self, hour: int, start: int, end: int) -> int:
        return _hour_with_hint(hour, self._near(start, end) or self._anywhere())

    def _near(self, start: int, end: int) -> str | None:
        window_start = max(0, start - _HINT_BEFORE)
        hints = _hints(self._text, window_start, end + _HINT_AFTER)
        nearest = min(hints, key=lambda hint: abs(hint.start() - start), default=None)
        return None if nearest is None else _HINTS[nearest.group()]

    def _anywhere(self) -> str | None:
        if not self._document_read:
            found = next(_hints(self._text, 0, len(self._text)), None)
            self._document = None if found is None else _HINTS[found.group()]
            self._document_read = True
        return self._document


def _hints(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    return (
        m
        for m in _HINT.finditer(text, start, end)
        if starts_word(text, m.start()) and ends_word(text, m.end())
    )


def find_times(text: str) -> list[TimeMention]:
    """Every time-like mention in the lower-cased text, earliest first; a span already read by
    a stronger pattern is not read again."""
    context = _Context(text)
    finders: tuple[Callable[[str, _Context], Iterator[TimeMention]], ...] = (
        _twelve_hour,
        _compact_hrs,
        _twenty_four_hour,
        _noon,
        _hindi_hour,
        _oclock,
        _bare_hour,
    )
    found: list[TimeMention] = []
    claims = Claims(len(text))
    for finder in finders:
        for mention in islice(finder(text, context), _MAX_MENTIONS):
            if claims.claim(mention.start, mention.end):
                found.append(mention)
    return sorted(found, key=lambda mention: mention.start)


def _twelve_hour(text: str, context: _Context) -> Iterator[TimeMention]:
    for match in _after_number_boundary(text, _TWELVE_HOUR):
        end_hour = _from_twelve_hour(int(match["h"]), match["ap"])
        if end_hour is None:
            continue
        start, hour, minute = match.start(), end_hour, int(match["m"] or 0)
        slot = _RANGE_START.search(text, max(0, start - 16), start)
        slot_start = None if slot is None else _slot_start(slot, match["ap"], hour * 60 + minute)
        if slot is not None and slot_start is not None:
            start, hour, minute = slot.start(), slot_start, int(slot["m1"] or 0)
        yield TimeMention(start, match.end(), EXPLICIT, hour, minute)


def _slot_start(slot: re.Match[str], meridiem: str, end_minutes: int) -> int | None:
    """The start hour of '8:00-8:30 PM': the end's am/pm, unless that puts it after the end."""
    if follows_any(slot.string, slot.start(), _NUMBER_BEFORE):
        return None
    hour = _from_twelve_hour(int(slot["h1"]), slot["ap1"] or meridiem)
    if hour is None:
        return None
    start_minutes = hour * 60 + int(slot["m1"] or 0)
    if slot["ap1"] is None and hour >= 12 and start_minutes > end_minutes:
        hour, start_minutes = hour - 12, start_minutes - 720  # '11:30-12:30 PM' starts at 11:30
    # A slot is a few hours at most; 'table for 2 - 8pm' is a party size and then a time.
    return hour if 0 <= end_minutes - start_minutes <= _LONGEST_SLOT_MINUTES else None


def _from_twelve_hour(hour: int, meridiem: str) -> int | None:
    if not 1 <= hour <= 12:
        return None
    is_pm = meridiem == "p"
    return (hour % 12) + (12 if is_pm else 0)


def _twenty_four_hour(text: str, context: _Context) -> Iterator[TimeMention]:
    for match in _after_number_boundary(text, _TWENTY_FOUR_HOUR):
        raw_hour, hour = match["h"], int(match["h"])
        minute = int(match["m"] or match["mh"] or match["md"])
        if hour > 23:
            continue
        explicit = hour == 0 or hour >= 12 or raw_hour.startswith("0") or bool(match["suffix"])
        if match["md"] is not None and not (hour >= 13 or match["suffix"]):
            continue  # '4.50' is a rating or a price, '19.30' a time
        if explicit:
            yield TimeMention(match.start(), match.end(), EXPLICIT, hour, minute)
        else:
            hour = context.hour(hour, match.start(), match.end())
            yield TimeMention(match.start(), match.end(), CONTEXTUAL, hour, minute)


def _compact_hrs(text: str, context: _Context) -> Iterator[TimeMention]:
    for match in _after_number_boundary(text, _COMPACT_HRS):
        if int(match["h"]) <= 23:
            yield TimeMention(
                match.start(), match.end(), EXPLICIT, int(match["h"]), int(match["m"])
            )


def _noon(text: str, context: _Context) -> Iterator[TimeMention]:
    for match in _NOON.finditer(text):
        if starts_word(text, match.start()):
            yield TimeMention(match.start(), match.end(), EXPLICIT, 12, 0)


def _hindi_hour(text: str, context: _Context) -> Iterator[TimeMention]:
    yield from _contextual(text, context, _HINDI_HOUR, CONTEXTUAL)


def _oclock(text: str, context: _Context) -> Iterator[TimeMention]:
    yield from _contextual(text, context, _OCLOCK, CONTEXTUAL)


def _bare_hour(text: str, context: _Context) -> Iterator[TimeMention]:
    yield from _contextual(text, context, _BARE_HOUR, BARE)


def _contextual(
    text: str, context: _Context, pattern: re.Pattern[str], rank: int
) -> Iterator[TimeMention]:
    for match in pattern.finditer(text):
        if not _starts_cleanly(text, match):
            continue
        hour = int(match["h"])
        minute = int(match.groupdict().get("m") or 0)
        if 1 <= hour <= 12:
            # The span is the number alone: 'tomorrow' in 'tomorrow 8' is the date's.
            start = match.start("h")
            hour = context.hour(hour, start, match.end())
            yield TimeMention(start, match.end(), rank, hour, minute)


def _after_number_boundary(text: str, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """Matches not glued to a number before them: '1:30' in '21:30' is no time of its own."""
    for match in pattern.finditer(text):
        if not follows_any(text, match.start(), _NUMBER_BEFORE):
            yield match


def _starts_cleanly(text: str, match: re.Match[str]) -> bool:
    if match.group()[0].isdigit():
        return not follows_any(text, match.start(), _NUMBER_BEFORE)
    return match.group()[0] == "@" or starts_word(text, match.start())


def _hour_with_hint(hour: int, hint: str | None) -> int:
    if hour == 0 or hour >= 12:
        return hour
    if hint == "morning":
        return hour if hour >= 5 else hour + 12  # 'brunch at 1' is 1 pm
    if hint == "night":
        return hour + 12 if hour >= 5 else hour  # 'raat 2 baje' is 2 am
    if hint == "evening":
        return hour + 12
    return hour + 12 if hour <= 10 else hour
