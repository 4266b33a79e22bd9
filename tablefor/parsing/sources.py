"""Which app the confirmation came from, by the brand it names or the links it carries."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tablefor.parsing.boundaries import starts_word
from tablefor.parsing.urls import Url, is_swiggy

# Brand words in the lower-cased prose. The first one named wins: a Zomato confirmation may
# still say 'also on Swiggy' further down, rarely the other way round.
_BRAND = re.compile(
    r"(?P<swiggy_dineout>(?:swiggy|dineout|dinecash)\b"
    r"|i(?: have|'ve) made a booking on\b[^\n]{0,80}?\bguest\(s\) at\b)"
    r"|(?P<zomato>zomato\b)"
    r"|(?P<eazydiner>eazy ?diner\b)"
    r"|(?P<opentable>open ?table\b)"
    r"|(?P<district>district(?:\.in| app| by zomato)\b|(?:on|via|from|using) (?:the )?district\b"
    r"|(?<=[|·-] )district$|^district$)"
    r"|(?P<google>reserve with google\b|google reserve\b)",
    re.MULTILINE,
)
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
    brand = next((m for m in _BRAND.finditer(folded) if starts_word(folded, m.start())), None)
    if brand is not None and brand.lastgroup is not None:
        return brand.lastgroup
    from_link = _source_from_links(urls)
    if from_link is not None:
        return from_link
    if _OPENTABLE_EMAIL in folded and _ADD_TO_CALENDAR in folded:
        return "opentable"
    return "unknown"


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
