"""The booking's reference: 'Booking ID: SWDO98765432', 'Confirmation ABC12345', 'Ref #4411'.

Only a token after a reference label counts, it must hold a digit ('Booking Confirmed' is no
id), and a phone number after the label is not taken for one.
"""

from __future__ import annotations

import re

from core.parsing.scanning import anchored

_LABEL = (
    r"(?:(?:booking|reservation|order|table|dineout)[ -]?(?:id|no|number|num|code|ref(?:erence)?)\b"
    r"|confirmation(?: (?:id|no|number|num|code))?\b|(?:ref(?:erence)?|pnr)(?: (?:id|no|number))?\b"
    r"|(?:booking|reservation|order) (?=#))"
)
# Read on the lower-cased text; the id is then cut from the original at the same offsets.
_BOOKING_ID = re.compile(
    _LABEL + r"\.?(?: is)? ?(?:[:#=-] ?){0,2}(?P<id>[a-z0-9][a-z0-9-]{3,30})\b"
)
_ANCHOR = re.compile(r"(?:booking|reservation|order|table|dineout|confirmation|ref|pnr)")
# Indian mobiles (with or without +91 / 0) and landlines with an STD code.
_PHONE = re.compile(r"^(?:(?:\+?91|0)?[6-9]\d{9}|0\d{10})$")


def find_booking_id(text: str, folded: str) -> str | None:
    for match in anchored(folded, _ANCHOR, _BOOKING_ID):
        token = text[match.start("id") : match.end("id")].strip("-")
        if any(char.isdigit() for char in token) and not _PHONE.match(token):
            return token
    return None
