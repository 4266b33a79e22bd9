"""parse_booking: a pasted booking confirmation in, a ParseResult out. Pure, and never raises."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from core.parsing.booking_ids import find_booking_id
from core.parsing.clock import find_times
from core.parsing.dates import find_dates
from core.parsing.normalize import clean_text, strip_chat_prefixes
from core.parsing.offers import find_offer
from core.parsing.party import choose_party_size, find_party_mentions
from core.parsing.places import find_place
from core.parsing.result import ParseResult
from core.parsing.slugs import link_hint
from core.parsing.sources import detect_source
from core.parsing.spans import Spans
from core.parsing.urls import find_urls, swiggy_restaurant_id, without_urls
from core.parsing.when import choose_start, day_first_for

NO_NAME = "no restaurant name found"
NO_PARTY_SIZE = "no party size found"
PARSER_FAILED = "the text could not be read; please fill in the details"

logger = logging.getLogger(__name__)


def parse_booking(text: str, *, now: datetime, tz: ZoneInfo) -> ParseResult:
    """Read what a booking confirmation says; unknown values are None and named in warnings.

    A date without a year is the next such date on or after `now` in `tz`.
    """
    try:
        return _parse(text, now=now, tz=tz)
    except Exception:
        # Defence in depth only: the finders are written not to raise, and the property tests
        # check this path is never what answers. A bad paste must still get a page, not a 500.
        logger.exception("booking parser failed on a %d-character text", len(text))
        return _unreadable()


def _parse(text: str, *, now: datetime, tz: ZoneInfo) -> ParseResult:
    cleaned, notes = clean_text(text)
    urls = find_urls(cleaned)
    prose = strip_chat_prefixes(without_urls(cleaned, urls))
    folded = prose.lower()  # same length: the finders match on it and cut from prose
    dates = find_dates(folded, day_first=day_first_for(tz))
    times = find_times(folded)
    parties = find_party_mentions(folded)
    start = choose_start(dates, times, now=now, tz=tz)
    party_size = choose_party_size(parties)
    busy = Spans.of(dates, times, parties)
    place = find_place(prose, folded, busy=busy, hint=link_hint(urls))
    warnings = (
        *notes,
        *(() if place.name else (NO_NAME,)),
        *start.warnings,
        *(() if party_size else (NO_PARTY_SIZE,)),
        *place.warnings,
    )
    return ParseResult(
        source=detect_source(folded, urls),
        restaurant_name=place.name,
        area=place.area,
        city=place.city,
        swiggy_restaurant_id=swiggy_restaurant_id(urls),
        starts_at=start.at,
        party_size=party_size,
        booking_id=find_booking_id(prose, folded),
        offer=find_offer(prose, folded),
        warnings=warnings,
    )


def _unreadable() -> ParseResult:
    return ParseResult(
        source="unknown",
        restaurant_name=None,
        area=None,
        city=None,
        swiggy_restaurant_id=None,
        starts_at=None,
        party_size=None,
        booking_id=None,
        offer=None,
        warnings=(PARSER_FAILED,),
    )
