from __future__ import annotations

import pytest

from workers.providers.base import Candidate, PlaceQuery
from workers.providers.matching import agrees, choose, name_similarity


def place(name: str, address: str | None = None, ref: str | None = None) -> Candidate:
    return Candidate(provider="google", ref=ref or name, name=name, address=address)


TOIT_MUMBAI = place("Toit Brewpub", "Kamala Mills, Lower Parel, Mumbai, Maharashtra 400013, India")
TOIT = place("Toit", "298, 100 Feet Rd, Indiranagar, Bengaluru, Karnataka 560038, India")
HAPPY_YARD_PUNE = place("The Happy Yard Cafe", "Lane 5, Koregaon Park, Pune 411001, India")
HAPPY_YARD = place("The Happy Yard", "Road No. 36, Jubilee Hills, Hyderabad 500033, India")


def test_the_right_place_is_chosen_when_it_is_not_the_first_result() -> None:
    query = PlaceQuery(name="Toit", area="Indiranagar", city="Bengaluru")

    assert choose(query, [TOIT_MUMBAI, TOIT]) == TOIT


def test_a_namesake_in_the_wrong_city_is_not_chosen_even_when_alone() -> None:
    query = PlaceQuery(name="The Happy Yard", area="Jubilee Hills", city="Hyderabad")

    assert choose(query, [HAPPY_YARD_PUNE]) is None
    assert choose(query, [HAPPY_YARD_PUNE, HAPPY_YARD]) == HAPPY_YARD


def test_none_when_no_name_looks_alike() -> None:
    query = PlaceQuery(name="Bastian", area="Worli", city="Mumbai")
    others = [
        place("Trishna", "Kala Ghoda, Fort, Mumbai 400001, India"),
        place("The Bombay Canteen", "Lower Parel, Mumbai 400013, India"),
    ]

    assert choose(query, others) is None


def test_no_candidates_means_no_choice() -> None:
    assert choose(PlaceQuery(name="Toit"), []) is None


@pytest.mark.parametrize(
    ("booked", "listed"),
    [
        ("Farzi Café", "Farzi Cafe"),
        ("FARZI CAFE", "Farzi"),
        ("The Bombay Canteen", "Bombay Canteen"),
        ("Toast & Tonic", "Toast and Tonic"),
        ("Smoke House Deli.", "Smoke House Deli"),
        ("Olive Beach Restaurant", "Olive Beach"),
    ],
)
def test_names_written_differently_are_the_same_name(booked: str, listed: str) -> None:
    assert name_similarity(booked, listed) == 1.0


def test_a_shortened_booked_name_still_matches_the_full_listing() -> None:
    query = PlaceQuery(name="Byg Brewski", area="Hennur", city="Bengaluru")
    listing = place("Byg Brewski Brewing Company", "Hennur Main Rd, Hennur, Bengaluru 560043")

    assert choose(query, [listing]) == listing


def test_city_aliases_and_local_names_count_as_the_same_city() -> None:
    toit = PlaceQuery(name="Toit", area="Indiranagar", city="Bangalore")
    ramiro = PlaceQuery(name="Cervejaria Ramiro", city="Lisbon")
    lisboa = place("Cervejaria Ramiro", "Av. Almirante Reis 1, 1150-007 Lisboa, Portugal")

    assert choose(toit, [TOIT_MUMBAI, TOIT]) == TOIT
    assert choose(ramiro, [lisboa]) == lisboa


def test_area_abbreviations_in_addresses_still_match() -> None:
    query = PlaceQuery(name="Olive Beach", area="Richmond Road", city="Bengaluru")
    listing = place("Olive Beach", "16, Wood St, off Richmond Rd, Bengaluru, Karnataka 560025")

    assert choose(query, [listing]) == listing


def test_without_area_or_city_the_name_alone_decides() -> None:
    query = PlaceQuery(name="Hunger Camp")
    listing = place("Hunger Camp", None)

    assert choose(query, [place("Hungry Birds"), listing]) == listing


def test_equal_scores_keep_the_providers_order() -> None:
    first = place("Toit", "Indiranagar, Bengaluru", ref="a")
    second = place("Toit", "Indiranagar, Bengaluru", ref="b")

    assert choose(PlaceQuery(name="Toit", city="Bengaluru"), [first, second]) == first


@pytest.mark.parametrize(
    ("query", "known", "expected"),
    [
        (PlaceQuery(name="Toit", area="Indiranagar", city="Bengaluru"), TOIT, True),
        (PlaceQuery(name="TOIT bar", area="Indiranagar", city="Bangalore"), TOIT, True),
        (PlaceQuery(name="Toit", area="Indiranagar", city="Bengaluru"), TOIT_MUMBAI, False),
        (PlaceQuery(name="Farzi Cafe", area="Jubilee Hills", city="Hyderabad"), TOIT, False),
        (PlaceQuery(name="The Happy Yard", city="Hyderabad"), HAPPY_YARD_PUNE, False),
    ],
)
def test_a_known_place_agrees_only_when_it_would_have_been_chosen(
    query: PlaceQuery, known: Candidate, expected: bool
) -> None:
    assert agrees(query, name=known.name, address=known.address) is expected
    assert (choose(query, [known]) == known) is expected
