"""How many people the table is for.

Only a number tied to a word about people counts ('4 guests', 'table for 4', 'Guests: 6',
'party of 5', '4 log'), so phone numbers, PIN codes, prices, percentages, ids, years and times
never become a party size. A bare 'for 3' counts last, and not when a unit or a date follows.

Everything reads the lower-cased text. The scans look for the people word (or 'for'/'of') and
read the number beside it, which is far cheaper than scanning for every number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from core.parsing.dates import MONTH_PATTERN
from core.parsing.scanning import follows_any, starts_word

SMALLEST_PARTY, LARGEST_PARTY = 1, 50
# A count of adults and children beats any single number; 'for 3' alone is weakest.
FAMILY, EXPLICIT, WEAK = 3, 2, 1
_MAX_MENTIONS = 200
_LOOK_BACK = 16

_NUMBER_WORDS = {
    word: value
    for value, word in enumerate((
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty",
    ))
}  # fmt: skip
_HINDI_NUMBERS = {
    "ek": 1, "do": 2, "teen": 3, "char": 4, "chaar": 4, "paanch": 5, "panch": 5, "chhe": 6,
    "saat": 7, "aath": 8, "nau": 9, "das": 10,
    "एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5, "पाँच": 5, "छह": 6, "सात": 7, "आठ": 8,
    "नौ": 9, "दस": 10,
}  # fmt: skip
_WORDS = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_NUM = rf"(?P<n>[0-9]{{1,3}}|{_WORDS})"

_PEOPLE_WORD = re.compile(
    r"(?:guests?(?: ?\(s\))?|people|persons?|pax|adults?|diners|covers|ppl|members|heads|of us"
    r"|log|logo|logon|लोग|personen|personnes|personas|persone|party size|table size|group size"
    r"|seats?|headcount)(?![a-z])"
)
# Words that also work as a label with the number after them: 'Guests: 6', 'Pax 4'.
_LABELS = frozenset((
    "guest", "guests", "guest(s)", "guest (s)", "pax", "people", "persons", "diners", "covers",
    "party size", "table size", "group size", "seats", "headcount",
))  # fmt: skip
# '4 ', 'four ', '4-5 ' right before a people word ('4-5 people' books for the larger number).
_COUNT_BEFORE = re.compile(rf"(?:[0-9][0-9]? ?(?:-|to) ?)?{_NUM}[ \n]?$")
_HINDI_COUNT_BEFORE = re.compile(
    r"(?P<w>ek|do|teen|chaa?r|paa?nch|chhe|saat|aath|nau|das|एक|दो|तीन|चार|पांच|पाँच|छह|सात"
    r"|आठ|नौ|दस) $"
)
_COUNT_AFTER = re.compile(
    r"(?: ?[:=-] ?| ?\n| )(?P<n>[0-9]{1,3})(?= ?(?:$|[,;|.·()/]))", re.MULTILINE
)
# What may follow 'for 3' when 3 is not people: a time, a duration, a date, money, a range.
_NOT_A_QUANTITY = (
    r"(?![:./]\d|-\d| ?(?:[ap]\.? ?m(?![a-z])|(?:hrs?|hours?|h|mins?|minutes?|days?|nights?"
    r"|weeks?|months?|years?|yrs?|st|nd|rd|th|rs|inr|rupees|bucks|kms?|o' ?clock)\b|baje|बजे"
    rf"|%|₹|\$|{MONTH_PATTERN}))"
)
_FOR_COUNT = re.compile(rf"(?:for|of) {_NUM}\b{_NOT_A_QUANTITY}")
_TABLE_BEFORE = re.compile(
    r"(?:table|booking|reservation|reserved|booked|seats?|dinner|lunch|brunch|confirmed|party"
    r"|group) $"
)
_WE_ARE = re.compile(rf"(?:we're|we are|we'll be) {_NUM}\b{_NOT_A_QUANTITY}")
_FAMILY = re.compile(
    r"(?P<a>[0-9][0-9]?) ?adults?,? ?(?:and |& |\+ ?)?(?P<k>[0-9][0-9]?) ?"
    r"(?:kids?|child(?:ren)?|infants?|toddlers?)\b"
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
    found = [
        *islice(_people_counts(text), _MAX_MENTIONS),
        *islice(_for_counts(text), _MAX_MENTIONS),
        *islice(_simple(text, _WE_ARE, EXPLICIT), _MAX_MENTIONS),
    ]
    if "adult" in text:
        found += islice(_simple(text, _FAMILY, FAMILY), _MAX_MENTIONS)
    return sorted(found, key=lambda mention: mention.start)


def choose_party_size(mentions: Sequence[PartyMention]) -> int | None:
    """The first size among the most trusted kind of mention."""
    sized = [mention for mention in mentions if mention.size is not None]
    if not sized:
        return None
    best = max(mention.rank for mention in sized)
    return next(mention.size for mention in sized if mention.rank == best)


def _people_counts(text: str) -> Iterator[PartyMention]:
    """'4 guests', 'four of us', '2 लोग', 'do log', and labels: 'Guests: 6', 'Pax\\n4'."""
    for word in _PEOPLE_WORD.finditer(text):
        if not starts_word(text, word.start()):
            continue
        window = max(0, word.start() - _LOOK_BACK)
        count = _COUNT_BEFORE.search(text, window, word.start())
        count = count or _HINDI_COUNT_BEFORE.search(text, window, word.start())
        if count is not None and _stands_alone(text, count.start()):
            yield PartyMention(count.start(), word.end(), EXPLICIT, _size(count))
        elif " ".join(word.group().split()) in _LABELS:
            label = _COUNT_AFTER.match(text, word.end())
            if label is not None:
                yield PartyMention(word.start(), label.end(), EXPLICIT, _size(label))


def _for_counts(text: str) -> Iterator[PartyMention]:
    """'table for 4', 'party of 5' (explicit); 'confirmed for 2 on Sat' and 'for 3' (weak)."""
    for match in _FOR_COUNT.finditer(text):
        if not starts_word(text, match.start()):
            continue
        noun = _TABLE_BEFORE.search(text, max(0, match.start() - _LOOK_BACK), match.start())
        if noun is not None and starts_word(text, noun.start()):
            yield PartyMention(noun.start(), match.end(), EXPLICIT, _size(match))
        elif match.group().startswith("for"):
            yield PartyMention(match.start(), match.end(), WEAK, _size(match))


def _simple(text: str, pattern: re.Pattern[str], rank: int) -> Iterator[PartyMention]:
    for match in pattern.finditer(text):
        if _stands_alone(text, match.start()):
            yield PartyMention(match.start(), match.end(), rank, _size(match))


def _stands_alone(text: str, start: int) -> bool:
    return starts_word(text, start) and not follows_any(text, start, _NUMBER_BEFORE)


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
