"""Properties of the booking parser over arbitrary input: it always answers, and sanely.

The parser guards itself with a last-resort handler that turns an unexpected exception into an
empty result. That handler must not be what makes these tests pass, so every property also
checks that its warning never appears.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.parsing import ParseResult, parse_booking
from core.parsing.parser import PARSER_FAILED
from core.parsing.result import SOURCES

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "bookings.json"
TEXTS = [case["text"] for case in json.loads(SAMPLES.read_text(encoding="utf-8"))["cases"]]
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
ZONES = st.sampled_from(["Asia/Kolkata", "Europe/Lisbon", "America/New_York", "UTC"])

# Pieces of real confirmations, and the characters that make pastes messy.
FRAGMENTS = sorted({word for text in TEXTS for word in text.split(" ")})
NOISE = [
    "\n", "\r\n", " ", "\u00a0", "\u202f", "\u2009", "\u200b", "\u200d", "\ufeff", "–", "—", "−",
    "०", "९", "２", "“", "’", "🍽️", "📍", "🙏", "[", "]", "|", "·", "@", "at ", ", ", ": ", "-",
    "pm", "AM", "hrs", "baje", "बजे", "Dec", "12/12", "31/02/2026", "for", "guests", "%", "₹",
    "https://", "swiggy.com/restaurants/", "-rest", "%2F", "details/", "Booking ID", "Sat",
]  # fmt: skip
MIXED = st.lists(
    st.sampled_from(FRAGMENTS) | st.sampled_from(NOISE) | st.text(max_size=4), max_size=80
).map("".join)
SAMPLE_MUTANT = st.tuples(st.sampled_from(TEXTS), st.integers(0, 400), st.text(max_size=20)).map(
    lambda parts: parts[0][: parts[1]] + parts[2] + parts[0][parts[1] :]
)
LONG = st.tuples(MIXED, st.integers(50, 400)).map(lambda parts: (parts[0] or "x ") * parts[1])

FAST = settings(
    max_examples=300,
    deadline=timedelta(milliseconds=400),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def assert_sane(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    assert PARSER_FAILED not in result.warnings, "the last-resort handler answered"
    assert result.source in SOURCES
    assert result.party_size is None or 1 <= result.party_size <= 50
    assert result.swiggy_restaurant_id is None or result.swiggy_restaurant_id.isdigit()
    assert result.starts_at is None or result.starts_at.utcoffset() is not None
    assert all(isinstance(warning, str) and warning for warning in result.warnings)
    for text in (result.restaurant_name, result.area, result.city, result.offer, result.booking_id):
        assert text is None or (text.strip() == text and text)


@FAST
@given(text=st.text(), zone=ZONES)
def test_any_text_gives_a_sane_result(text: str, zone: str) -> None:
    assert_sane(parse_booking(text, now=NOW, tz=ZoneInfo(zone)))


@FAST
@given(text=st.text(st.characters(codec="utf-8"), max_size=300))
def test_any_unicode_gives_a_sane_result(text: str) -> None:
    assert_sane(parse_booking(text, now=NOW, tz=ZoneInfo("Asia/Kolkata")))


@FAST
@given(text=MIXED, zone=ZONES)
def test_mixed_sample_fragments_give_a_sane_result(text: str, zone: str) -> None:
    assert_sane(parse_booking(text, now=NOW, tz=ZoneInfo(zone)))


@FAST
@given(text=SAMPLE_MUTANT)
def test_mutated_samples_give_a_sane_result(text: str) -> None:
    assert_sane(parse_booking(text, now=NOW, tz=ZoneInfo("Asia/Kolkata")))


@settings(FAST, max_examples=60)
@given(text=LONG)
def test_long_pastes_give_a_sane_result(text: str) -> None:
    assert_sane(parse_booking(text, now=NOW, tz=ZoneInfo("Asia/Kolkata")))


@FAST
@given(text=MIXED)
def test_the_parser_is_pure(text: str) -> None:
    first = parse_booking(text, now=NOW, tz=ZoneInfo("Asia/Kolkata"))
    assert parse_booking(text, now=NOW, tz=ZoneInfo("Asia/Kolkata")) == first


@FAST
@given(
    text=st.sampled_from(TEXTS),
    now=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31)),
    zone=ZONES,
)
def test_any_reference_time_gives_a_sane_result(text: str, now: datetime, zone: str) -> None:
    result = parse_booking(text, now=now, tz=ZoneInfo(zone))
    assert_sane(result)
    assert result.starts_at is None or result.starts_at.tzinfo == ZoneInfo(zone)
