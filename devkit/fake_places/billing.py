"""The SKU Google bills a Places API (New) request at, as the fake tallies it.

Text Search (New) and Place Details (New) are billed at the highest tier among the fields the
field mask names ("About field masks", Places API usage and billing); the tiers are those of
"Place Data Fields (New)" (developers.google.com/maps/documentation/places/web-service/
data-fields), grouped here by the fields that are not Pro. A photo media request is billed as
"Place Details Photos". Kept apart from the workers' own table on purpose: a test compares the
two counts.
"""

from __future__ import annotations

_TIERS = ("essentials_ids_only", "essentials", "pro", "enterprise", "enterprise_atmosphere")
_IDS_ONLY = frozenset({"id", "name", "attributions", "nextPageToken"})
# Place Details Essentials: address and location data (Text Search bills these as Pro).
_DETAILS_ESSENTIALS_NAMES = (
    "addressComponents adrFormatAddress formattedAddress location photos plusCode postalAddress "
    "shortFormattedAddress types viewport"
)
_ENTERPRISE_NAMES = (
    "rating userRatingCount priceLevel priceRange websiteUri nationalPhoneNumber "
    "internationalPhoneNumber regularOpeningHours"
)
_ATMOSPHERE_NAMES = (
    "reviews editorialSummary servesBeer servesWine servesVegetarianFood reservable takeout "
    "delivery dineIn outdoorSeating goodForGroups"
)
_DETAILS_ESSENTIALS = frozenset(_DETAILS_ESSENTIALS_NAMES.split())
_ENTERPRISE = frozenset(_ENTERPRISE_NAMES.split())
_ATMOSPHERE = frozenset(_ATMOSPHERE_NAMES.split())


def sku_of(endpoint: str, mask: str) -> str | None:
    """The SKU, as "text_search_enterprise" or "place_details_photos"; None for no mask."""
    if endpoint == "media":
        return "place_details_photos"
    prefix, name = ("places.", "text_search") if endpoint == "search" else ("", "place_details")
    fields = [part.strip().removeprefix(prefix).split(".")[0] for part in mask.split(",")]
    tiers = [_tier(field, details=endpoint == "details") for field in fields if field]
    return f"{name}_{max(tiers, key=_TIERS.index)}" if tiers else None


def _tier(field: str, *, details: bool) -> str:
    if field == "*":
        return _TIERS[-1]
    if field in _IDS_ONLY:
        return "essentials_ids_only"
    if details and field in _DETAILS_ESSENTIALS:
        return "essentials"
    if field in _ENTERPRISE:
        return "enterprise"
    if field in _ATMOSPHERE:
        return "enterprise_atmosphere"
    return "pro"
