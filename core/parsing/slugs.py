"""What a booking app's restaurant link says about the place: its city, and slug words.

'swiggy.com/restaurants/tasty-restaurant-layout-btm-bangalore-465184' names the city exactly;
the words before it run the restaurant's name and area together, so they are only a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.parsing.cities import canonical_city, trailing_city
from core.parsing.urls import Url, is_swiggy

_PLACE_HOSTS = ("zomato.com", "eazydiner.com", "dineout.co.in", "district.in", "opentable.com")
_TRAILING_ID = re.compile(r"-(?:rest)?\d{3,12}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_NOT_A_SLUG = frozenset({"dineout", "book", "info", "menu", "order", "reviews", "photos"})
_DIRECTIONS = frozenset({"central", "north", "south", "east", "west"})


@dataclass(frozen=True, slots=True)
class LinkHint:
    city: str | None = None
    words: tuple[str, ...] = ()  # slug words before the city: the name, often with the area


def link_hint(urls: Sequence[Url]) -> LinkHint:
    """The hint from the first restaurant link, Swiggy's first because it is the booking's."""
    ordered = sorted(urls, key=lambda url: not is_swiggy(url))
    for url in ordered:
        if is_swiggy(url) or url.is_on(*_PLACE_HOSTS):
            hint = _hint_from(url)
            if hint.city is not None or hint.words:
                return hint
    return LinkHint()


def _hint_from(url: Url) -> LinkHint:
    segments = url.segments
    city = next((c for c in map(_segment_city, segments) if c is not None), None)
    slug = next((s for s in reversed(segments) if _is_slug(s)), None)
    if slug is None:
        return LinkHint(city=city)
    words = _TRAILING_ID.sub("", slug).split("-")
    found = trailing_city(words)
    if found is not None:
        slug_city, count = found
        words = words[:-count]
        city = city or slug_city
    while words and words[-1] in _DIRECTIONS:
        words = words[:-1]
    return LinkHint(city=city, words=tuple(words[:8]))


def _segment_city(segment: str) -> str | None:
    return canonical_city(segment.replace("-", " "))


def _is_slug(segment: str) -> bool:
    return segment not in _NOT_A_SLUG and bool(_SLUG.match(segment))
