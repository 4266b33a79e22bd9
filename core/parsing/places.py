"""The restaurant's name, area and city: the most trusted reading of the text, with the city
filled in from other readings or the restaurant link when that reading lacks one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

from core.parsing.guesses import ADDRESS, AT_PHRASE_WITH_CITY, Guess
from core.parsing.layout import (
    dash_table_guesses,
    labelled_guesses,
    row_guesses,
    screen_guesses,
)
from core.parsing.names import capitalise, looks_like_name, tidy
from core.parsing.phrases import at_phrase_guesses, city_run_guesses
from core.parsing.slugs import LinkHint
from core.parsing.spans import Spans

NAME_FROM_LINK = "restaurant name guessed from the link; check it"
_GUESSES_PER_KIND = 8


@dataclass(frozen=True, slots=True)
class Place:
    name: str | None = None
    area: str | None = None
    city: str | None = None
    warnings: tuple[str, ...] = ()


def find_place(text: str, folded: str, *, busy: Spans, hint: LinkHint) -> Place:
    """From the prose and its lower-cased twin (same offsets), with dates, times and party
    sizes marked busy so no name runs into them."""
    place = _best_reading(text, folded, busy=busy, hint=hint)
    return Place(
        _capitalised(place.name), _capitalised(place.area), _capitalised(place.city), place.warnings
    )


def _capitalised(text: str | None) -> str | None:
    return None if text is None else capitalise(text)


def _best_reading(text: str, folded: str, *, busy: Spans, hint: LinkHint) -> Place:
    # Ties go to the earliest reading, so a few of each kind are enough; and nothing beats
    # the first name with its city after 'at', so once it is found the rest is not read.
    guesses: list[Guess] = []
    for guess in islice(at_phrase_guesses(text, folded, busy), _GUESSES_PER_KIND):
        guesses.append(guess)
        if guess.strength == AT_PHRASE_WITH_CITY:
            break
    else:
        for kind in (
            screen_guesses(text, busy),
            row_guesses(text, busy),
            labelled_guesses(text, folded),
            dash_table_guesses(text, folded, busy),
            city_run_guesses(text, folded, busy),
        ):
            guesses += islice(kind, _GUESSES_PER_KIND)
    ranked = sorted(guesses, key=lambda guess: -guess.strength)  # stable: earlier wins ties
    best = next((guess for guess in ranked if guess.name), None)
    if best is None:
        name, warnings = _name_from_link(text, hint.words)
        donor = next((guess for guess in ranked if guess.city), None)
        return Place(name, None, donor.city if donor else hint.city, warnings)
    if best.city:
        return Place(best.name, best.area or _area_of_same(best, ranked), best.city)
    return _with_city_from_elsewhere(best, ranked, hint)


def _area_of_same(best: Guess, ranked: Sequence[Guess]) -> str | None:
    """An area another reading gave the same restaurant: 'Toit, Indiranagar' further down."""
    same = (best.name or "").casefold()
    return next((g.area for g in ranked if g.area and (g.name or "").casefold() == same), None)


def _with_city_from_elsewhere(best: Guess, ranked: Sequence[Guess], hint: LinkHint) -> Place:
    """The best reading named no city: take one, with its area, from an address line or the
    restaurant link ('Restaurant: X' then 'Address: Kamala Mills, Lower Parel, Mumbai')."""
    area = best.area or _area_of_same(best, ranked)
    donor = next((guess for guess in ranked if guess.city), None)
    if donor is None:
        return Place(best.name, area, hint.city)
    if area is None and donor.strength == ADDRESS and donor.name != best.name:
        area = donor.name  # 'Location: BKC, Mumbai': the one part before the city is the area
    return Place(best.name, area or donor.area, donor.city)


def _name_from_link(text: str, words: Sequence[str]) -> tuple[str | None, tuple[str, ...]]:
    """The slug's words as the text spells them, if it does; otherwise title-cased, flagged."""
    if not words:
        return None, ()
    for count in range(len(words), 0, -1):
        if count == 1 and len(words) > 1:
            break  # one common word ('the', 'cafe') matching proves nothing
        spelled = re.search(
            r"\b" + r"[\s-]+".join(map(re.escape, words[:count])) + r"\b", text, re.IGNORECASE
        )
        if spelled is not None and looks_like_name(tidy(spelled.group()), allow_lowercase=True):
            return tidy(spelled.group()), ()
    guess = " ".join(words)
    if not looks_like_name(guess, allow_lowercase=True):
        return None, ()
    return guess, (NAME_FROM_LINK,)
