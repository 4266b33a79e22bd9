"""invite.ics: what calendar apps read from it, parsed back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from renderer.ics import render_ics
from renderer.model import OPENSTREETMAP
from tests.support.invites import LINKS, make_invite, make_restaurant


def event_of(ics: bytes) -> Calendar:
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    return event


def test_the_event_is_at_the_local_time_in_its_own_zone() -> None:
    event = event_of(render_ics(make_invite(), page_url=LINKS.page))
    start = event.decoded("dtstart")
    assert start == datetime(2026, 12, 12, 20, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert str(start.tzinfo) == "Asia/Kolkata"
    assert event.decoded("dtend") - start == timedelta(hours=2)


def test_the_calendar_carries_the_zone_definition_it_names() -> None:
    calendar = Calendar.from_ical(render_ics(make_invite(), page_url=LINKS.page))
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["tzid"] == "Asia/Kolkata"


def test_the_uid_is_stable_and_the_stamp_is_the_last_edit_not_the_render_time() -> None:
    invite = make_invite(revised_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    first = render_ics(invite, page_url=LINKS.page)
    assert render_ics(invite, page_url=LINKS.page) == first  # deterministic bytes
    event = event_of(first)
    assert str(event["uid"]) == f"{invite.slug}@tablefor.in"
    assert event.decoded("dtstamp") == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def test_an_edit_raises_the_sequence_so_calendars_take_the_update() -> None:
    before = event_of(render_ics(make_invite(revision=0), page_url=LINKS.page))
    after = event_of(render_ics(make_invite(revision=3), page_url=LINKS.page))
    assert (before["sequence"], after["sequence"]) == (0, 3)


def test_a_cancelled_invite_is_a_cancelled_event() -> None:
    event = event_of(render_ics(make_invite(cancelled=True), page_url=LINKS.page))
    assert event["status"] == "CANCELLED"
    assert str(event["summary"]).startswith("Cancelled: ")


def test_location_prefers_the_address_and_falls_back_to_the_locality() -> None:
    with_address = event_of(render_ics(make_invite(), page_url=LINKS.page))
    assert str(with_address["location"]).startswith("Toit, 298, 100 Feet Road")
    bare = make_invite(restaurant=make_restaurant(address=None))
    assert str(event_of(render_ics(bare, page_url=LINKS.page))["location"]) == (
        "Toit, Indiranagar, Bengaluru"
    )


def test_coordinates_become_geo_only_when_known() -> None:
    placed = make_invite(restaurant=make_restaurant(latitude=12.97, longitude=77.64))
    assert event_of(render_ics(placed, page_url=LINKS.page)).decoded("geo") is not None
    assert "geo" not in event_of(render_ics(make_invite(), page_url=LINKS.page))


def test_the_host_is_the_organizer_and_the_page_is_linked() -> None:
    event = event_of(render_ics(make_invite(), page_url=LINKS.page))
    assert event["organizer"].params["cn"] == "Asha"
    assert str(event["url"]) == LINKS.page
    assert LINKS.page in str(event["description"])
    assert "organizer" not in event_of(render_ics(make_invite(host_name=None), page_url=LINKS.page))


def test_typed_text_is_escaped_as_ical_requires() -> None:
    invite = make_invite(title="Dinner; drinks, and more", message="line one\nline two")
    ics = render_ics(invite, page_url=LINKS.page)
    assert b"SUMMARY:Dinner\\; drinks\\, and more" in ics
    assert str(event_of(ics)["summary"]) == "Dinner; drinks, and more"
    assert "line one\nline two" in str(event_of(ics)["description"])


def test_a_providers_address_and_coordinates_carry_its_credit() -> None:
    google = make_restaurant(latitude=12.9791, longitude=77.6408)
    osm = make_restaurant(source=OPENSTREETMAP, rating=None, photo=None)
    words_only = make_restaurant(address=None, source=None)

    described = {
        name: str(
            event_of(render_ics(make_invite(restaurant=r), page_url=LINKS.page))["description"]
        )
        for name, r in (("google", google), ("osm", osm), ("words", words_only))
    }

    assert described["google"].endswith("\nPlace details: Google Maps")
    assert described["osm"].endswith(
        "\nPlace details © OpenStreetMap contributors (https://www.openstreetmap.org/copyright)"
    )
    assert "Google Maps" not in described["words"] and "OpenStreetMap" not in described["words"]
