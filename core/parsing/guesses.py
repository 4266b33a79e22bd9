"""A guess at the restaurant, its area and city, and how comma-separated parts become one.

Indian addresses run from specific to general: 'The Happy Yard, Jubilee Hills, Hyderabad'. The
first part is the restaurant, the last a city (perhaps followed by a state or PIN), and the part
just before the city the area.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.parsing.cities import canonical_city, is_region, trailing_city
from core.parsing.names import (
    looks_like_address,
    looks_like_name,
    tidy,
    tidy_area,
    tidy_name,
    unshout,
)

# How far each way of finding a restaurant is trusted, highest first.
AT_PHRASE_WITH_CITY = 8  # '... at Bastian, Worli, Mumbai is confirmed'
SCREEN_WITH_CITY = 7  # an app screen: 'Kruti Coffee' then 'Nayapalli, Bhubaneswar'
LABELLED = 6  # 'Restaurant: Bastian'
DASH_TABLE = 5  # 'Cervejaria Ramiro - table for 4'
AT_PHRASE = 4  # 'Your reservation at Aranyam is confirmed'
SCREEN = 3  # an app screen whose city is not in our list
NAME_LINE = 3  # a name on its own line right above the date ('Joe's Pizza' then 'Saturday, ...')
ROW = 3  # a summary row: 'Toit, Indiranagar | Sat, 12 Dec | 8:00 PM | 4 guests'
ROW_WITH_CITY = 7
CITY_RUN = 2  # '2 guests, Dum Pukht, ITC Maurya, New Delhi'
ADDRESS = 1  # 'Av. Almirante Reis 1, Lisbon': a city, no name

_BRACKETED_AREA = re.compile(r"^(?P<name>[^()]+?) \((?P<area>[^()]{2,40})\)$")
_PLAIN_PLACE = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+){0,2}$")


@dataclass(frozen=True, slots=True)
class Guess:
    strength: int
    name: str | None
    area: str | None = None
    city: str | None = None


def guess_from_parts(
    parts: Sequence[str], *, strength: int, with_city: int | None = None, lowercase_ok: bool = False
) -> Guess | None:
    """Read 'Name, [Area, ...] [City] [State] [PIN]'.

    The guess has strength with_city when the city is one we know, else strength.
    """
    cleaned = [part for part in map(tidy, parts) if part]
    while len(cleaned) > 1 and is_region(cleaned[-1]):
        cleaned.pop()
    if not cleaned:
        return None
    cleaned[0] = tidy_name(cleaned[0])
    bracketed = _BRACKETED_AREA.match(cleaned[0])
    if bracketed is not None:  # 'Olive Bar & Kitchen (Mehrauli)' reads as 'Name, Area'
        cleaned[0:1] = [bracketed["name"], bracketed["area"]]
    name, city, rest = _split_city(cleaned)
    allow_lowercase = lowercase_ok or (city is not None and with_city is not None)
    if not looks_like_name(name, allow_lowercase=allow_lowercase) or canonical_city(name):
        return None
    area = tidy_area(rest[-1]) if rest else None
    known_city = city is not None and canonical_city(city) == city
    final_strength = with_city if known_city and with_city is not None else strength
    return Guess(final_strength, name, area, city)


def plain_place(text: str) -> bool:
    """One to three words of letters: what an unlisted town's name looks like."""
    return bool(_PLAIN_PLACE.match(text)) and not looks_like_address(text)


def _split_city(parts: Sequence[str]) -> tuple[str, str | None, Sequence[str]]:
    name, rest = parts[0], parts[1:]
    if rest:
        city = canonical_city(rest[-1])
        if city is not None:
            return name, city, rest[:-1]
        if len(rest) >= 2 and plain_place(rest[-1]):
            return name, unshout(rest[-1]), rest[:-1]
        return name, None, rest
    found = trailing_city(name.split())
    if found is None:
        return name, None, rest
    city, count = found
    return " ".join(name.split()[:-count]), city, rest
