"""The offer attached to the booking: 'with offer Flat 20% Off on Total Bill', 'Restaurant
Offer: 25% off on total bill', or the line under an app's 'OFFER FOR YOU' heading."""

from __future__ import annotations

import re

from tablefor.parsing.boundaries import starts_word

_LONGEST_OFFER = 120
# Read on the lower-cased text; the offer is then cut from the original at the same offsets.
_PATTERNS = tuple(
    re.compile(pattern, re.MULTILINE)
    for pattern in (
        r"with (?:the |an )?offers?:? (?P<offer>[^\n]{2,200})",
        r"(?:restaurant offers?|offers? applied|offers?|deal|discount|promo(?: code)?) ?[:=-] ?"
        r"(?P<offer>[^\n]{2,200})",
        r"^(?:offers? for you|your offers?|offers? applied|offers?|exclusive offers?|deals?"
        r"|restaurant offers?)\n(?P<offer>[^\n]{2,200})",
        # No label at all, but unmistakably an offer: 'Flat 20% off', 'Up to 30% off on food'.
        r"(?P<offer>(?:flat |up ?to )?\d{1,2}(?:\.\d)? ?% off\b[^\n]{0,80})",
    )
)
# Where the offer's own words end: a sentence end (not the dot inside '12.5%'), a separator.
_OFFER_END = re.compile(r"[.!?](?= |$)| [|·] | - | please\b| checkout\b", re.IGNORECASE)
_TRAILING = " .,;:!?-*\"'"


def find_offer(text: str, folded: str) -> str | None:
    for pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            if starts_word(folded, match.start()):
                offer = _trim(text[match.start("offer") : match.end("offer")])
                if offer:
                    return offer
                break
    return None


def _trim(raw: str) -> str | None:
    end = _OFFER_END.search(raw)
    offer = (raw[: end.start()] if end else raw).strip(_TRAILING)
    if not offer or len(offer) > _LONGEST_OFFER or not any(char.isalnum() for char in offer):
        return None
    return offer
