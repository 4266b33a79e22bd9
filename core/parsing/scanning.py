"""Helpers that keep every scan of a long paste fast.

Python's regex engine scans at C speed only for a pattern that starts with a literal or a plain
character set. A leading lookbehind, \\b, optional group, {m,n} repeat or an alternation of
groups makes it try the whole pattern at every position: several times slower on a 10 KB paste.
So patterns start with what they match, and the boundary checks below run in Python on the few
places that matched; longer patterns are tried only where a cheap anchor word was found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator


def starts_word(text: str, index: int) -> bool:
    """True if no letter, mark (a Devanagari vowel sign) or digit comes right before index."""
    return index == 0 or not _is_word_character(text[index - 1])


def ends_word(text: str, index: int) -> bool:
    """True if no letter, mark or digit comes at index (the character after a match)."""
    return index >= len(text) or not _is_word_character(text[index])


def follows_any(text: str, index: int, characters: str) -> bool:
    """True if text[index - 1] is one of the given characters."""
    return index > 0 and text[index - 1] in characters


def anchored(
    text: str, anchor: re.Pattern[str], pattern: re.Pattern[str]
) -> Iterator[re.Match[str]]:
    """Matches of pattern that begin where anchor found the start of a word."""
    for found in anchor.finditer(text):
        if starts_word(text, found.start()):
            match = pattern.match(text, found.start())
            if match is not None:
                yield match


def _is_word_character(char: str) -> bool:
    return char == "_" or unicodedata.category(char)[0] in "LMN"
