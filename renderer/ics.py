"""invite.ics (RFC 5545): one event with its real time zone and a UID that never changes.

Deterministic: DTSTAMP is the time of the last edit of the event (not the render time), so the
bytes change only when the event does, and a re-publish of unchanged data writes nothing.
"""

from __future__ import annotations

import functools
from datetime import date
from urllib.parse import urlsplit

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from renderer import attribution, words
from renderer.model import Invite


def render_ics(invite: Invite, *, page_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Tablefor//Invites//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(_vtimezone(invite.timezone, words.local_start(invite).year))
    calendar.add_component(_event(invite, page_url))
    return bytes(calendar.to_ical())


@functools.lru_cache(maxsize=256)
def _vtimezone(tzid: str, year: int) -> Timezone:
    """The zone's VTIMEZONE around the event's year. Building one costs ~17 ms (icalendar walks
    the zone's transitions), so it is made once per zone and year; it is never modified."""
    return Timezone.from_tzid(
        tzid, first_date=date(year - 1, 1, 1), last_date=date(year + 1, 12, 31)
    )


def _event(invite: Invite, page_url: str) -> Event:
    start = words.local_start(invite)
    event = Event()
    event.add("uid", f"{invite.slug}@{urlsplit(page_url).hostname or 'tablefor'}")
    event.add("dtstamp", invite.revised_at)
    event.add("dtstart", start)
    event.add("dtend", start + words.DINNER_LENGTH)
    event.add("sequence", invite.revision)
    event.add("summary", _summary(invite))
    event.add("location", vText(_location(invite)))
    event.add("description", _description(invite, page_url))
    event.add("url", page_url)
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    if invite.host_name:
        organizer = vCalAddress("mailto:noreply@tablefor.invalid")
        organizer.params["cn"] = vText(invite.host_name)
        event.add("organizer", organizer)
    if invite.restaurant.latitude is not None and invite.restaurant.longitude is not None:
        event.add("geo", (invite.restaurant.latitude, invite.restaurant.longitude))
    return event


def _summary(invite: Invite) -> str:
    summary = words.heading(invite)
    return f"Cancelled: {summary}" if invite.cancelled else summary


def _location(invite: Invite) -> str:
    restaurant = invite.restaurant
    where = restaurant.address or words.locality(invite)
    return f"{restaurant.name}, {where}" if where else restaurant.name


def _description(invite: Invite, page_url: str) -> str:
    """The message, the party, the page; and the credit for the provider's address and GEO."""
    credit = attribution.calendar_credit(invite.restaurant) or ""
    lines = [invite.message or "", words.party_words(invite.party_size) or "", page_url, credit]
    return "\n".join(line for line in lines if line)
