"""Dates as booking texts write them: calendar dates, day words (today, kal) and weekdays.

Each finder reports where it matched, so the time nearest the date can be chosen and so the
place finders know where a restaurant name must stop.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from core.parsing.scanning import ends_word, follows_any, starts_word
from core.parsing.spans import Claims

# How much a mention is trusted when several disagree: a written date beats 'tomorrow', which
# beats a bare '18/12' (could be a fraction), which beats a lone weekday.
CALENDAR, RELATIVE, SHORT_NUMERIC, WEEKDAY = 4, 3, 2, 1
_MAX_MENTIONS = 200
_DAYS_IN_MONTH_ANY_YEAR = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

MONTH_PATTERN = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:\.|(?![a-z]))"
)
# English names, written out: calendar.month_abbr would follow the process locale.
MONTH_ABBREVIATIONS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {name: number for number, name in enumerate(MONTH_ABBREVIATIONS, start=1)}
_YEAR = r"(?P<year>(?:19|20)\d\d|'\d\d)(?![\d:]| ?(?:hrs?|hours)\b)"
# All patterns read the lower-cased text, and start with what they match (see scanning.py).
# A month name is rare in a text and cheap to scan for; the day is read next to it: before it
# ('12th December 2026', '12-Dec') or after it ('December 10, 2026').
_MONTH = re.compile(MONTH_PATTERN)
_DAY_BEFORE = re.compile(r"(?P<day>[0-9][0-9]?)(?:st|nd|rd|th)?(?: of)?[ -]?$")
_YEAR_AFTER = re.compile(rf"[ ,'-]{{1,3}}{_YEAR}")
_DAY_AFTER = re.compile(rf" ?(?P<day>[0-9][0-9]?)(?:st|nd|rd|th)?(?![\d:])(?:,? {_YEAR})?")
_NUMERIC = re.compile(
    r"(?P<a>[0-9][0-9]?)(?P<sep>[/.-])(?P<b>[0-9][0-9]?)(?P=sep)(?P<year>[0-9]{4}|[0-9]{2})"
    r"(?![\d/:]|[.-]\d)"
)
_ISO = re.compile(r"(?P<year>[12][09][0-9][0-9])-(?P<b>[0-9][0-9]?)-(?P<a>[0-9][0-9]?)(?![\d/:-])")
_SHORT_NUMERIC = re.compile(r"(?P<a>[0-9][0-9]?)/(?P<b>[0-9][0-9]?)(?![\d/:%]|[.-]\d)")
_NUMBER_BEFORE = "0123456789/.:+-"
_DATE_LABEL = re.compile(r"\b(?:date|on)\b[: ]*$")

_RELATIVE_WORDS = {
    "today": 0, "tonight": 0, "tonite": 0, "aaj": 0, "this evening": 0, "this afternoon": 0,
    "tomorrow": 1, "tomorow": 1, "tommorow": 1, "tommorrow": 1, "tmrw": 1, "tmr": 1, "kal": 1,
    "day after tomorrow": 2, "parso": 2,
    "आज": 0, "कल": 1, "परसों": 2,
}  # fmt: skip
_RELATIVE = re.compile(
    r"(?:day after tomorrow|today|tonight|tonite|tomm?orr?ow|tmrw|tmr|kal|aaj|parso"
    r"|this (?:evening|afternoon)|आज|कल|परसों)"
)
_WEEKDAYS = {name[:3]: number for number, name in enumerate(WEEKDAY_NAMES)}
_WEEKDAY = re.compile(
    r"(?:mon(?:day)?|tue(?:s|sday)?|wed(?:s|nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\b\.?"
)
_WEEKDAY_QUALIFIER = re.compile(r"(?:next|coming|this|on) $")
# 'sat', 'sun', 'wed' are ordinary words too; a short form counts only when a date, a time or
# a meal follows it, or 'on'/'next' comes before it.
_AFTER_SHORT_WEEKDAY = re.compile(
    r"[,.]? ?(?:\d|$|\n|\||night|eve|evening|afternoon|morning|lunch|dinner|brunch|breakfast)"
)


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    rank: int
    month: int = 0
    day: int = 0
    year: int | None = None
    days_ahead: int | None = None  # today, tomorrow...
    weekday: int | None = None  # Monday is 0
    skip_this_week: bool = False  # 'next Saturday' said on a Saturday
    order_assumed: bool = False  # '05/06': both numbers could be the month


def find_dates(text: str, *, day_first: bool) -> list[DateMention]:
    """Every date-like mention in the lower-cased text, earliest first; a span already read by
    a stronger pattern is not read again."""
    found: list[DateMention] = []
    claims = Claims(len(text))
    finders = (
        _named_dates(text),
        _numeric_dates(text, _NUMERIC, day_first=day_first),
        _numeric_dates(text, _ISO, day_first=True),
        _numeric_dates(text, _SHORT_NUMERIC, day_first=day_first),
        _relative_days(text),
        _weekdays(text),
    )
    for finder in finders:
        for mention in islice(finder, _MAX_MENTIONS):
            if claims.claim(mention.start, mention.end):
                found.append(mention)
    return sorted(found, key=lambda mention: mention.start)


def is_valid_date(year: int | None, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    if year is None:
        return day <= _DAYS_IN_MONTH_ANY_YEAR[month]
    return 1900 <= year <= 2200 and day <= calendar.monthrange(year, month)[1]


def _named_dates(text: str) -> Iterator[DateMention]:
    for month_match in _MONTH.finditer(text):
        if not starts_word(text, month_match.start()):
            continue
        month = _MONTHS[month_match.group()[:3]]
        window = max(0, month_match.start() - 8)
        before = _DAY_BEFORE.search(text, window, month_match.start())
        if before is not None and not follows_any(text, before.start(), _NUMBER_BEFORE):
            year = _YEAR_AFTER.match(text, month_match.end())
            start, day = before.start(), int(before["day"])
        else:
            year = after = _DAY_AFTER.match(text, month_match.end())
            if after is None:
                continue
            start, day = month_match.start(), int(after["day"])
        end = month_match.end() if year is None else year.end()
        year_number = None if year is None else _year(year["year"])
        if is_valid_date(year_number, month, day):
            yield DateMention(start, end, CALENDAR, month, day, year_number)


def _numeric_dates(
    text: str, pattern: re.Pattern[str], *, day_first: bool
) -> Iterator[DateMention]:
    has_year = "year" in pattern.groupindex
    for match in pattern.finditer(text):
        if follows_any(text, match.start(), _NUMBER_BEFORE):
            continue
        a, b = int(match["a"]), int(match["b"])
        year = _year(match["year"]) if has_year else None
        day, month = (a, b) if (day_first and b <= 12) or a > 12 else (b, a)
        if not is_valid_date(year, month, day):
            continue
        rank = CALENDAR if has_year or _is_labelled(text, match.start()) else SHORT_NUMERIC
        ambiguous = pattern is not _ISO and a != b and a <= 12 and b <= 12
        yield DateMention(
            match.start(), match.end(), rank, month, day, year, order_assumed=ambiguous
        )


def _relative_days(text: str) -> Iterator[DateMention]:
    for match in _RELATIVE.finditer(text):
        if not (starts_word(text, match.start()) and ends_word(text, match.end())):
            continue
        word = " ".join(match.group().split())
        days = _RELATIVE_WORDS.get(word, 1)  # the misspellings of 'tomorrow' fall through
        yield DateMention(match.start(), match.end(), RELATIVE, days_ahead=days)


def _weekdays(text: str) -> Iterator[DateMention]:
    for match in _WEEKDAY.finditer(text):
        if not starts_word(text, match.start()):
            continue
        name = match.group().rstrip(".")
        before = _WEEKDAY_QUALIFIER.search(text, max(0, match.start() - 7), match.start())
        before = before if before and starts_word(text, before.start()) else None
        qualifier = before.group().strip() if before else ""
        is_short = len(name) < 6  # the full names are six letters or more
        if is_short and not qualifier and not _AFTER_SHORT_WEEKDAY.match(text, match.end()):
            continue
        weekday = _WEEKDAYS[name[:3]]
        start = before.start() if before and qualifier in ("next", "coming") else match.start()
        yield DateMention(
            start, match.end(), WEEKDAY, weekday=weekday, skip_this_week=qualifier == "next"
        )


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    digits = raw.lstrip("'")
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _is_labelled(text: str, start: int) -> bool:
    return _DATE_LABEL.search(text, max(0, start - 8), start) is not None
