"""Word and number boundaries, checked in Python after a match.

A pattern that starts with a literal or a character set is scanned by the regex engine at C
speed; one that starts with a lookbehind or \\b is tried at every position, which makes a 10 KB
paste several times slower. So patterns start with what they match, and these checks run only
on the few places that matched.
"""

from __future__ import annotations

import unicodedata


def starts_word(text: str, index: int) -> bool:
    """True if no letter, mark (a Devanagari vowel sign) or digit comes right before text[index]."""
    if index == 0:
        return True
    before = text[index - 1]
    return before != "_" and unicodedata.category(before)[0] not in "LMN"


def follows_any(text: str, index: int, characters: str) -> bool:
    """True if text[index - 1] is one of the given characters."""
    return index > 0 and text[index - 1] in characters
