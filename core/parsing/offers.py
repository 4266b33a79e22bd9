"""The offer attached to the booking: 'with offer Flat 20% Off on Total Bill', 'Restaurant
Offer: 25% off on total bill', or the line under an app's 'OFFER FOR YOU' heading."""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.parsing.scanning import anchored, starts_word

_LONGEST_OFFER = 120
# Read on the lower-cased text; the offer is then cut from the original at the same offsets.
_LABELLED = re.compile(
    r"(?:with (?:the |an )?offers?:? |(?:restaurant offers?|offers? applied|offers?|deal|discount"
    r"|promo(?: code)?) ?[:=-] ?)(?P<offer>[^\n]{2,200})"
)
_LABEL_ANCHOR = re.compile(r"(?:with|restaurant|offer|deal|discount|promo)")
# An app screen's heading on a line of its own, the offer on the next.
_HEADING = re.compile(
    r"(?:offers? for you|your offers?|offers? applied|offers?|exclusive offers?|deals?"
    r"|restaurant offers?)\n(?P<offer>[^\n]{2,200})"
)
# No label at all, but unmistakably an offer: 'Flat 20% off', 'Up to 30% off on food'.
_PERCENT_OFF = re.compile(r"[0-9][0-9]?(?:\.[0-9])? ?% off\b[^\n]{0,80}")
_OFFER_LEAD = re.compile(r"(?:flat|up ?to) $")
# Where the offer's own words end: a sentence end (not the dot inside '12.5%'), a separator.
_OFFER_END = re.compile(r"[.!?](?= |$)| [|·] | - | please\b| checkout\b", re.IGNORECASE)
_TRAILING = " .,;:!?-*\"'"


def find_offer(text: str, folded: str) -> str | None:
    """From the prose and its lower-cased twin: a labelled offer first, then a bare '% off'."""
    return next((offer for offer in _candidates(text, folded) if offer), None)


def _candidates(text: str, folded: str) -> Iterator[str | None]:
    for match in anchored(folded, _LABEL_ANCHOR, _LABELLED):
        yield _trim(text[match.start("offer") : match.end("offer")])
    for match in _HEADING.finditer(folded):
        if match.start() == 0 or folded[match.start() - 1] == "\n":
            yield _trim(text[match.start("offer") : match.end("offer")])
    yield _bare_offer(text, folded)


def _bare_offer(text: str, folded: str) -> str | None:
    if "% off" not in folded and "%off" not in folded:
        return None
    for match in _PERCENT_OFF.finditer(folded):
        if starts_word(folded, match.start()):
            lead = _OFFER_LEAD.search(folded, max(0, match.start() - 7), match.start())
            start = match.start() if lead is None else lead.start()
            return _trim(text[start : match.end()], also_at=",")
    return None


def _trim(raw: str, *, also_at: str = "") -> str | None:
    end = _OFFER_END.search(raw)
    offer = raw[: end.start()] if end else raw
    for separator in also_at:
        offer = offer.split(separator, 1)[0]
    offer = offer.strip(_TRAILING)
    if not offer or len(offer) > _LONGEST_OFFER or not any(char.isalnum() for char in offer):
        return None
    return offer
