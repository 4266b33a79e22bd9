"""Tidying and judging candidate restaurant names, areas and cities."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_MAX_NAME_CHARS, _MAX_NAME_WORDS = 60, 8
_MAX_RAW_CHARS = 300
# Short words that are ordinary words when shouted; other short all-caps words are acronyms
# (ITC, KFC, BBQ, HSR, BTM) and stay as they are.
_SHORT_ORDINARY_WORDS = frozenset((
    "a", "an", "the", "and", "of", "by", "at", "on", "in", "to", "bar", "pub", "inn", "cafe", "co",
    "one", "two", "big", "red", "hot", "new", "old", "tea", "sky", "sea", "sun", "fat", "de", "la",
    "le", "du", "el", "los", "las", "del", "da", "di",
))  # fmt: skip
_NOT_A_NAME = frozenset((
    "table", "dinner", "lunch", "breakfast", "brunch", "restaurant", "venue", "home", "office",
    "work", "swiggy", "dineout", "swiggy dineout", "zomato", "district", "eazydiner", "opentable",
    "google", "whatsapp", "least", "most", "all", "time", "once", "last", "first", "night", "noon",
    "midnight", "booking", "reservation", "confirmed",
))  # fmt: skip
# In lower case these are ordinary phrases; capitalised, 'The Table' and 'The Bar' are names.
_NOT_A_NAME_IN_LOWER_CASE = frozenset((
    "the venue", "the restaurant", "the table", "the place", "the door", "the entrance", "the gate",
    "the counter", "the reception", "the bar", "the spot", "the usual", "the usual place",
    "my place", "your place", "our place", "the same place", "the office",
))  # fmt: skip
_LEADING_VERB = re.compile(
    r"^(?:booked|reserved|booking|reservation|dinner|lunch|brunch|table|confirmed)"
    r"(?: (?:at|@|in|for))? (?=\S)",
    re.IGNORECASE,
)
_BAD_FIRST_WORDS = frozenset((
    "least", "most", "all", "around", "about", "your", "my", "our", "their", "his", "her", "this",
    "that", "these", "those", "it", "us", "me", "you", "them", "here", "there", "what", "which",
    "when", "where", "and", "or", "but", "so", "for", "with", "on", "in", "to", "by", "from", "if",
    "please", "pls", "checkout", "check", "reach", "arrive", "we", "we're", "were", "i", "i'm",
    "im", "see",
))  # fmt: skip
_NO_NAME_CHARACTERS = re.compile(r"https?:|www\.|[%₹$€£#@=<>{}\[\]]|\.com\b", re.IGNORECASE)
_ADDRESS_WORDS = re.compile(
    r"\b(?:road|rd|street|st|avenue|ave|av|marg|lane|ln|nagar|sector|block|phase|layout|colony"
    r"|cross|main|floor|plot|no|opp|opposite|near|behind|building|tower|mall)\b|\d",
    re.IGNORECASE,
)
# Words of an app screen or e-mail's furniture, never in a restaurant's name.
_FURNITURE = re.compile(
    r"\b(?:confirmed|booked|booking|reservation|reserved|guests?|offers?|today|tomorrow|tonight"
    r"|dinner|lunch|breakfast|brunch|date|time|completed|successful|invite|directions?|cancel"
    r"|modify|upcoming|status|details|summary|hi|hello|hey|dear|thanks|regards|cheers|subject"
    r"|your|guys|folks|team|birthday|anniversary|celebration|plans?|reminder|note|sent)\b",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(r"^(?:near|opp\.?|opposite|behind|next to) ", re.IGNORECASE)


def tidy(raw: str) -> str:
    """Collapse spaces, drop emoji and punctuation at the edges, and un-shout ALL CAPS."""
    text = " ".join(raw[:_MAX_RAW_CHARS].split())
    while text and _is_edge_junk(text[0], text):
        text = text[1:]
    while text and _is_edge_junk(text[-1], text):
        text = text[:-1]
    return unshout(text)


def tidy_name(raw: str) -> str:
    """tidy, and drop a verb the name was glued to: 'Booked Trèsind Studio'."""
    return tidy(_LEADING_VERB.sub("", tidy(raw)))


def unshout(text: str) -> str:
    """'OASIS BREWERY' -> 'Oasis Brewery'; mixed case is the restaurant's own and is kept."""
    if not text.isupper():
        return text
    return " ".join(_title_word(word, acronym=_is_short_acronym) for word in text.split(" "))


def capitalise(text: str) -> str:
    """'toit' -> 'Toit', 'kfc brigade road' -> 'KFC Brigade Road'; other text is kept."""
    if not text.islower():
        return text
    return " ".join(_title_word(word, acronym=_is_consonant_cluster) for word in text.split(" "))


def looks_like_name(text: str, *, allow_lowercase: bool = False) -> bool:
    words = text.split()
    if not words or len(words) > _MAX_NAME_WORDS or len(text) > _MAX_NAME_CHARS:
        return False
    folded = text.casefold()
    if folded in _NOT_A_NAME or words[0].casefold() in _BAD_FIRST_WORDS:
        return False
    if text[0].islower() and folded in _NOT_A_NAME_IN_LOWER_CASE:
        return False
    if _NO_NAME_CHARACTERS.search(text) or not any(char.isalpha() for char in text):
        return False
    first = text[0]
    return first.isupper() or first.isdigit() or allow_lowercase or not first.isascii()


def is_furniture(text: str) -> bool:
    """'Booking confirmed', 'Hi Priya', 'Date and time': lines and parts that are not names."""
    return _FURNITURE.search(text) is not None


def looks_like_address(text: str) -> bool:
    """'Av. Almirante Reis 1', '100 Feet Road': street words or numbers, not a place's name."""
    return _ADDRESS_WORDS.search(text) is not None


def tidy_area(raw: str) -> str | None:
    area = _LEADING_FILLER.sub("", tidy(raw))
    return area if looks_like_name(area, allow_lowercase=True) else None


def _title_word(word: str, *, acronym: Callable[[str], bool]) -> str:
    letters = word.replace("'", "").replace("&", "")
    if len(letters) <= 3 and letters.isalpha() and acronym(letters.casefold()):
        return word.upper()
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def _is_short_acronym(letters: str) -> bool:
    return letters not in _SHORT_ORDINARY_WORDS


def _is_consonant_cluster(letters: str) -> bool:
    """'kfc', 'btm', 'bbq' read as acronyms; 'pal', 'ice' as words."""
    return not any(vowel in letters for vowel in "aeiouy")


def _is_edge_junk(char: str, text: str) -> bool:
    """Emoji, punctuation, quotes and stray brackets at a name's edge; '(BKC)' stays whole."""
    if char in "()[]":
        return not (("(" in text and ")" in text) or ("[" in text and "]" in text))
    if char in "'&":
        return True
    category = unicodedata.category(char)
    return category[0] in "SZCP" or category == "Mn"
