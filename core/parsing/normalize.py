"""Unicode cleanup, so every finder sees one spelling of digits, dashes, quotes and spaces.

Pasted confirmations arrive from phones, e-mail clients and chat apps: narrow no-break spaces
before 'PM' (WhatsApp), zero-width joiners inside emoji, full-width or Devanagari digits, curly
quotes, CRLF. Cleaning them once here keeps every pattern downstream plain ASCII-minded.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 20_000
TRUNCATED_WARNING = f"text is longer than {MAX_CHARS} characters; only the start was read"

_REPLACEMENTS = {
    **dict.fromkeys(
        "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c"
        "\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufe0e\ufe0f\ufeff",
        "",
    ),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58", "-"),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4\u02bc`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    # The one character whose lower case is two characters long; the finders rely on
    # str.lower() keeping every offset where it was.
    "\u0130": "I",
}
_TRANSLATION = str.maketrans(
    {**_REPLACEMENTS, **dict.fromkeys([*range(0x09), *range(0x0B, 0x20), 0x7F], None)}
)
# Runs of anything but tab, newline and printable ASCII: rare in a paste, so one pass over the
# text visits only the few stretches that need a look (a run of emoji is one visit).
_UNUSUAL = re.compile(r"[^\t\n\x20-\x7e]+")
_DIGIT_OR_SPACE = re.compile(r"[\d\s]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_RARE_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e"
_SPACES = re.compile(r"  +")
_SPACE_AT_LINE_EDGE = re.compile(r" \n ?|\n ")
_BLANK_LINES = re.compile(r"\n\n\n+")

# WhatsApp prefixes: '[23/11/26, 9:14 pm] Rahul: ' (iOS), '[9:14 pm, 23/11/2026] Rahul: '
# (WhatsApp Web) and '23/11/26, 9:14 pm - Rahul: ' (Android export). Their dates and times are
# when the message was sent, never the booking, so they go before anything looks for dates.
_CHAT_DATE = r"[0-9][0-9]?[/.-][0-9][0-9]?[/.-][0-9]{2,4}"
_CHAT_TIME = r"[0-9][0-9]?[:.][0-9]{2}(?:[:.][0-9]{2})?(?: ?[apAP]\.? ?[mM]\.?)?"
_CHAT_PREFIX = re.compile(
    rf"\[(?:{_CHAT_DATE},? {_CHAT_TIME}|{_CHAT_TIME},? {_CHAT_DATE})\] ?(?:[^:\n\]]{{1,60}}: ?)?"
    rf"|{_CHAT_DATE},? {_CHAT_TIME} - [^:\n]{{1,60}}: ?"
)


def clean_text(text: str) -> tuple[str, tuple[str, ...]]:
    """The text with one spelling for every character class, and a warning if it was cut."""
    warnings: tuple[str, ...] = ()
    if len(text) > MAX_CHARS:
        text, warnings = text[:MAX_CHARS], (TRUNCATED_WARNING,)
    # Each substitution is skipped when a cheap look shows it has nothing to do: a scan of a
    # 10 KB paste costs more than all the substring checks together.
    if not text.isascii() or any(char in text for char in _RARE_LINE_BREAKS):
        text = _LINE_BREAKS.sub("\n", text)
    if not text.isascii():
        # NFKC folds full-width digits and letters, no-break and thin spaces, ligatures.
        text = unicodedata.normalize("NFKC", text)[:MAX_CHARS]
    text = _UNUSUAL.sub(_plain, text).replace("\t", " ")
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _SPACE_AT_LINE_EDGE.sub("\n", text)
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip(), warnings


def strip_chat_prefixes(text: str) -> str:
    if "[" not in text and " - " not in text:
        return text
    return _CHAT_PREFIX.sub(_drop_at_line_start, text)


def _drop_at_line_start(match: re.Match[str]) -> str:
    starts_line = match.start() == 0 or match.string[match.start() - 1] == "\n"
    return "" if starts_line else match.group()


def _plain(match: re.Match[str]) -> str:
    run = match.group().translate(_TRANSLATION)
    return _DIGIT_OR_SPACE.sub(_ascii_digit_or_space, run) if _DIGIT_OR_SPACE.search(run) else run


def _ascii_digit_or_space(match: re.Match[str]) -> str:
    """Devanagari (०-९), Arabic-Indic and other digits as ASCII; the few spaces NFKC leaves."""
    char = match.group()
    if char.isspace():
        return " "
    digit = unicodedata.decimal(char, None)
    return char if digit is None else str(digit)
