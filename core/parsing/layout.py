"""Restaurants named by the layout of the text rather than a sentence: an app screen's name line
above an 'Area, City' line or the date, a 'Restaurant:' label, a 'Name - table for 4' heading.

Patterns read the lower-cased text; names are cut from the original at the same offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from core.parsing.cities import canonical_city, is_region
from core.parsing.guesses import (
    ADDRESS,
    DASH_TABLE,
    LABELLED,
    NAME_LINE,
    ROW,
    ROW_WITH_CITY,
    SCREEN,
    SCREEN_WITH_CITY,
    Guess,
    guess_from_parts,
    plain_place,
)
from core.parsing.names import is_furniture, looks_like_name, tidy, tidy_area, unshout
from core.parsing.spans import Spans

_MAX_LINES = 400
_MAX_NAME_LINE_WORDS = 6
_LINE = re.compile(r"[^\n]+")
# 'Restaurant: Bastian' names the place; 'Outlet: Khan Market, New Delhi' says where it is.
_LABELLED = re.compile(
    r"(?:(?P<name>restaurant|venue|place|hotel)|outlet|location|address|branch|area)(?: name)?"
    r" ?[:=-] ?(?P<value>[^\n]{2,160})$",
    re.MULTILINE,
)
_DASH_TABLE = re.compile(
    r" - (?:table|booking|reservation|booked|reserved|dinner|lunch|brunch)\b", re.MULTILINE
)
_LONGEST_BEFORE_DASH = 120
# Before a 'Name - table' dash there may be a whole sentence; the name is its last clause.
_CLAUSE_BREAK = re.compile(r"[!?;:|·]|(?<![\w@.])at |[^\w\s'&.,()/+-]", re.IGNORECASE)
_SENTENCE_PUNCTUATION = re.compile(r"[!?]|\.\s*$")
_CELL = re.compile(r"[^|·]+")
_SENTENCE_BEFORE = re.compile(r"[!?.] ")
_NOT_A_PLACE_LABEL = re.compile(
    r"\b(?:id|no|number|code|ref|pin|phone|call|contact|total|bill|amount|offer|date|time|guests?"
    r"|pax)\b",
    re.IGNORECASE,
)


def labelled_guesses(text: str, folded: str) -> Iterator[Guess]:
    for match in islice(_LABELLED.finditer(folded), _MAX_LINES):
        if match.start() > 0 and folded[match.start() - 1] != "\n":
            continue  # the label must start its line
        parts = text[match.start("value") : match.end("value")].split(",")[:6]
        if match["name"]:
            guess = guess_from_parts(parts, strength=LABELLED, lowercase_ok=True)
        else:
            guess = _location_guess(parts)
        if guess is not None:
            yield guess


def _location_guess(parts: list[str]) -> Guess | None:
    """'Khan Market, New Delhi': an area and a city, no name."""
    cleaned = [part for part in map(tidy, parts) if part]
    while len(cleaned) > 1 and is_region(cleaned[-1]):
        cleaned.pop()
    if not cleaned:
        return None
    city = canonical_city(cleaned[-1])
    areas = cleaned[:-1] if city else cleaned
    return Guess(ADDRESS, None, tidy_area(areas[-1]) if areas else None, city)


def dash_table_guesses(text: str, folded: str, busy: Spans) -> Iterator[Guess]:
    for dash in islice(_DASH_TABLE.finditer(folded), _MAX_LINES):
        end = dash.start()
        start = max(folded.rfind("\n", 0, end) + 1, end - _LONGEST_BEFORE_DASH)
        start = busy.busy_until(start, end) or start  # past 'Kal raat 8 baje, 4 log'
        clauses = [clause.strip() for clause in _CLAUSE_BREAK.split(text[start:end])]
        last = next((clause for clause in reversed(clauses) if clause), "")
        guess = guess_from_parts(last.split(",")[:6], strength=DASH_TABLE)
        if guess is not None:
            yield guess


def screen_guesses(text: str, busy: Spans) -> Iterator[Guess]:
    """A name on its own line, then 'Area, City' or the date on the next: how apps lay it out."""
    previous: re.Match[str] | None = None
    for line in islice(_LINE.finditer(text), _MAX_LINES):
        if previous is not None and _is_name_line(previous, busy):
            guess = _screen_guess(previous.group(), line.group(), busy=_is_busy(line, busy))
            if guess is not None:
                yield guess
        previous = line


def row_guesses(text: str, busy: Spans) -> Iterator[Guess]:
    """'Booking confirmed! Toit, Indiranagar | Sat, 12 Dec | 8:00 PM | 4 guests': in a row of
    cells that holds the date or party size, the cells that are neither name the place."""
    for line in islice(_LINE.finditer(text), _MAX_LINES):
        if "|" not in line.group() and "·" not in line.group():
            continue
        cells = [(line.start() + m.start(), m.group()) for m in _CELL.finditer(line.group())]
        free = [cell for start, cell in cells if not busy.overlaps(start, start + len(cell))]
        if len(free) == len(cells):
            continue  # no date, time or party size in the row: not a booking summary
        free = [c for c in map(_cell_value, free) if c and not is_furniture(c)]
        if free:
            parts = [part for cell in free for part in cell.split(",")][:6]
            guess = guess_from_parts(parts, strength=ROW, with_city=ROW_WITH_CITY)
            if guess is not None:
                yield guess


def _cell_value(cell: str) -> str:
    """'Dineout booking confirmed! Toit, Indiranagar' -> 'Toit, Indiranagar'; 'Reservation: The
    Leela' -> 'The Leela'; 'Booking ID: DO12345' -> '' (an id, a phone, a bill is no place)."""
    breaks = list(_SENTENCE_BEFORE.finditer(cell))
    cell = cell[breaks[-1].end() :] if breaks else cell
    label, colon, value = cell.partition(":")
    if not colon:
        return cell
    return "" if _NOT_A_PLACE_LABEL.search(label) else value


def _screen_guess(name_line: str, next_line: str, *, busy: bool) -> Guess | None:
    name = tidy(name_line)
    if busy:  # the date, time or party size straight under the name
        return Guess(NAME_LINE, name)
    parts = [part for part in map(tidy, next_line.split(",")) if part]
    while len(parts) > 1 and is_region(parts[-1]):
        parts.pop()
    if not 2 <= len(parts) <= 3:
        return None
    city = canonical_city(parts[-1])
    if city is not None:
        return Guess(SCREEN_WITH_CITY, name, tidy_area(parts[-2]), city)
    if len(parts) == 2 and all(map(plain_place, parts)) and not is_furniture(next_line):
        return Guess(SCREEN, name, tidy_area(parts[0]), unshout(parts[1]))
    return None


def _is_name_line(line: re.Match[str], busy: Spans) -> bool:
    text = line.group()
    if "," in text or ":" in text or len(text.split()) > _MAX_NAME_LINE_WORDS:
        return False
    if _SENTENCE_PUNCTUATION.search(text) or _is_busy(line, busy) or is_furniture(text):
        return False
    name = tidy(text)
    return looks_like_name(name) and canonical_city(name) is None


def _is_busy(line: re.Match[str], busy: Spans) -> bool:
    return busy.overlaps(line.start(), line.end())
