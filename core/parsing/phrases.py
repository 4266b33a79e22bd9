"""Restaurants named inside sentences: '... at Name, Area, City with offer ...', '@ Name', and
runs of comma-separated parts that end in a known city.

Patterns read the lower-cased text; names are cut from the original at the same offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from core.parsing.cities import canonical_city, may_name_city
from core.parsing.guesses import (
    ADDRESS,
    AT_PHRASE,
    AT_PHRASE_WITH_CITY,
    CITY_RUN,
    Guess,
    guess_from_parts,
)
from core.parsing.names import (
    is_furniture,
    looks_like_address,
    looks_like_name,
    tidy,
    tidy_area,
    tidy_name,
)
from core.parsing.scanning import follows_any, starts_word
from core.parsing.spans import Spans

_MAX_PHRASES = 60
_LONGEST_RUN = 5  # name, a few address parts; more is a list, not an address
_MAX_LINES = 400
_LONGEST_PHRASE = 160
# 'at Toit', '@ Toit', and the verb of 'Booked Toit for Saturday'.
_AT = re.compile(r"at |@ ?|booked |reserved ")
# Words that end a name and start the rest of the sentence ('... at Bastian, Worli is confirmed').
_SENTENCE_GOES_ON = (
    r" (?:with|is|are|was|were|has|have|had|for|on|from|confirmed|booked|reserved|via|to|this"
    r"|next|please|pls|till|until|starting|between|and see|see you|at(?= \d))\b"
)
# A sentence end, but not the dot of 'St.', 'Av.' or 'Dr.'.
_SENTENCE_END = r"\.(?<!\b[a-z]\.)(?<!\b[a-z]{2}\.)(?<!\bmrs\.)(?: |$)"
# A bracket ends a name unless it holds a short place: 'Olive Bar & Kitchen (Mehrauli)'.
_NAME_END = re.compile(
    rf"{_SENTENCE_GOES_ON}|{_SENTENCE_END}|[!?;|·\[\]]| - |\((?![^()\n]{{2,40}}\))"
)
# Clauses for the city-run reading: a list of parts never crosses one of these. A dash between
# spaces does not end one: 'Toit Brewpub - Indiranagar, Bengaluru' is read as a comma.
_CLAUSE_BREAK = re.compile(rf"{_SENTENCE_GOES_ON}|{_SENTENCE_END}|[|·!?;:()\[\]]|(?P<at>at |@)")
# Emoji and pictographs separate parts as a comma would: 'Indiranagar 📍 Bengaluru'.
_PICTOGRAPH = re.compile(
    r"[\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
)
# 'booked a table at', 'booked for 4', 'reserved @ Toit': the place comes later, if at all.
_NOT_A_PLACE_AFTER_VERB = re.compile(
    r"(?:at|a|an|the table|table|tables|for|on|in|via|through|with|your|my|our|it|this|us"
    r"|successfully|today|tonight|tomorrow)\b|@"
)
_TITLE_WORD_BEFORE = re.compile(r"(?<![\w'&])[A-Z][\w'&]* $")
# Capitalised words after which 'At' still means at: 'Dinner At Toit'.
_LEADS_TO_AT = frozenset((
    "booked", "reserved", "booking", "reservation", "dinner", "lunch", "brunch", "breakfast",
    "table", "confirmed", "drinks", "party", "meet", "see", "tonight", "today", "tomorrow",
))  # fmt: skip
_PART = re.compile(r"[^,]+")


def at_phrase_guesses(text: str, folded: str, busy: Spans) -> Iterator[Guess]:
    text = _PICTOGRAPH.sub(",", text)  # one character for one: offsets still match
    for at in islice(_real_ats(text, folded), _MAX_PHRASES):
        start = at.end()
        line_end = folded.find("\n", start)
        end = min(start + _LONGEST_PHRASE, len(folded) if line_end < 0 else line_end)
        stop = _NAME_END.search(folded, start, end)
        end = stop.start() if stop else end
        first_mention = busy.first_start(start, end)
        end = end if first_mention is None else first_mention
        guess = guess_from_parts(
            text[start:end].split(",")[:6], strength=AT_PHRASE, with_city=AT_PHRASE_WITH_CITY
        )
        if guess is not None:
            yield guess


def city_run_guesses(text: str, folded: str, busy: Spans) -> Iterator[Guess]:
    """'Tonight 2130 hrs, 2 guests, Dum Pukht, ITC Maurya, New Delhi': walk back from the city
    over parts that are not a date, a time or a party size."""
    text = _PICTOGRAPH.sub(",", text)
    for line_start, line in islice(_lines_with_a_city(text), _MAX_LINES):
        for clause_start, clause in _clauses(text, folded, line_start, line_start + len(line)):
            if "," in clause:
                clause = clause.replace(" - ", " , ")  # same length: offsets hold
                parts = [(clause_start + m.start(), m.group()) for m in _PART.finditer(clause)]
                guess = _run_before_city(parts, busy)
                if guess is not None:
                    yield guess


def _real_ats(text: str, folded: str) -> Iterator[re.Match[str]]:
    """'at' and '@' that introduce a place: not inside a word, an e-mail address or a name;
    'booked' when a name follows it, not 'booked a table at' or 'booked for'."""
    for at in _AT.finditer(folded):
        if not _is_real_at(text, folded, at.start()):
            continue
        if at.group()[0] in "br" and _NOT_A_PLACE_AFTER_VERB.match(folded, at.end()):
            continue
        yield at


def _is_real_at(text: str, folded: str, index: int) -> bool:
    return (
        starts_word(folded, index)
        and not follows_any(folded, index, "@.")
        and not _inside_title(text, index)
    )


def _inside_title(text: str, at: int) -> bool:
    """'Bastian At The Top': a capitalised 'At' after a capitalised word is part of a name."""
    if not text.startswith("At ", at):
        return False
    before = _TITLE_WORD_BEFORE.search(text, max(0, at - 40), at)
    return before is not None and before.group().strip().casefold() not in _LEADS_TO_AT


def _lines_with_a_city(text: str) -> Iterator[tuple[int, str]]:
    """Lines holding a comma and a word of some city's name: the only ones worth splitting."""
    start = 0
    for line in text.split("\n"):
        if "," in line and may_name_city(line):
            yield start, line
        start += len(line) + 1


def _clauses(text: str, folded: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    position = start
    for brk in _CLAUSE_BREAK.finditer(folded, start, end):
        if brk["at"] and not _is_real_at(text, folded, brk.start()):
            continue
        if brk.start() > position:
            yield position, text[position : brk.start()]
        position = brk.end()
    if position < end:
        yield position, text[position:end]


def _run_before_city(parts: list[tuple[int, str]], busy: Spans) -> Guess | None:
    for index in range(len(parts) - 1, 0, -1):
        city = canonical_city(parts[index][1])
        if city is not None:
            return _guess_from_run(_run_back(parts[:index], busy), city)
    return None


def _run_back(parts: list[tuple[int, str]], busy: Spans) -> list[str]:
    """The parts before a city that read as places. A part that starts with a date, time or
    party size ('Kal shaam 7 baje Barbeque Nation') lends what follows it, and ends the run."""
    run: list[str] = []
    for offset, part in reversed(parts[-_LONGEST_RUN:]):
        busy_end = busy.busy_until(offset, offset + len(part))
        tail = tidy(part if busy_end is None else part[busy_end - offset :])
        readable = (
            bool(tail) and looks_like_name(tail, allow_lowercase=True) and not is_furniture(tail)
        )
        if readable:
            run.insert(0, tail)
        if busy_end is not None or not readable:
            break
    return run


def _guess_from_run(run: list[str], city: str) -> Guess:
    if len(run) >= 2:
        # '298, 100 Feet Road, Indiranagar, Bengaluru' is an address: no name in it.
        name = None if looks_like_address(run[0]) else tidy_name(run[0])
        return Guess(CITY_RUN, name, tidy_area(run[-1]), city)
    if len(run) == 1 and not looks_like_address(run[0]):
        # 'Toit, Bangalore' names the restaurant; 'Indiranagar, Bangalore' an area. Either way
        # the strongest reading elsewhere decides; this one mostly lends its city.
        return Guess(ADDRESS, tidy_name(run[0]), None, city)
    return Guess(ADDRESS, None, None, city)
