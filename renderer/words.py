"""Dates, counts and names as a guest reads them. Pure, locale-free (English), deterministic."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from renderer.model import Answer, Invite

DINNER_LENGTH = timedelta(hours=2)
# The page and rsvps.json name this many of those coming (and of the maybes); the rest are
# counted as "+N more", so however many answer, the page stays the same size.
MAX_LISTED_NAMES = 20

_PRICE = {
    "PRICE_LEVEL_FREE": "Free",
    "PRICE_LEVEL_INEXPENSIVE": "₹",
    "PRICE_LEVEL_MODERATE": "₹₹",
    "PRICE_LEVEL_EXPENSIVE": "₹₹₹",
    "PRICE_LEVEL_VERY_EXPENSIVE": "₹₹₹₹",
}


def local_start(invite: Invite) -> datetime:
    return invite.starts_at.astimezone(ZoneInfo(invite.timezone))


def clock(moment: datetime) -> str:
    """8:00 PM; 12:30 AM."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def when_long(invite: Invite) -> str:
    """Saturday 12 December, 8:00 PM."""
    start = local_start(invite)
    return f"{start:%A} {start.day} {start:%B}, {clock(start)}"


def when_short(invite: Invite) -> str:
    """Sat 12 Dec · 8:00 PM."""
    start = local_start(invite)
    return f"{start:%a} {start.day} {start:%b} · {clock(start)}"


def date_short(invite: Invite) -> str:
    """Sat 12 Dec."""
    start = local_start(invite)
    return f"{start:%a} {start.day} {start:%b}"


def date_tile(invite: Invite) -> dict[str, str]:
    """The parts of a tear-off calendar page: Dec / 12 / Sat."""
    start = local_start(invite)
    return {"month": f"{start:%b}", "day": str(start.day), "weekday": f"{start:%a}"}


def party_words(party_size: int | None) -> str | None:
    if party_size is None:
        return None
    return "Table for 1" if party_size == 1 else f"Table for {party_size}"


def locality(invite: Invite) -> str | None:
    parts = [p for p in (invite.restaurant.area, invite.restaurant.city) if p]
    return ", ".join(parts) or None


def price_symbol(level: str | None) -> str | None:
    return _PRICE.get(level or "")


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def initial(name: str) -> str:
    """The first letter to show in an avatar, with the marks that belong to it (Devanagari
    vowel signs and viramas combine with the consonant before them)."""
    text = name.strip()
    if not text:
        return "?"
    end = 1
    while end < len(text) and unicodedata.category(text[end]) in ("Mn", "Mc"):
        end += 1
    return text[:end].upper()


def heading(invite: Invite) -> str:
    return invite.title or f"Dinner at {invite.restaurant.name}"


def listed(names: list[str]) -> tuple[list[str], int]:
    """The first MAX_LISTED_NAMES names (in answer order) and how many more there are."""
    return names[:MAX_LISTED_NAMES], max(0, len(names) - MAX_LISTED_NAMES)


def going_count(answers: tuple[Answer, ...]) -> int:
    """People coming: each IN answer plus the guests they bring."""
    return sum(1 + a.guests for a in answers if a.response == "IN")


def is_full(invite: Invite) -> bool:
    if not (invite.close_when_full and invite.party_size):
        return False
    return going_count(invite.answers) >= invite.party_size


def counts(answers: tuple[Answer, ...]) -> dict[str, int]:
    tally = {"IN": 0, "MAYBE": 0, "OUT": 0}
    for answer in answers:
        tally[answer.response] += 1
    return tally


def google_calendar_url(invite: Invite, page_url: str) -> str:
    start = invite.starts_at.astimezone(ZoneInfo("UTC"))
    end = start + DINNER_LENGTH
    place = ", ".join(
        p for p in (invite.restaurant.name, invite.restaurant.address or locality(invite)) if p
    )
    query = {
        "action": "TEMPLATE",
        "text": heading(invite),
        "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
        "details": f"{invite.message or ''}\n\n{page_url}".strip(),
        "location": place,
        "ctz": invite.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def whatsapp_url(text: str) -> str:
    return "https://wa.me/?" + urlencode({"text": text})
