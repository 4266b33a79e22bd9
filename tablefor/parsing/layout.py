"""Restaurants named by the layout of the text rather than a sentence: an app screen's name line
above an 'Area, City' line or the date, a 'Restaurant:' label, a 'Name - table for 4' heading.

Patterns read the lower-cased text; names are cut from the original at the same offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from tablefor.parsing.cities import canonical_city, is_region
from tablefor.parsing.guesses import (
    DASH_TABLE,
    LABELLED,
    NAME_LINE,
    SCREEN,
    SCREEN_WITH_CITY,
    Guess,
    guess_from_parts,
    plain_place,
)
from tablefor.parsing.names import looks_like_name, tidy, tidy_area, unshout
from tablefor.parsing.spans import Spans

_MAX_LINES = 400
_MAX_NAME_LINE_WORDS = 6
_LINE = re.compile(r"[^\n]+")
_LABELLED = re.compile(
    r"(?:restaurant|venue|outlet|place|hotel)(?: name)? ?[:=-] ?(?P<value>[^\n]{2,160})$",
    re.MULTILINE,
)
_DASH_TABLE = re.compile(
    r" - (?:table|booking|reservation|booked|reserved|dinner|lunch|brunch)\b", re.MULTILINE
)
_LONGEST_BEFORE_DASH = 120
# Before a 'Name - table' dash there may be a whole sentence; the name is its last clause.
_CLAUSE_BREAK = re.compile(r"[!?;:|·]|(?<![\w@.])at |[^\w\s'&.,()/+-]", re.IGNORECASE)
_SENTENCE_PUNCTUATION = re.compile(r"[!?]|\.\s*$")
# Lines of an app screen or e-mail that are furniture, not the restaurant's name.
_FURNITURE = re.compile(
    r"\b(?:confirmed|booked|booking|reservation|reserved|guests?|offers?|today|tomorrow|tonight"
    r"|dinner|lunch|breakfast|brunch|date|time|completed|successful|invite|directions?|cancel"
    r"|modify|upcoming|status|details|summary|hi|hello|hey|dear|thanks|regards|cheers|subject"
    r"|your|guys|folks|team|birthday|anniversary|celebration|plans?|reminder|note|sent)\b",
    re.IGNORECASE,
)


def labelled_guesses(text: str, folded: str) -> Iterator[Guess]:
    for match in islice(_LABELLED.finditer(folded), _MAX_LINES):
        if match.start() > 0 and folded[match.start() - 1] != "\n":
            continue  # the label must start its line
        value = text[match.start("value") : match.end("value")]
        guess = guess_from_parts(value.split(",")[:6], strength=LABELLED, lowercase_ok=True)
        if guess is not None:
            yield guess


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
    if len(parts) == 2 and all(map(plain_place, parts)) and not _FURNITURE.search(next_line):
        return Guess(SCREEN, name, tidy_area(parts[0]), unshout(parts[1]))
    return None


def _is_name_line(line: re.Match[str], busy: Spans) -> bool:
    text = line.group()
    if "," in text or ":" in text or len(text.split()) > _MAX_NAME_LINE_WORDS:
        return False
    if _SENTENCE_PUNCTUATION.search(text) or _is_busy(line, busy) or _FURNITURE.search(text):
        return False
    name = tidy(text)
    return looks_like_name(name) and canonical_city(name) is None


def _is_busy(line: re.Match[str], busy: Spans) -> bool:
    return busy.overlaps(line.start(), line.end())
