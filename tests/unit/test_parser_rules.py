"""The booking parser's rules, one behaviour per test, plus realistic texts the samples lack.

'Now' is Tuesday 24 November 2026, noon in Kolkata, unless a test says otherwise.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.parsing import ParseResult, parse_booking, parser
from core.parsing.normalize import MAX_CHARS, TRUNCATED_WARNING
from core.parsing.urls import MAX_URL_CHARS, find_urls, swiggy_restaurant_id, without_urls

IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=IST)  # a Tuesday
ONELINK = (
    "https://swiggy.onelink.me/BVRZ?af_dp=swiggydiners%3A%2F%2Fdetails%2F{id}%3Fsource%3Dsharing"
)


def parse(text: str, *, now: datetime = NOW, tz: ZoneInfo = IST) -> ParseResult:
    return parse_booking(text, now=now, tz=tz)


def at(text: str, **kwargs: Any) -> str | None:
    """starts_at as ISO 8601, the way the API shows it."""
    starts_at = parse(text, **kwargs).starts_at
    return None if starts_at is None else starts_at.isoformat()


# Dates ------------------------------------------------------------------------------------


def test_a_date_without_a_year_that_has_passed_this_year_is_next_year() -> None:
    result = parse("5 Jan, 7pm, 4 guests")
    assert result.starts_at == datetime(2027, 1, 5, 19, 0, tzinfo=IST)
    assert "date has no year; assumed the next 5 Jan (2027)" in result.warnings


def test_a_date_without_a_year_still_ahead_is_this_year() -> None:
    assert at("12 Dec, 8 pm") == "2026-12-12T20:00:00+05:30"


def test_a_date_without_a_year_that_is_today_is_today() -> None:
    assert at("24 Nov 10:30 PM") == "2026-11-24T22:30:00+05:30"


def test_29_february_without_a_year_is_the_next_leap_year() -> None:
    assert at("29 Feb 8pm") == "2028-02-29T20:00:00+05:30"


def test_a_date_with_a_past_year_is_kept_and_flagged() -> None:
    result = parse("12 Dec 2025, 8 pm")
    assert result.starts_at == datetime(2025, 12, 12, 20, 0, tzinfo=IST)
    assert "the start time is in the past" in result.warnings


def test_an_impossible_date_is_no_date() -> None:
    assert parse("31 Feb 2027, 8 pm").starts_at is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Dec 2026 at 8 PM", "2026-12-12T20:00:00+05:30"),
        ("12th December at 8 PM", "2026-12-12T20:00:00+05:30"),
        ("12th of December, 8pm", "2026-12-12T20:00:00+05:30"),
        ("Friday, 4 December 2026\nTime: 9:00 PM", "2026-12-04T21:00:00+05:30"),
        ("Thursday, December 10 at 8:30 PM", "2026-12-10T20:30:00+05:30"),
        ("Dec 10, 2026 7 pm", "2026-12-10T19:00:00+05:30"),
        ("12-12-2026 at 20:00 hrs", "2026-12-12T20:00:00+05:30"),
        ("12.12.2026 19:30", "2026-12-12T19:30:00+05:30"),
        ("Fri 18/12, 19:30", "2026-12-18T19:30:00+05:30"),
        ("5 Dec at 6:45 PM", "2026-12-05T18:45:00+05:30"),
        ("12-Dec-2026 8:00 PM", "2026-12-12T20:00:00+05:30"),
        ("2026-12-12T20:30", "2026-12-12T20:30:00+05:30"),
        ("12 Dec '26, 8 pm", "2026-12-12T20:00:00+05:30"),
        ("Date: 12/12/2026\nTime: 20:30", "2026-12-12T20:30:00+05:30"),
        ("Sat, 12 Dec · 7:30 pm · Party of 5", "2026-12-12T19:30:00+05:30"),
    ],
)
def test_date_formats(text: str, expected: str) -> None:
    assert at(text) == expected


def test_a_numeric_date_is_day_first_in_india() -> None:
    result = parse("05/06/2027 8pm")
    assert result.starts_at == datetime(2027, 6, 5, 20, 0, tzinfo=IST)
    assert "read the numeric date as 5 Jun 2027" in result.warnings


def test_a_numeric_date_is_month_first_in_the_americas() -> None:
    new_york = ZoneInfo("America/New_York")
    now = datetime(2026, 11, 24, 12, 0, tzinfo=new_york)
    assert at("05/06/2027 8pm", now=now, tz=new_york) == "2027-05-06T20:00:00-04:00"


def test_a_numeric_date_that_can_only_be_month_first_is_read_so() -> None:
    assert at("12/18/2026 8pm") == "2026-12-18T20:00:00+05:30"


def test_a_written_date_beats_a_day_word() -> None:
    assert at("TODAY\n28 Nov 2026\nDINNER\n10:30 PM") == "2026-11-28T22:30:00+05:30"


def test_the_first_date_not_in_the_past_is_the_booking() -> None:
    text = "Booked on 20 Nov 2026. Your table: 12 Dec 2026, 8 PM, 2 guests"
    assert at(text) == "2026-12-12T20:00:00+05:30"


def test_a_weekday_that_does_not_match_the_date_is_noted() -> None:
    result = parse("Saturday, 11 December 2026, 8 pm")
    assert result.starts_at == datetime(2026, 12, 11, 20, 0, tzinfo=IST)
    assert any("Saturday does not match 11 Dec 2026, a Friday" in w for w in result.warnings)


# Day words and weekdays -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today 8pm", "2026-11-24T20:00:00+05:30"),
        ("Tonight 2130 hrs", "2026-11-24T21:30:00+05:30"),
        ("tonight 9", "2026-11-24T21:00:00+05:30"),
        ("this evening at 7", "2026-11-24T19:00:00+05:30"),
        ("tomorrow 1 pm", "2026-11-25T13:00:00+05:30"),
        ("tmrw 8:30pm", "2026-11-25T20:30:00+05:30"),
        ("day after tomorrow 8pm", "2026-11-26T20:00:00+05:30"),
        ("Kal raat 8 baje", "2026-11-25T20:00:00+05:30"),
        ("aaj raat 9 baje", "2026-11-24T21:00:00+05:30"),
        ("आज रात 9 बजे", "2026-11-24T21:00:00+05:30"),
        ("कल शाम 7 बजे", "2026-11-25T19:00:00+05:30"),
        ("parso 8pm", "2026-11-26T20:00:00+05:30"),
    ],
)
def test_day_words(text: str, expected: str) -> None:
    assert at(text) == expected


def test_todays_weekday_is_today_while_its_time_is_ahead() -> None:
    assert at("Tuesday 8pm") == "2026-11-24T20:00:00+05:30"


def test_todays_weekday_is_next_week_once_its_time_has_passed() -> None:
    assert at("Tuesday 10am") == "2026-12-01T10:00:00+05:30"


def test_next_weekday_said_on_that_weekday_is_a_week_away() -> None:
    assert at("next Tuesday 8pm") == "2026-12-01T20:00:00+05:30"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sat 7pm", "2026-11-28T19:00:00+05:30"),
        ("Saturday 7pm", "2026-11-28T19:00:00+05:30"),
        ("on fri at 9 pm", "2026-11-27T21:00:00+05:30"),
        ("Sun, 8:30 PM", "2026-11-29T20:30:00+05:30"),
        ("wed dinner 8", "2026-11-25T20:00:00+05:30"),
    ],
)
def test_weekdays_are_the_next_such_day(text: str, expected: str) -> None:
    assert at(text) == expected


def test_sat_as_an_ordinary_word_is_no_weekday() -> None:
    assert parse("we sat outside at Toit, 8pm").starts_at is None


# Times ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 12 am", "2026-11-25T00:00:00+05:30"),
        ("tomorrow 12:30 am", "2026-11-25T00:30:00+05:30"),
        ("tomorrow 12 pm", "2026-11-25T12:00:00+05:30"),
        ("tomorrow 12 noon", "2026-11-25T12:00:00+05:30"),
        ("tomorrow 2130 hrs", "2026-11-25T21:30:00+05:30"),
        ("tomorrow 20:00 hrs", "2026-11-25T20:00:00+05:30"),
        ("tomorrow 19:30", "2026-11-25T19:30:00+05:30"),
        ("tomorrow 08:00", "2026-11-25T08:00:00+05:30"),
        ("tomorrow 8.30 p.m.", "2026-11-25T20:30:00+05:30"),
        ("tomorrow 8:00–8:30 PM", "2026-11-25T20:00:00+05:30"),
        ("tomorrow 11:30-12:30 PM", "2026-11-25T11:30:00+05:30"),
        ("tomorrow 7 to 9 pm", "2026-11-25T19:00:00+05:30"),
        ("dinner at 9 tomorrow", "2026-11-25T21:00:00+05:30"),
        ("breakfast at 8 tomorrow", "2026-11-25T08:00:00+05:30"),
        ("brunch tomorrow at 11:30", "2026-11-25T11:30:00+05:30"),
        ("lunch tomorrow at 1", "2026-11-25T13:00:00+05:30"),
        ("tomorrow at 8", "2026-11-25T20:00:00+05:30"),
    ],
)
def test_times(text: str, expected: str) -> None:
    assert at(text) == expected


def test_a_party_size_then_a_time_is_not_a_time_range() -> None:
    result = parse("Table for 2 - 8pm tomorrow")
    assert (result.party_size, result.starts_at) == (2, datetime(2026, 11, 25, 20, tzinfo=IST))


def test_a_wall_time_skipped_by_daylight_saving_moves_on_by_the_gap() -> None:
    london = ZoneInfo("Europe/London")
    now = datetime(2026, 3, 28, 12, 0, tzinfo=london)
    assert at("29 Mar 2026, 1:30 am", now=now, tz=london) == "2026-03-29T02:30:00+01:00"


def test_starts_at_is_in_the_bookings_zone() -> None:
    lisbon = ZoneInfo("Europe/Lisbon")
    result = parse("Thursday, December 10 at 8:30 PM", tz=lisbon)
    assert result.starts_at is not None
    assert result.starts_at.tzinfo == lisbon
    assert result.starts_at.isoformat() == "2026-12-10T20:30:00+00:00"


def test_a_naive_now_is_taken_as_wall_time_in_the_zone() -> None:
    assert at("today 8pm", now=datetime(2026, 11, 24, 12, 0)) == "2026-11-24T20:00:00+05:30"


@pytest.mark.parametrize(
    "text",
    [
        "[23/11/26, 9:14 pm] Rahul: table for 4 tomorrow at Toit",
        "[9:14 pm, 23/11/2026] Rahul: table for 4 tomorrow at Toit",
        "23/11/26, 9:14 pm - Rahul: table for 4 tomorrow at Toit",
    ],
)
def test_whatsapp_prefixes_never_give_the_date_or_time(text: str) -> None:
    result = parse(text)
    assert result.starts_at is None
    assert (result.party_size, result.restaurant_name) == (4, "Toit")


def test_a_date_without_a_time_gives_no_start_and_says_so() -> None:
    result = parse("Table for 4 on 12 Dec 2026")
    assert result.starts_at is None
    assert "a date but no time found; add the time" in result.warnings


def test_a_time_without_a_day_gives_no_start_and_says_so() -> None:
    result = parse("8 pm, table for 4")
    assert result.starts_at is None
    assert "a time but no date found; add the date" in result.warnings


def test_no_date_or_time_says_so() -> None:
    assert "no date or time found" in parse("table for 4 at Toit").warnings


# Party size -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("table for 4", 4),
        ("Table for two", 2),
        ("4 guests", 4),
        ("for 9 guest(s) at", 9),
        ("FOR 2\nguests", 2),
        ("Guests: 6", 6),
        ("No. of Guests: 3", 3),
        ("Number of guest(s)\n4", 4),
        ("4 pax", 4),
        ("Pax: 5", 5),
        ("Party of 5", 5),
        ("4 of us", 4),
        ("we're 5", 5),
        ("5 people", 5),
        ("2 ppl", 2),
        ("4 log", 4),
        ("do log", 2),
        ("2 लोग", 2),
        ("२ लोग", 2),
        ("confirmed for 2 on Sat", 2),
        ("Booked lunch tomorrow 1 pm for 3", 3),
        ("2 adults and 1 child", 3),
        ("4-5 people", 5),
    ],
)
def test_party_size_phrasings(text: str, expected: int) -> None:
    assert parse(text).party_size == expected


@pytest.mark.parametrize(
    "text",
    [
        "Call +91 98450 12345",
        "Call 9845012345 for 3 minutes",
        "PIN 560038",
        "Use ₹500 DineCash",
        "Flat 20% off",
        "Booking ID 1234567",
        "for 2026",
        "on 12 Dec 2026 at 8:30 pm",
        "for 12 Dec",
        "for 8 pm",
        "for 2 hours",
        "Sector 29, Gurgaon 122002",
        "Table for 60",
        "0 guests",
    ],
)
def test_numbers_that_are_not_a_party_size(text: str) -> None:
    result = parse(text)
    assert result.party_size is None
    assert "no party size found" in result.warnings


def test_the_party_size_ignores_every_trap_around_it() -> None:
    text = (
        "Booking for 2 guests at Hunger Camp, Sector 29, Gurgaon on 31 Dec 2026, 11:30 PM. "
        "Use ₹500 DineCash, 20% off. Call +91 98450 12345, PIN 122002."
    )
    assert parse(text).party_size == 2


# Swiggy restaurant ids --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ONELINK.format(id=1084072), "1084072"),
        (ONELINK.format(id=719877) + "%20Happy%20dining!", "719877"),
        (
            "https://swiggy.onelink.me/BVRZ?af_dp=swiggydiners%253A%252F%252Fdetails%252F55512",
            "55512",
        ),
        (
            "https://www.swiggy.com/restaurants/tasty-restaurant-layout-btm-bangalore-465184/dineout",
            "465184",
        ),
        (
            "https://www.swiggy.com/city/bangalore/kfc-brigade-road-central-bangalore-rest588619",
            "588619",
        ),
        (
            "https://www.swiggy.com/restaurants/pune/baner/gratis-fine-dine-bar-1158808/dineout",
            "1158808",
        ),
        (
            "https://www.swiggy.com/restaurants/pal-dhaba-sector-28-phase-2-chandigarh-606241/dineout",
            "606241",
        ),
        ("see swiggy.com/restaurants/bastian-worli-mumbai-51234/dineout.", "51234"),
        ("https://www.dineout.co.in/delhi/tamasha-connaught-place-central-delhi-20996", None),
        ("https://www.zomato.com/bangalore/toit-indiranagar-bangalore/info", None),
        ("Booking ID 1084072", None),
    ],
)
def test_swiggy_restaurant_ids(text: str, expected: str | None) -> None:
    assert parse(text).swiggy_restaurant_id == expected


def test_with_several_links_the_swiggy_one_gives_the_id() -> None:
    text = (
        "https://www.zomato.com/bangalore/truffles-koramangala-5th-block-bangalore/info and "
        "https://www.swiggy.com/restaurants/truffles-koramangala-5th-block-bangalore-3241/dineout"
    )
    result = parse(text)
    assert (result.swiggy_restaurant_id, result.source) == ("3241", "swiggy_dineout")


def test_a_bare_link_gives_the_city_and_a_flagged_name_guess() -> None:
    result = parse(
        "https://www.swiggy.com/city/bangalore/kfc-brigade-road-central-bangalore-rest588619"
    )
    assert (result.city, result.restaurant_name) == ("Bengaluru", "KFC Brigade Road")
    assert "restaurant name guessed from the link; check it" in result.warnings


def test_numbers_inside_links_are_not_read_as_dates_times_or_party_sizes() -> None:
    result = parse("https://www.swiggy.com/restaurants/x-y-12-12-2026-830-pm-4-guests-1234/dineout")
    assert (result.starts_at, result.party_size) == (None, None)


# Restaurant, area and city ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "area", "city"),
    [
        (
            "at The Happy Yard, Jubilee Hills, Hyderabad with offer Flat 20% Off",
            "The Happy Yard",
            "Jubilee Hills",
            "Hyderabad",
        ),
        (
            "Your table reservation at Bastian, Worli, Mumbai is confirmed.",
            "Bastian",
            "Worli",
            "Mumbai",
        ),
        (
            "Reserved! 4 pax @ Olive Beach, Richmond Road, Bengaluru.",
            "Olive Beach",
            "Richmond Road",
            "Bengaluru",
        ),
        (
            "Table for 4 at Tamasha, Connaught Place, Delhi confirmed",
            "Tamasha",
            "Connaught Place",
            "New Delhi",
        ),
        (
            "Booking Completed\nSmoke House Deli\nLavelle Road, Central Bengaluru\n",
            "Smoke House Deli",
            "Lavelle Road",
            "Bengaluru",
        ),
        (
            "Booking confirmed\nOASIS BREWERY\nWhitefield, Bangalore\n5 Dec",
            "Oasis Brewery",
            "Whitefield",
            "Bengaluru",
        ),
        (
            "table for 4 at toit, indiranagar, bangalore tomorrow 8pm",
            "Toit",
            "Indiranagar",
            "Bengaluru",
        ),
        (
            "Your reservation at Bastian At The Top, Dadar, Bombay is confirmed",
            "Bastian At The Top",
            "Dadar",
            "Mumbai",
        ),
        ("at Hunger Camp, Sector 29, Gurgaon on 31 Dec", "Hunger Camp", "Sector 29", "Gurugram"),
        (
            "Tonight 2130 hrs, 2 guests, Dum Pukht, ITC Maurya, New Delhi",
            "Dum Pukht",
            "ITC Maurya",
            "New Delhi",
        ),
        ("Restaurant: Yauatcha\nLocation: BKC, Mumbai\nPax: 4", "Yauatcha", "BKC", "Mumbai"),
        (
            "Kruti Coffee\nNayapalli, Bhubaneswar\nOFFER FOR YOU",
            "Kruti Coffee",
            "Nayapalli",
            "Bhubaneswar",
        ),
        (
            "Mindhouse Cafe\nKoregaon Park, Pune, Maharashtra 411001\n8 pm",
            "Mindhouse Cafe",
            "Koregaon Park",
            "Pune",
        ),
    ],
)
def test_restaurant_area_and_city(text: str, name: str, area: str, city: str) -> None:
    result = parse(text)
    assert (result.restaurant_name, result.area, result.city) == (name, area, city)


@pytest.mark.parametrize(
    ("text", "name", "city"),
    [
        (
            "Cervejaria Ramiro — table for 4\nAv. Almirante Reis 1, Lisbon",
            "Cervejaria Ramiro",
            "Lisbon",
        ),
        ("Your reservation at Aranyam is confirmed ✅", "Aranyam", None),
        (
            "You're all set!\nJoe's Pizza\nSaturday, December 12, 2026 at 7:30 PM",
            "Joe's Pizza",
            None,
        ),
        (
            "The Clove Club\n7:30 PM\nShoreditch Town Hall, 380 Old Street, London EC1V 9LT",
            "The Clove Club",
            "London",
        ),
        (
            "Kal raat 8 baje, 4 log 🙏 Sagar Ratna Sector 18 – table book ho gayi!",
            "Sagar Ratna Sector 18",
            None,
        ),
        ("Booked Trèsind Studio, Mumbai for tomorrow 7pm", "Trèsind Studio", "Mumbai"),
        (
            "Table booked ✅ Toit Brewpub – Indiranagar, Bengaluru. 12/12 @ 8pm",
            "Toit Brewpub",
            "Bengaluru",
        ),
        (
            "Dineout booking confirmed! Toit, Indiranagar | Sat, 12 Dec | 8:00 PM | 4 guests",
            "Toit",
            None,
        ),
        ("📍 Bastian, Bandra West, Mumbai\n📅 Sat, 19 Dec", "Bastian", "Mumbai"),
    ],
)
def test_restaurant_layouts(text: str, name: str, city: str | None) -> None:
    result = parse(text)
    assert (result.restaurant_name, result.city) == (name, city)


@pytest.mark.parametrize(
    "text",
    [
        "hello 👋 are we still on for dinner?",
        "see you at 8 pm",
        "reach at the venue by 8",
        "Booking confirmed",
        "Invite guests · Pay bill · Convenience fee ₹25",
        "Happy birthday Rahul\nSat 12 Dec 8pm",
        "Please arrive at least 15 minutes before your reservation time.",
    ],
)
def test_no_restaurant_is_made_up(text: str) -> None:
    result = parse(text)
    assert result.restaurant_name is None
    assert "no restaurant name found" in result.warnings


@pytest.mark.parametrize(
    ("city", "canonical"),
    [
        ("Bangalore", "Bengaluru"),
        ("Gurgaon", "Gurugram"),
        ("Bombay", "Mumbai"),
        ("Delhi", "New Delhi"),
        ("Madras", "Chennai"),
        ("Calcutta", "Kolkata"),
        ("Cochin", "Kochi"),
        ("Lisboa", "Lisbon"),
        ("Bengaluru 560038", "Bengaluru"),
    ],
)
def test_cities_come_out_canonical(city: str, canonical: str) -> None:
    assert parse(f"Table for 2 at Toit, Indiranagar, {city}").city == canonical


# Offer, booking id, source ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "at X with offer Flat 20% Off on Total Bill. Please reach on time",
            "Flat 20% Off on Total Bill",
        ),
        ("with offer Flat 12.5% off on food!", "Flat 12.5% off on food"),
        ("OFFER FOR YOU\nFlat 10% off on total bill\nPay bill now", "Flat 10% off on total bill"),
        ("Restaurant Offer: 25% off on total bill", "25% off on total bill"),
        ("Use ₹500 DineCash, 20% off. Call us", "20% off"),
        ("Table for 2 at Toit tomorrow 8pm", None),
        ("Use ₹200 DineCash + Earn 10% cashback", None),
    ],
)
def test_offers(text: str, expected: str | None) -> None:
    assert parse(text).offer == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Booking ID: SWDO98765432", "SWDO98765432"),
        ("Booking ID 1234567.", "1234567"),
        ("Confirmation ABC12345", "ABC12345"),
        ("Confirmation #: 112233", "112233"),
        ("Booking no. 77889911", "77889911"),
        ("ref: TS-99812", "TS-99812"),
        ("Booking ID: EZD1234567", "EZD1234567"),
        ("Booking Confirmed", None),
        ("Booking ID: 9845012345", None),
        ("Call 9845012345", None),
    ],
)
def test_booking_ids(text: str, expected: str | None) -> None:
    assert parse(text).booking_id == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://swiggy.onelink.me/BVRZ?af_dp=x", "swiggy_dineout"),
        ("Booking Confirmed – Swiggy Dineout", "swiggy_dineout"),
        (
            "I have made a booking on 12 Dec 2026, 07:30 PM for 9 guest(s) at X, Y, Z",
            "swiggy_dineout",
        ),
        ("Dineout: Table for 4 at Tamasha", "swiggy_dineout"),
        ("https://www.dineout.co.in/delhi/tamasha-20996", "swiggy_dineout"),
        ("Table booked at Farzi Cafe. Zomato Gold: 1+1 on drinks.", "zomato"),
        ("https://www.zomato.com/hyderabad/farzi-cafe-jubilee-hills", "zomato"),
        ("Booking ID: DIST12345 | District", "district"),
        ("Booked on District by Zomato", "district"),
        ("Your booking on EazyDiner", "eazydiner"),
        ("https://www.eazydiner.com/bengaluru/smoke-house-deli-335752", "eazydiner"),
        ("Your reservation is confirmed\nADD TO CALENDAR", "opentable"),
        ("Booked through OpenTable", "opentable"),
        ("Reserve with Google: your table at X", "google"),
        ("Central Business District, 8pm", "unknown"),
        ("table for 4 tomorrow", "unknown"),
    ],
)
def test_sources(text: str, expected: str) -> None:
    assert parse(text).source == expected


# Unicode and messy pastes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Table for 2 at Toit, Indiranagar, Bengaluru on 5 Dec 2026 at 8:00\u00a0PM",
        "Table for 2 at Toit, Indiranagar, Bengaluru on 5 Dec 2026 at 8:00\u202fPM",
        "Table for 2 at Toit, Indiranagar, Bengaluru on 5\u2009Dec\u20092026 at 8:00 PM",
        "Table\u200b for 2 at To\u200dit, Indiranagar, Bengaluru on 5 Dec 2026 at 8:00 PM\ufeff",
        "Table for ２ at Toit, Indiranagar, Bengaluru on ５ Dec ２０２６ at ８:００ PM",
        "Table for 2 at Toit, Indiranagar, Bengaluru on ५ Dec २०२६ at ८:०० PM",
        "Table for 2 at “Toit”, Indiranagar, Bengaluru on 5 Dec 2026 at 8:00 PM",
        "Table for 2\r\nat Toit, Indiranagar, Bengaluru\r\non 5 Dec 2026 at 8:00 PM\r\n",
        "Table   for 2 at\tToit, Indiranagar,   Bengaluru on 5 Dec 2026 at 8:00 PM 🍻🎉",
    ],
)
def test_unicode_and_whitespace_variants_read_the_same(text: str) -> None:
    result = parse(text)
    assert result.starts_at == datetime(2026, 12, 5, 20, 0, tzinfo=IST)
    assert (result.party_size, result.restaurant_name, result.city) == (2, "Toit", "Bengaluru")


@pytest.mark.parametrize("dash", ["-", "–", "—", "−"])
def test_every_dash_makes_a_time_range(dash: str) -> None:
    assert at(f"Sat, 5 Dec 2026 | 8:00{dash}8:30 PM") == "2026-12-05T20:00:00+05:30"


def test_smart_quotes_in_a_name_come_out_straight() -> None:
    assert (
        parse("Table for 2 at Glen’s Bakehouse, Indiranagar").restaurant_name == "Glen's Bakehouse"
    )


def test_a_very_long_paste_is_cut_with_a_warning() -> None:
    """How quickly is bench.parser's to say; here, what is kept."""
    booking = "Table for 4 at Toit, Indiranagar, Bengaluru on 12 Dec 2026 at 8 PM. "
    text = booking + "lorem ipsum dolor sit amet 42 ₹500 " * 3000
    result = parse(text)
    assert len(text) > MAX_CHARS
    assert TRUNCATED_WARNING in result.warnings
    assert (result.restaurant_name, result.party_size) == ("Toit", 4)


# Hostile pastes: each scanner stays linear (bench.parser times them), and the booking inside
# still reads the same.
BOOKING = (
    "I have made a booking on 12 Dec 2026, 07:30 PM for 4 guest(s) at Toit, Indiranagar, "
    "Bangalore. https://www.swiggy.com/restaurants/toit-indiranagar-bangalore-1271281"
)
PADDING = {
    "repeated .co/": ".co/" * 4000,
    "repeated bare links": "swiggy.com/" * 1400,
    "repeated schemes": "https://www." * 1300,
    "a digit run": "9" * 15_000,
    "digits and colons": "12:30 " * 2500,
    "spaces": " " * 15_000,
    "line breaks and tabs": " \n\t" * 5000,
    "nested brackets": "(" * 7000 + ")" * 7000,
    "punctuation": ".,;:!?([{" * 1600,
    "at signs": "@" * 15_000,
}


@pytest.mark.parametrize("padding", PADDING.values(), ids=PADDING.keys())
@pytest.mark.parametrize("where", ["before", "after"])
def test_a_booking_padded_with_hostile_text_reads_the_same(padding: str, where: str) -> None:
    text = f"{padding}\n{BOOKING}" if where == "before" else f"{BOOKING}\n{padding}"
    result = parse(text)
    assert len(text) <= MAX_CHARS
    assert result.restaurant_name == "Toit"
    assert (result.area, result.city) == ("Indiranagar", "Bengaluru")
    assert result.starts_at == datetime(2026, 12, 12, 19, 30, tzinfo=IST)
    assert (result.party_size, result.swiggy_restaurant_id) == (4, "1271281")
    assert result.source == "swiggy_dineout"


@pytest.mark.parametrize("padding", PADDING.values(), ids=PADDING.keys())
def test_hostile_text_alone_reads_as_nothing(padding: str) -> None:
    result = parse(padding)
    assert (result.restaurant_name, result.starts_at, result.party_size) == (None, None, None)
    assert result.swiggy_restaurant_id is None


def test_repeated_link_endings_are_not_links() -> None:
    assert find_urls(".co/" * 5000) == []


def test_a_link_ending_inside_a_bare_link_is_part_of_it_not_another_link() -> None:
    text = "swiggy.com/restaurants/toit-1271281/" + "x.com/" * 3000
    urls = find_urls(text)
    assert [(url.start, url.end, url.host) for url in urls] == [(0, len(text), "swiggy.com")]
    assert swiggy_restaurant_id(urls) == "1271281"


def test_only_the_start_of_an_overlong_link_is_read_but_all_of_it_is_blanked() -> None:
    link = "https://www.swiggy.com/restaurants/toit-1271281?utm=" + "Kebab%20Palace%20" * 1000
    text = f"Table for 4 at Toit, Indiranagar on 12 Dec 2026 8 pm {link} thanks"
    (url,) = find_urls(text)
    assert url.end - url.start == len(link)
    assert len(url.decoded) <= MAX_URL_CHARS
    assert without_urls(text, [url]).split()[-1] == "thanks"
    assert "Kebab" not in without_urls(text, [url])
    assert parse(text).swiggy_restaurant_id == "1271281"


class _ExplodingNow(datetime):
    """A reference time that fails whenever the parser uses it: a failure from inside."""

    def astimezone(self, tz: Any = None) -> datetime:
        raise RuntimeError("boom")


def test_an_unexpected_failure_returns_an_empty_result_instead_of_raising(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = _ExplodingNow(2026, 12, 1, 12, 0, tzinfo=UTC)
    result = parse_booking("Table for 4 at Toit tomorrow 8pm", now=now, tz=ZoneInfo("Asia/Kolkata"))
    assert result.restaurant_name is None and result.starts_at is None
    assert result.warnings == (parser.PARSER_FAILED,)
    assert "booking parser failed" in caplog.text


# Realistic texts the samples do not have --------------------------------------------------

REALISTIC = [
    (
        "Your Dineout booking at Mainland China, Koramangala, Bangalore is confirmed for 2 on "
        "Sat, 12 Dec at 8:00 PM. Booking ID: 123456789",
        {"source": "swiggy_dineout", "restaurant_name": "Mainland China", "area": "Koramangala",
         "city": "Bengaluru", "starts_at": "2026-12-12T20:00:00+05:30", "party_size": 2,
         "booking_id": "123456789"},
    ),
    (
        "Hi Rahul, your table at Toit, Indiranagar is booked for Sat, 12 Dec, 8:00 PM for 4 "
        "guests. Booking ID: DIST12345 | District",
        {"source": "district", "restaurant_name": "Toit", "area": "Indiranagar",
         "starts_at": "2026-12-12T20:00:00+05:30", "party_size": 4, "booking_id": "DIST12345"},
    ),
    (
        "I've booked a table at Farzi Cafe for 4 people on Saturday, 12 December at 8:00 PM via "
        "Zomato",
        {"source": "zomato", "restaurant_name": "Farzi Cafe",
         "starts_at": "2026-12-12T20:00:00+05:30", "party_size": 4},
    ),
    (
        "Dear Priya,\nYour booking at Smoke House Deli, Lavelle Road, Bengaluru is confirmed.\n"
        "Date: 12 Dec 2026\nTime: 8:00 PM\nNo. of Guests: 3\nBooking ID: EZD7654321\n"
        "Team EazyDiner",
        {"source": "eazydiner", "restaurant_name": "Smoke House Deli", "area": "Lavelle Road",
         "city": "Bengaluru", "starts_at": "2026-12-12T20:00:00+05:30", "party_size": 3,
         "booking_id": "EZD7654321"},
    ),
    (
        "You're all set!\nJoe's Pizza\nSaturday, December 12, 2026 at 7:30 PM\nParty of 2\n"
        "Confirmation #: 112233\nOpenTable",
        {"source": "opentable", "restaurant_name": "Joe's Pizza",
         "starts_at": "2026-12-12T19:30:00+05:30", "party_size": 2, "booking_id": "112233"},
    ),
    (
        "Reservation confirmed\nRestaurant: The Bombay Canteen\nAddress: Kamala Mills, Lower "
        "Parel, Mumbai 400013\nDate: 12/12/2026\nTime: 20:30\nGuests: 5",
        {"restaurant_name": "The Bombay Canteen", "area": "Lower Parel", "city": "Mumbai",
         "starts_at": "2026-12-12T20:30:00+05:30", "party_size": 5},
    ),
    (
        "booked dinner for 6 at 9 pm tmrw at Bombay Brasserie, Khan Market, Delhi",
        {"restaurant_name": "Bombay Brasserie", "area": "Khan Market", "city": "New Delhi",
         "starts_at": "2026-11-25T21:00:00+05:30", "party_size": 6},
    ),
    (
        "Your reservation with Reserve with Google at Olive Bar & Kitchen, Mehrauli, New Delhi is "
        "confirmed for Friday, 11 December 2026 at 1:30 PM. Party size: 3",
        {"source": "google", "restaurant_name": "Olive Bar & Kitchen", "area": "Mehrauli",
         "city": "New Delhi", "starts_at": "2026-12-11T13:30:00+05:30", "party_size": 3},
    ),
    (
        "Booking Confirmed!\nThe Fatty Bao\nIndiranagar, Bangalore\nSun, 13 Dec | 12:30 PM\n"
        "2 Guests\nBooking ID SW12345678",
        {"restaurant_name": "The Fatty Bao", "area": "Indiranagar", "city": "Bengaluru",
         "starts_at": "2026-12-13T12:30:00+05:30", "party_size": 2, "booking_id": "SW12345678"},
    ),
    (
        "Booking for 2 adults and 1 child at Karavalli, Residency Road, Bengaluru on 20 Dec 2026 "
        "at 7 PM",
        {"restaurant_name": "Karavalli", "area": "Residency Road", "city": "Bengaluru",
         "starts_at": "2026-12-20T19:00:00+05:30", "party_size": 3},
    ),
    (
        "Next Saturday 7pm at Social, Koramangala — table for 8. Call 9845012345 if late.",
        {"restaurant_name": "Social", "area": "Koramangala",
         "starts_at": "2026-11-28T19:00:00+05:30", "party_size": 8, "booking_id": None},
    ),
    (
        "Reservation at Le Cinq, Paris on 2026-12-15 19:30, table for 2, ref ABCD1234",
        {"restaurant_name": "Le Cinq", "city": "Paris", "starts_at": "2026-12-15T19:30:00+05:30",
         "party_size": 2, "booking_id": "ABCD1234"},
    ),
    (
        "Reminder: Today at 7:00 PM - table for 2 at Hakkasan, Bandra West, Mumbai",
        {"restaurant_name": "Hakkasan", "area": "Bandra West", "city": "Mumbai",
         "starts_at": "2026-11-24T19:00:00+05:30", "party_size": 2},
    ),
    (
        "Kal shaam 7 baje Barbeque Nation, Sector 29, Gurgaon - 10 log",
        {"restaurant_name": "Barbeque Nation", "area": "Sector 29", "city": "Gurugram",
         "starts_at": "2026-11-25T19:00:00+05:30", "party_size": 10},
    ),
    (
        "Table for 3 on 05/06/2027 at 8 pm at Café Lota, Pragati Maidan, New Delhi",
        {"restaurant_name": "Café Lota", "area": "Pragati Maidan", "city": "New Delhi",
         "starts_at": "2027-06-05T20:00:00+05:30", "party_size": 3},
    ),
    (
        "25 Dec, 1 PM, Party of 12 — Indigo, Colaba, Mumbai",
        {"restaurant_name": "Indigo", "area": "Colaba", "city": "Mumbai",
         "starts_at": "2026-12-25T13:00:00+05:30", "party_size": 12},
    ),
    (
        "Hi, reserving a table for four at The Permit Room tonight at 8.30 pm. Thanks!",
        {"restaurant_name": "The Permit Room", "starts_at": "2026-11-24T20:30:00+05:30",
         "party_size": 4},
    ),
    (
        "Swiggy Dineout: Your booking ID SD123456 at Truffles, Koramangala, Bengaluru for 5 guests "
        "on 20 Dec, 12:30 PM is confirmed.",
        {"source": "swiggy_dineout", "restaurant_name": "Truffles", "area": "Koramangala",
         "city": "Bengaluru", "starts_at": "2026-12-20T12:30:00+05:30", "party_size": 5,
         "booking_id": "SD123456"},
    ),
    (
        "Your booking is confirmed!\nRestaurant: Mamagoto\nOutlet: Khan Market, New Delhi\n"
        "Date & Time: Sunday, 13 December 2026, 1:00 PM\nGuests: 4\nBooking ID: MG-2211",
        {"restaurant_name": "Mamagoto", "area": "Khan Market", "city": "New Delhi",
         "starts_at": "2026-12-13T13:00:00+05:30", "party_size": 4, "booking_id": "MG-2211"},
    ),
    (
        "Hey guys! Booked Toit for Saturday 8pm, 6 people. Address: 298, 100 Feet Road, "
        "Indiranagar, Bengaluru 560038",
        {"restaurant_name": "Toit", "area": "Indiranagar", "city": "Bengaluru",
         "starts_at": "2026-11-28T20:00:00+05:30", "party_size": 6},
    ),
    (
        "Booking summary\nToit Brewpub\nIndiranagar, Bengaluru\nTomorrow, 25 Nov\n8:00 PM\n"
        "Table for 6",
        {"restaurant_name": "Toit Brewpub", "area": "Indiranagar", "city": "Bengaluru",
         "starts_at": "2026-11-25T20:00:00+05:30", "party_size": 6},
    ),
    (
        "Booking confirmed 🎉\n📍 Bastian, Bandra West, Mumbai\n📅 Sat, 19 Dec\n⏰ 9:00 PM\n"
        "👥 6 guests",
        {"restaurant_name": "Bastian", "area": "Bandra West", "city": "Mumbai",
         "starts_at": "2026-12-19T21:00:00+05:30", "party_size": 6},
    ),
    (
        "Booking Confirmed | Toit | Indiranagar, Bengaluru | 12 Dec 2026, 8:00 PM | 4 Guests",
        {"restaurant_name": "Toit", "area": "Indiranagar", "city": "Bengaluru",
         "starts_at": "2026-12-12T20:00:00+05:30", "party_size": 4},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), REALISTIC, ids=[t[:40] for t, _ in REALISTIC])
def test_realistic_texts(text: str, expected: dict[str, object]) -> None:
    result = parse(text)
    got = {field: getattr(result, field) for field in expected}
    if got.get("starts_at") is not None:
        got["starts_at"] = got["starts_at"].isoformat()
    assert got == expected
