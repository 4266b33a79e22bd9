"""When the booking starts: the best date mention joined with the time written nearest to it.

Rules where a text is vague:
- a date without a year is the next such date on or after today (in the booking's zone);
- a weekday alone is the next such day on or after today; today only if its time is still
  ahead; 'next Saturday' said on a Saturday is a week away;
- among several written dates, the first that is not in the past wins;
- a date with no time, or a time with no day, gives no start: an invite needs both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.parsing.clock import TimeMention
from core.parsing.dates import (
    CALENDAR,
    MONTH_ABBREVIATIONS,
    WEEKDAY,
    WEEKDAY_NAMES,
    DateMention,
    is_valid_date,
)
from core.parsing.spans import Spans

NO_DATE_OR_TIME = "no date or time found"
NO_TIME = "a date but no time found; add the time"
NO_DATE = "a time but no date found; add the date"
IN_THE_PAST = "the start time is in the past"
_YEARS_TO_TRY = 9  # 29 Feb can be up to eight years away
_WEEKDAY_NEXT_TO_DATE = 14  # 'Saturday, 12 December 2026' and '12 Dec (Sat)'


@dataclass(frozen=True, slots=True)
class Start:
    at: datetime | None
    warnings: tuple[str, ...] = ()


def day_first_for(tz: ZoneInfo) -> bool:
    """'05/06' is 5 June in India and Europe; in the Americas it is May 6."""
    return not str(tz).startswith("America/")


def choose_start(
    dates: Sequence[DateMention], times: Sequence[TimeMention], *, now: datetime, tz: ZoneInfo
) -> Start:
    local_now = localize(now, tz)
    mention = _choose_date(dates, local_now.date())
    written_dates = Spans((d.start, d.end) for d in dates if d.rank != WEEKDAY)
    clock = _choose_time(
        [t for t in times if not written_dates.overlaps(t.start, t.end)], near=mention
    )
    if mention is None:
        return Start(None, (NO_DATE if clock else NO_DATE_OR_TIME,))
    if clock is None:
        return Start(None, (NO_TIME,))
    day, notes = _resolve_day(mention, local_now, time(clock.hour, clock.minute))
    starts_at = _wall_time(day, time(clock.hour, clock.minute), tz)
    if starts_at < local_now:
        notes += (IN_THE_PAST,)
    return Start(starts_at, notes + _weekday_check(mention, dates, day))


def _wall_time(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant that wall time names in tz. A time skipped by a DST change (02:30 on the
    spring-forward night) moves on by the gap, as a clock on the wall would."""
    naive = datetime.combine(day, at)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def localize(now: datetime, tz: ZoneInfo) -> datetime:
    """'now' in the booking's zone; a naive 'now' is taken to be wall time there already."""
    return now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)


def _choose_date(dates: Sequence[DateMention], today: date) -> DateMention | None:
    if not dates:
        return None
    best = max(mention.rank for mention in dates)
    candidates = [mention for mention in dates if mention.rank == best]
    if best == CALENDAR:
        upcoming = [m for m in candidates if m.year is None or _calendar_day(m, today) >= today]
        return (upcoming or candidates)[0]
    return candidates[0]


def _choose_time(times: Sequence[TimeMention], *, near: DateMention | None) -> TimeMention | None:
    if not times:
        return None
    best = max(mention.rank for mention in times)
    candidates = [mention for mention in times if mention.rank == best]
    if near is None:
        return candidates[0]
    return min(candidates, key=lambda t: max(t.start - near.end, near.start - t.end, 0))


def _resolve_day(mention: DateMention, now: datetime, at: time) -> tuple[date, tuple[str, ...]]:
    today = now.date()
    if mention.days_ahead is not None:
        return today + timedelta(days=mention.days_ahead), ()
    if mention.weekday is not None:
        return _next_weekday(mention.weekday, now, at, skip_today=mention.skip_this_week), ()
    day = _calendar_day(mention, today)
    notes: tuple[str, ...] = ()
    if mention.year is None:
        label = f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1].title()}"
        notes += (f"date has no year; assumed the next {label} ({day.year})",)
    if mention.order_assumed:
        notes += (f"read the numeric date as {_written(day)}",)
    return day, notes


def _calendar_day(mention: DateMention, today: date) -> date:
    """The mention's date; without a year, the next one on or after today."""
    if mention.year is not None:
        return date(mention.year, mention.month, mention.day)
    for year in range(today.year, today.year + _YEARS_TO_TRY):
        if is_valid_date(year, mention.month, mention.day):
            candidate = date(year, mention.month, mention.day)
            if candidate >= today:
                return candidate
    return today  # unreachable for a validated month and day; keeps the type honest


def _next_weekday(weekday: int, now: datetime, at: time, *, skip_today: bool) -> date:
    today = now.date()
    days = (weekday - today.weekday()) % 7
    if days == 0 and (skip_today or at < now.time().replace(tzinfo=None)):
        days = 7
    return today + timedelta(days=days)


def _weekday_check(
    mention: DateMention, dates: Sequence[DateMention], day: date
) -> tuple[str, ...]:
    """A note when 'Saturday, 12 December' names a day that is not a Saturday."""
    if mention.rank != CALENDAR:
        return ()
    for other in dates:
        near = (
            0 <= mention.start - other.end <= _WEEKDAY_NEXT_TO_DATE
            or 0 <= other.start - mention.end <= 3
        )
        if other.weekday is not None and near and other.weekday != day.weekday():
            named, actual = WEEKDAY_NAMES[other.weekday], WEEKDAY_NAMES[day.weekday()]
            note = f"{named.title()} does not match {_written(day)}, a {actual.title()}"
            return (f"{note}; used the date",)
    return ()


def _written(day: date) -> str:
    """'12 Dec 2026', in English whatever the process locale."""
    return f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1].title()} {day.year}"
