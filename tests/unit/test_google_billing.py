"""What each Google request costs: the SKU its field mask is billed at."""

from __future__ import annotations

import pytest

from devkit.fake_places import billing as fake_billing
from workers.providers import google_billing, google_places
from workers.providers.google_billing import PLACE_DETAILS, TEXT_SEARCH, sku


def test_a_lookup_is_billed_as_one_enterprise_text_search() -> None:
    assert google_places.SEARCH_SKU == "text_search_enterprise"
    assert google_places.DETAILS_SKU == "place_details_enterprise"


def test_the_rating_is_what_puts_the_search_at_the_enterprise_tier() -> None:
    without = [f for f in google_places.SEARCH_FIELDS if f not in _ENTERPRISE_FIELDS]

    assert sku(TEXT_SEARCH, without) == "text_search_pro"
    assert sku(TEXT_SEARCH, ["places.id"]) == "text_search_essentials_ids_only"
    assert sku(PLACE_DETAILS, ["formattedAddress", "location"]) == "place_details_essentials"


def test_the_two_calls_we_used_to_make_were_a_pro_search_and_an_enterprise_details() -> None:
    old_search = ["places.id", "places.displayName", "places.formattedAddress", "places.location"]
    assert sku(TEXT_SEARCH, [*old_search, "places.types"]) == "text_search_pro"
    assert sku(PLACE_DETAILS, google_places.DETAILS_FIELDS) == "place_details_enterprise"


def test_a_field_of_unknown_cost_is_refused() -> None:
    with pytest.raises(ValueError, match="currentOpeningHours"):
        sku(TEXT_SEARCH, ["places.id", "places.currentOpeningHours"])
    with pytest.raises(ValueError, match="empty mask"):
        sku(PLACE_DETAILS, [])


@pytest.mark.parametrize(
    ("endpoint", "fields"),
    [
        (TEXT_SEARCH, google_places.SEARCH_FIELDS),
        (PLACE_DETAILS, google_places.DETAILS_FIELDS),
        (TEXT_SEARCH, ("places.id", "places.displayName")),
        (PLACE_DETAILS, ("id", "formattedAddress")),
        (PLACE_DETAILS, ("id",)),
    ],
)
def test_the_fake_bills_as_we_count(endpoint: str, fields: tuple[str, ...]) -> None:
    fake_endpoint = "search" if endpoint == TEXT_SEARCH else "details"
    assert fake_billing.sku_of(fake_endpoint, ",".join(fields)) == sku(endpoint, fields)


_ENTERPRISE_FIELDS = {
    f"places.{field}"
    for field, tier in google_billing.FIELD_TIERS[TEXT_SEARCH].items()
    if tier == "enterprise"
}
