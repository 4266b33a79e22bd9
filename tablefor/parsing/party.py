"""How many people the table is for.

Only a number tied to a word about people counts ('4 guests', 'table for 4', 'Guests: 6',
'party of 5', '4 log'), so phone numbers, PIN codes, prices, percentages, ids, years and times
never become a party size. A bare 'for 3' counts last, and not when a unit or a date follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from tablefor.parsing.boundaries import follows_any, starts_word
from tablefor.parsing.dates import MONTH_PATTERN

SMALLEST_PARTY, LARGEST_PARTY = 1, 50
# A count of adults and children beats any single number; 'for 3' alone is weakest.
FAMILY, EXPLICIT, WEAK = 3, 2, 1
_MAX_MENTIONS = 200

_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_HINDI_NUMBERS = {
    "ek": 1, "do": 2, "teen": 3, "char": 4, "chaar": 4, "paanch": 5, "panch": 5, "chhe": 6,
    "saat": 7, "aath": 8, "nau": 9, "das": 10,
    "एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5, "पाँच": 5, "छह": 6, "सात": 7, "आठ": 8,
    "नौ": 9, "दस": 10,
}  # fmt: skip
_NUM = r"(?P<n>\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_PEOPLE = (
    r"(?:guests?(?: ?\(s\))?|people|persons?|pax|adults?|diners|covers|ppl|members|heads"
    r"|of us|log|logo|logon|लोग|personen|personnes|personas|persone)(?![a-z])"
)
# What may follow 'for 3' when 3 is not people: a time, a duration, a date, money, a range.
_NOT_A_QUANTITY = (
    r"(?![:./]\d|-\d| ?(?:[ap]\.? ?m(?![a-z])|(?:hrs?|hours?|h|mins?|minutes?|days?|nights?"
    r"|weeks?|months?|years?|yrs?|st|nd|rd|th|rs|inr|rupees|bucks|kms?|o' ?clock)\b|baje|बजे"
    rf"|%|₹|\$|{MONTH_PATTERN}))"
)
# All patterns read the lower-cased text, and start with what they match (see boundaries.py).
_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = tuple(
    (rank, re.compile(pattern, re.MULTILINE))
    for rank, pattern in (
        (
            FAMILY,
            r"(?P<a>\d{1,2}) ?adults?,? ?(?:and |& |\+ ?)?(?P<k>\d{1,2}) ?"
            r"(?:kids?|child(?:ren)?|infants?|toddlers?)\b",
        ),
        (EXPLICIT, rf"(?:\d{{1,2}} ?(?:-|to) ?)?{_NUM}[ \n]?{_PEOPLE}"),
        (
            EXPLICIT,
            r"(?:table|booking|reservation|reserved|booked|seats?|dinner|lunch|brunch|confirmed"
            rf"|party|group) (?:for|of) {_NUM}\b" + _NOT_A_QUANTITY,
        ),
        (
            EXPLICIT,
            r"(?:(?:no\.?|number) ?of ?)?(?:guests?(?: ?\(s\))?|pax|people|persons|diners|covers"
            r"|party size|table size|group size|seats|headcount)(?: ?[:=-] ?| ?\n| )(?P<n>\d{1,3})"
            r"(?= ?(?:$|[,;|.·()/]))",
        ),
        (
            EXPLICIT,
            r"(?P<w>ek|do|teen|chaa?r|paa?nch|chhe|saat|aath|nau|das|एक|दो|तीन|चार|पांच|पाँच|छह"
            r"|सात|आठ|नौ|दस) (?:log|logo|logon|लोग)(?![a-z])",
        ),
        (EXPLICIT, rf"(?:we(?:'re| are)|we'll be) {_NUM}\b" + _NOT_A_QUANTITY),
        (WEAK, rf"for {_NUM}\b" + _NOT_A_QUANTITY),
    )
)
# A count glued to what comes before it is part of a price, a phone number or an id.
_NUMBER_BEFORE = ".,:/₹$€£+-"


@dataclass(frozen=True, slots=True)
class PartyMention:
    start: int
    end: int
    rank: int
    size: int | None  # None when the number is outside 1-50


def find_party_mentions(text: str) -> list[PartyMention]:
    """Every mention of a party size in the lower-cased text, earliest first."""
    found: list[PartyMention] = []
    for rank, pattern in _PATTERNS:
        found.extend(islice(_mentions(text, rank, pattern), _MAX_MENTIONS))
    return sorted(found, key=lambda mention: mention.start)


def choose_party_size(mentions: Sequence[PartyMention]) -> int | None:
    """The first size among the most trusted kind of mention."""
    sized = [mention for mention in mentions if mention.size is not None]
    if not sized:
        return None
    best = max(mention.rank for mention in sized)
    return next(mention.size for mention in sized if mention.rank == best)


def _mentions(text: str, rank: int, pattern: re.Pattern[str]) -> Iterator[PartyMention]:
    for match in pattern.finditer(text):
        if starts_word(text, match.start()) and not follows_any(
            text, match.start(), _NUMBER_BEFORE
        ):
            yield PartyMention(match.start(), match.end(), rank, _size(match))


def _size(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    if groups.get("a") is not None:
        size = int(groups["a"]) + int(groups["k"])
    elif groups.get("w") is not None:
        size = _HINDI_NUMBERS[groups["w"]]
    else:
        raw = groups["n"]
        size = _NUMBER_WORDS[raw] if raw in _NUMBER_WORDS else int(raw)
    return size if SMALLEST_PARTY <= size <= LARGEST_PARTY else None
