"""Pick the provider result that is really the booked restaurant, or none of them.

Search engines always return *something*: the first result for "Toit, Indiranagar, Bengaluru"
may be a namesake in Mumbai. A candidate must look like the booked name, and the area and city
must show up in its address; a wrong photo on an invite is worse than no photo. A restaurant
already known (one another invite was matched to) must pass the same test to be reused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from typing import TypeVar

from core.parsing.cities import canonical_city, trailing_city
from workers.providers.base import Candidate, PlaceQuery

# Words that name the kind of place rather than the place: "The Happy Yard Cafe" is "happy yard".
_FILLER = frozenset({"the", "and", "restaurant", "restaurants", "cafe", "caffe"})
_ABBREVIATIONS = {"rd": "road", "st": "street", "ave": "avenue", "blvd": "boulevard"}
_NOT_WORD = re.compile(r"[^\w]+")
NAME_WEIGHT = 0.6
LOCALITY_WEIGHT = 0.4
# With the weights above: a perfect name alone is not enough when the query names a place, and
# an area or city match cannot rescue a name that only looks vaguely alike.
THRESHOLD = 0.7
MIN_NAME = 0.5
CONTAINED = 0.85  # every word of the booked name appears in a longer listed name

_Found = TypeVar("_Found", bound=Candidate)


def choose(query: PlaceQuery, candidates: Sequence[_Found]) -> _Found | None:
    """The best-scoring candidate, if it scores well enough; otherwise None."""
    scores = [score(query, candidate) for candidate in candidates]
    if not scores:
        return None
    best = max(range(len(scores)), key=scores.__getitem__)  # ties: the provider's order
    return candidates[best] if scores[best] >= THRESHOLD else None


def score(query: PlaceQuery, candidate: Candidate) -> float:
    return place_score(query, name=candidate.name, address=candidate.address)


def agrees(query: PlaceQuery, *, name: str, address: str | None) -> bool:
    """Whether a known place is the booked restaurant, by the test a search result must pass."""
    return place_score(query, name=name, address=address) >= THRESHOLD


def place_score(query: PlaceQuery, *, name: str, address: str | None) -> float:
    similarity = name_similarity(query.name, name)
    if similarity < MIN_NAME:
        return 0.0
    locality = locality_score(query, address or "")
    if locality is None:
        return similarity
    return NAME_WEIGHT * similarity + LOCALITY_WEIGHT * locality


def name_similarity(booked: str, listed: str) -> float:
    """1.0 for the same name however written; a share of common words otherwise."""
    ours, theirs = _name_words(booked), _name_words(listed)
    if not ours or not theirs:
        return 0.0
    common = len(set(ours) & set(theirs))
    shape = SequenceMatcher(None, " ".join(ours), " ".join(theirs)).ratio()
    overlap = 2 * common / (len(set(ours)) + len(set(theirs)))
    contained = CONTAINED if set(ours) <= set(theirs) else 0.0
    return max(shape, overlap, contained)


def locality_score(query: PlaceQuery, address: str) -> float | None:
    """Share of the booked area and city found in the address; None if the query has neither."""
    parts: list[float] = []
    if query.area:
        parts.append(_area_score(query.area, address))
    if query.city:
        parts.append(1.0 if _city_in(query.city, address) else 0.0)
    return sum(parts) / len(parts) if parts else None


def words(text: str) -> list[str]:
    """Lower-case words without accents or punctuation, '&' read as 'and'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return [_ABBREVIATIONS.get(word, word) for word in _NOT_WORD.sub(" ", bare).split()]


def _name_words(name: str) -> list[str]:
    all_words = words(name)
    # A name made only of filler ("The Cafe") is still a name.
    return [word for word in all_words if word not in _FILLER] or all_words


def _area_score(area: str, address: str) -> float:
    wanted = set(words(area)) - _FILLER
    if not wanted:
        return 0.0
    return len(wanted & set(words(address))) / len(wanted)


def _city_in(city: str, address: str) -> bool:
    wanted = canonical_city(city)
    if wanted is not None and wanted in _cities_named(address.split(",")):
        return True
    # Cities outside our table, or written differently: the words in order will do.
    return f" {' '.join(words(city))} " in f" {' '.join(words(address))} "


def _cities_named(parts: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for part in parts:
        city = canonical_city(part.strip())
        # "1150-007 Lisboa": the city follows a postcode inside one part.
        trailing = trailing_city(part.split())
        found.update(name for name in (city, trailing and trailing[0]) if name)
    return found
