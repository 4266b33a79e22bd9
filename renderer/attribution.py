"""The credits the providers' terms ask for, wherever their data is shown: page, OG image, .ics.

Google Maps Platform ("Policies and attributions for Places API",
https://developers.google.com/maps/documentation/places/web-service/policies): Places data
shown without a Google map carries the Google Maps attribution (the logo, or the text "Google
Maps" as it is, untranslated, where the logo is not used), and a photo carries its author's
name, linked to their profile when Google gives one.
OpenStreetMap (https://osmfoundation.org/wiki/Licence/Attribution_Guidelines): data shown
carries "© OpenStreetMap contributors", linked to the copyright page where links are possible.
"""

from __future__ import annotations

from renderer.links import web_link
from renderer.model import GOOGLE_MAPS, OPENSTREETMAP, Restaurant

GOOGLE_MAPS_TEXT = "Google Maps"
OSM_TEXT = "© OpenStreetMap contributors"
OSM_COPYRIGHT_URL = "https://www.openstreetmap.org/copyright"
_NAMES = {GOOGLE_MAPS: GOOGLE_MAPS_TEXT, OPENSTREETMAP: OSM_TEXT}


def page_source(restaurant: Restaurant) -> str | None:
    """The provider whose data the page shows (a fact, a link, the address, the photo)."""
    shown = (
        restaurant.address,
        restaurant.rating,
        restaurant.rating_count,
        restaurant.price_level,
        restaurant.maps_uri,
        restaurant.website,
        restaurant.photo,
    )
    return _source(restaurant, shown)


def calendar_source(restaurant: Restaurant) -> str | None:
    """The provider whose data the calendar file carries (the address, the coordinates)."""
    return _source(restaurant, (restaurant.address, restaurant.latitude, restaurant.longitude))


def photo_credit_url(restaurant: Restaurant) -> str | None:
    """The photo author's profile, if it is an http(s) link."""
    return web_link(restaurant.photo.credit_url) if restaurant.photo else None


def image_credit(restaurant: Restaurant) -> str | None:
    """One line for an image that shows the photo, where nothing can link:
    "Photo: Asha Rao · Google Maps"."""
    if restaurant.photo is None:
        return None
    who = f"Photo: {restaurant.photo.credit}" if restaurant.photo.credit else "Photo"
    name = _NAMES.get(restaurant.source or "")
    return f"{who} · {name}" if name else who


def calendar_credit(restaurant: Restaurant) -> str | None:
    """A line of the calendar file's description, which cannot hold a link as such."""
    source = calendar_source(restaurant)
    if source == GOOGLE_MAPS:
        return f"Place details: {GOOGLE_MAPS_TEXT}"
    if source == OPENSTREETMAP:
        return f"Place details {OSM_TEXT} ({OSM_COPYRIGHT_URL})"
    return None


def _source(restaurant: Restaurant, shown: tuple[object, ...]) -> str | None:
    if restaurant.source not in _NAMES:
        return None
    return restaurant.source if any(value is not None for value in shown) else None
