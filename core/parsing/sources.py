"""Which app the confirmation came from, by the brand it names or the links it carries."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.parsing.scanning import starts_word
from core.parsing.urls import Url, is_swiggy

# Brand words in the lower-cased prose. The first one named wins: a Zomato confirmation may
# still say 'also on Swiggy' further down, rarely the other way round.
_BRANDS = {
    "swiggy": "swiggy_dineout", "dineout": "swiggy_dineout", "dinecash": "swiggy_dineout",
    "zomato": "zomato", "eazydiner": "eazydiner", "eazy diner": "eazydiner",
    "opentable": "opentable", "open table": "opentable",
    "district.in": "district", "district app": "district", "district by zomato": "district",
    "reserve with google": "google", "google reserve": "google", "via google": "google",
    "through google": "google", "on google": "google", "with google": "google",
}  # fmt: skip
_BRAND = re.compile(
    r"(?:swiggy|dineout|dinecash|zomato|eazy ?diner|open ?table|district(?:\.in| app| by zomato)"
    r"|reserve with google|google reserve|(?:via|through|on|with) google)\b"
)
# 'District' is also an ordinary word: only 'on District' or a line ending '| District' count.
_DISTRICT = re.compile(
    r"(?:on|via|from|using) (?:the )?district\b|(?:[|·-] |^|team )district$", re.MULTILINE
)
_SWIGGY_SHARE = re.compile(r"i(?: have|'ve) made a booking on\b[^\n]{0,80}?\bguest\(s\) at\b")
# OpenTable's confirmation e-mail names no brand in its body, but its wording is distinctive.
_OPENTABLE_EMAIL = "your reservation is confirmed"
_ADD_TO_CALENDAR = "add to calendar"

_HOSTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("swiggy_dineout", ("dineout.co.in",)),
    ("eazydiner", ("eazydiner.com",)),
    ("opentable", ("opentable.com", "opentable.co.uk", "opentable.in", "opentable.de")),
    ("district", ("district.in",)),
    ("zomato", ("zomato.com", "zoma.to")),
    ("google", ("reserve.google.com", "g.page")),
)


def detect_source(folded: str, urls: Sequence[Url]) -> str:
    """One of SOURCES, from the lower-cased prose and the links; 'unknown' if nothing tells."""
    named = _first_brand(folded)
    if named is not None:
        return named
    from_link = _source_from_links(urls)
    if from_link is not None:
        return from_link
    if _OPENTABLE_EMAIL in folded and _ADD_TO_CALENDAR in folded:
        return "opentable"
    return "unknown"


def _first_brand(folded: str) -> str | None:
    brand = next((m for m in _BRAND.finditer(folded) if starts_word(folded, m.start())), None)
    found = [] if brand is None else [(brand.start(), _BRANDS[" ".join(brand.group().split())])]
    if "district" in folded:
        district = _DISTRICT.search(folded)
        found += [] if district is None else [(district.start(), "district")]
    if "made a booking" in folded:
        share = _SWIGGY_SHARE.search(folded)
        found += [] if share is None else [(share.start(), "swiggy_dineout")]
    return min(found)[1] if found else None


def _source_from_links(urls: Sequence[Url]) -> str | None:
    # A Swiggy link carries the restaurant id, so it is the booking's own link when several
    # apps' links are pasted together.
    if any(is_swiggy(url) for url in urls):
        return "swiggy_dineout"
    for source, domains in _HOSTS:
        if any(url.is_on(*domains) for url in urls):
            return source
    if any(url.is_on("google.com") and "/reserve" in url.path for url in urls):
        return "google"
    return None
