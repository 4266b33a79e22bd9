"""Which Google Maps Platform SKU a Places API (New) request is billed at.

Text Search (New) and Place Details (New) requests are billed at the highest tier among the
fields their field mask names ("About field masks",
https://developers.google.com/maps/documentation/places/web-service/usage-and-billing); each
field's tier per endpoint is in "Place Data Fields (New)"
(https://developers.google.com/maps/documentation/places/web-service/data-fields). Only fields
we ask for, or came close to asking for, are listed: a field missing here is an error, so adding
one to a mask means looking up what it costs. A Place Photos (New) media request is a SKU of
its own, "Place Details Photos" (https://developers.google.com/maps/billing-and-pricing/sku-details/places).
"""

from __future__ import annotations

from collections.abc import Iterable

TEXT_SEARCH = "text_search"
PLACE_DETAILS = "place_details"
PLACE_DETAILS_PHOTOS = "place_details_photos"

TIERS = ("essentials_ids_only", "essentials", "pro", "enterprise", "enterprise_atmosphere")

_IDS, _ESSENTIALS, _PRO, _ENTERPRISE, _ATMOSPHERE = TIERS
_CONTACT = {"websiteUri": _ENTERPRISE, "nationalPhoneNumber": _ENTERPRISE}
_ENTERPRISE_DATA = {
    "rating": _ENTERPRISE,
    "userRatingCount": _ENTERPRISE,
    "priceLevel": _ENTERPRISE,
}
_ATMOSPHERE_DATA = {"reviews": _ATMOSPHERE, "editorialSummary": _ATMOSPHERE}

FIELD_TIERS: dict[str, dict[str, str]] = {
    TEXT_SEARCH: {
        "id": _IDS,
        "name": _IDS,
        "displayName": _PRO,
        "formattedAddress": _PRO,
        "location": _PRO,
        "types": _PRO,
        "googleMapsUri": _PRO,
        "photos": _PRO,
        **_ENTERPRISE_DATA,
        **_CONTACT,
        **_ATMOSPHERE_DATA,
    },
    PLACE_DETAILS: {
        "id": _IDS,
        "name": _IDS,
        "formattedAddress": _ESSENTIALS,
        "location": _ESSENTIALS,
        "types": _ESSENTIALS,
        "photos": _ESSENTIALS,
        "displayName": _PRO,
        "googleMapsUri": _PRO,
        **_ENTERPRISE_DATA,
        **_CONTACT,
        **_ATMOSPHERE_DATA,
    },
}


def sku(endpoint: str, fields: Iterable[str]) -> str:
    """The SKU a request with this field mask is billed at, e.g. "text_search_enterprise".

    Fields as the mask names them ("places.rating" for Text Search, "rating" for details)."""
    tiers = FIELD_TIERS[endpoint]
    named = [field.removeprefix("places.").split(".")[0] for field in fields]
    unknown = [field for field in named if field not in tiers]
    if unknown or not named:
        raise ValueError(f"no {endpoint} tier known for {unknown or 'an empty mask'}")
    return f"{endpoint}_{max((tiers[field] for field in named), key=TIERS.index)}"
