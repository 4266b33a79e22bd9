"""The fake Places server's restaurants, and how Google Places and Nominatim each show them.

A few restaurants from the sample bookings plus namesakes in other cities. Search ranks by name
words only (no location bias) and lists a namesake first on a tie, so a client that takes the
first result instead of checking the locality picks the wrong restaurant.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from devkit.fake_places.images import PHOTO_SIZE

PHOTOS_PER_PLACE = 2
OSM_LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"
_FILLER = frozenset({"the", "and", "cafe", "restaurant", "brewing", "company", "bar", "pub"})
_PHOTOGRAPHERS = ("Asha Rao", "Local Guide Dev")


def _digest(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).decode().rstrip("=")


@dataclass(frozen=True, slots=True)
class Restaurant:
    name: str
    road: str
    area: str
    city: str  # as OpenStreetMap names it ("Lisboa")
    state: str
    postcode: str
    country: str
    country_code: str
    latitude: float
    longitude: float
    rating: float
    rating_count: int
    price_level: str
    website: str | None = None
    google_address: str | None = None  # when Google's formatting differs from the Indian one
    # Nominatim names the OSM object of a result only when it has one (its "Place Output" docs);
    # False: this place comes back without osm_type and osm_id.
    osm_object: bool = True

    @property
    def address(self) -> str:
        """The address as Google formats it."""
        if self.google_address:
            return self.google_address
        return (
            f"{self.road}, {self.area}, {self.city}, {self.state} {self.postcode}, {self.country}"
        )

    @property
    def place_id(self) -> str:
        return "ChIJ" + _digest(f"{self.name}|{self.city}")[:23]

    @property
    def photo_refs(self) -> tuple[str, ...]:
        return tuple(f"AUc{_digest(f'{self.place_id}|{i}')[:40]}" for i in range(PHOTOS_PER_PLACE))

    @property
    def osm_id(self) -> int:
        return int.from_bytes(hashlib.sha256(self.place_id.encode()).digest()[:4], "big")


def _india(
    name: str,
    road: str,
    area: str,
    city: str,
    state: str,
    postcode: str,
    at: tuple[float, float],
    rating: float,
    count: int,
    price: str,
    website: str | None = None,
    *,
    osm_object: bool = True,
) -> Restaurant:
    return Restaurant(
        name,
        road,
        area,
        city,
        state,
        postcode,
        "India",
        "in",
        *at,
        rating,
        count,
        f"PRICE_LEVEL_{price}",
        website,
        osm_object=osm_object,
    )


# Namesakes come before the places the samples mean: a search by name alone finds them first.
# fmt: off
CATALOGUE: tuple[Restaurant, ...] = (
    _india("The Happy Yard Cafe", "Lane 5", "Koregaon Park", "Pune", "Maharashtra", "411001",
           (18.5362, 73.8940), 4.1, 812, "MODERATE"),
    _india("The Happy Yard", "Road No. 36", "Jubilee Hills", "Hyderabad", "Telangana", "500033",
           (17.4326, 78.4071), 4.3, 5120, "EXPENSIVE", "https://thehappyyard.example"),
    _india("Toit Brewpub", "Kamala Mills Compound", "Lower Parel", "Mumbai", "Maharashtra",
           "400013", (19.0008, 72.8279), 4.4, 9034, "EXPENSIVE"),
    _india("Toit", "298, 100 Feet Road", "Indiranagar", "Bengaluru", "Karnataka", "560038",
           (12.9791, 77.6408), 4.5, 41210, "EXPENSIVE", "https://toit.example"),
    _india("Byg Brewski Brewing Company", "Hennur Main Road", "Hennur", "Bengaluru",
           "Karnataka", "560043", (13.0418, 77.6395), 4.4, 38022, "EXPENSIVE"),
    _india("Bastian", "Dr Annie Besant Road", "Worli", "Mumbai", "Maharashtra", "400018",
           (19.0124, 72.8183), 4.3, 6800, "VERY_EXPENSIVE"),
    Restaurant("Farzi Cafe", "Haymarket", "St. James's", "London", "England", "SW1Y 4BP",
               "United Kingdom", "gb", 51.5089, -0.1324, 4.2, 1900, "PRICE_LEVEL_EXPENSIVE",
               google_address="8 Haymarket, London SW1Y 4BP, UK"),
    _india("Farzi Cafe", "Road No. 45", "Jubilee Hills", "Hyderabad", "Telangana", "500033",
           (17.4302, 78.4042), 4.2, 7300, "EXPENSIVE"),
    _india("Olive Beach", "16, Wood Street, off Richmond Road", "Ashok Nagar", "Bengaluru",
           "Karnataka", "560025", (12.9650, 77.6040), 4.4, 4100, "VERY_EXPENSIVE"),
    _india("Hunger Camp", "SCO 51, Sector 29", "Sector 29", "Gurugram", "Haryana", "122001",
           (28.4675, 77.0622), 4.0, 2600, "MODERATE", osm_object=False),
    _india("Smoke House Deli", "52/1, Lavelle Road", "Ashok Nagar", "Bengaluru", "Karnataka",
           "560001", (12.9716, 77.5988), 4.3, 7700, "EXPENSIVE"),
    Restaurant("Cervejaria Ramiro", "Avenida Almirante Reis", "Anjos", "Lisboa", "Lisboa",
               "1150-007", "Portugal", "pt", 38.7206, -9.1357, 4.5, 33000,
               "PRICE_LEVEL_MODERATE", "https://cervejariaramiro.example",
               google_address="Av. Almirante Reis 1, 1150-007 Lisboa, Portugal"),
)
# fmt: on
BY_ID = {place.place_id: place for place in CATALOGUE}
PHOTO_REFS = frozenset(ref for place in CATALOGUE for ref in place.photo_refs)


def search(text: str) -> list[Restaurant]:
    """Places sharing a name word with the text, most shared words first, then catalogue order."""
    wanted = set(words(text))
    scored = [(len(_name_keys(place.name) & wanted), place) for place in CATALOGUE]
    return [place for shared, place in sorted(scored, key=lambda s: -s[0]) if shared]


def google_place(place: Restaurant) -> dict[str, Any]:
    """Every field the fake knows, shaped as in Places API (New); the field mask trims it."""
    result: dict[str, Any] = {
        "name": f"places/{place.place_id}",
        "id": place.place_id,
        "types": ["restaurant", "food", "point_of_interest", "establishment"],
        "formattedAddress": place.address,
        "location": {"latitude": place.latitude, "longitude": place.longitude},
        "rating": place.rating,
        "googleMapsUri": f"https://maps.google.com/?cid={place.osm_id}",
        "priceLevel": place.price_level,
        "userRatingCount": place.rating_count,
        "displayName": {"text": place.name, "languageCode": "en"},
        "photos": [
            _google_photo(place, ref, author)
            for ref, author in zip(place.photo_refs, _PHOTOGRAPHERS, strict=True)
        ],
    }
    if place.website:
        result["websiteUri"] = place.website
    return result


def _google_photo(place: Restaurant, ref: str, author: str) -> dict[str, Any]:
    """A Photo as Places API (New) returns it: the author's name, their Maps profile (`uri`) and
    picture (`photoUri`), and links to report the photo and to see it on Google Maps."""
    contributor = int.from_bytes(hashlib.sha256(author.encode()).digest()[:8], "big")
    attribution = {
        "displayName": author,
        "uri": f"https://maps.google.com/maps/contrib/{contributor}",
        "photoUri": f"https://lh3.googleusercontent.com/a-/{_digest(author)[:24]}=s100-p-k-no-mo",
    }
    return {
        "name": f"places/{place.place_id}/photos/{ref}",
        "widthPx": PHOTO_SIZE[0],
        "heightPx": PHOTO_SIZE[1],
        "authorAttributions": [attribution],
        "flagContentUri": (
            "https://www.google.com/local/imagery/report/?cb_client=maps_api_places.places_api"
            f"&image_key=!1e10!2s{ref}"
        ),
        "googleMapsUri": f"https://www.google.com/maps/place//data=!3m4!1e2!3m2!1s{ref}",
    }


def nominatim_place(place: Restaurant, *, v2: bool, address_details: bool) -> dict[str, Any]:
    """One search result as Nominatim's json (v1) or jsonv2 format has it."""
    address = {
        "amenity": place.name,
        "road": place.road,
        "suburb": place.area,
        "city": place.city,
        "state": place.state,
        "postcode": place.postcode,
        "country": place.country,
        "country_code": place.country_code,
    }
    lat, lon = f"{place.latitude:.7f}", f"{place.longitude:.7f}"  # strings, as the real one
    result: dict[str, Any] = {
        "place_id": place.osm_id % 400_000_000,
        "licence": OSM_LICENCE,
        "osm_type": "node",
        "osm_id": place.osm_id,
        "lat": lat,
        "lon": lon,
        "category" if v2 else "class": "amenity",
        "type": "restaurant",
        "place_rank": 30,
        "importance": 0.00008,
        "addresstype": "amenity",
        "name": place.name,
        "display_name": ", ".join(v for k, v in address.items() if k != "country_code"),
        "boundingbox": [lat, lat, lon, lon],
    }
    if address_details:
        result["address"] = address
    if not place.osm_object:
        del result["osm_type"], result["osm_id"]
    return result


def words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.findall(r"\w+", bare)


def _name_keys(name: str) -> set[str]:
    return set(words(name)) - _FILLER
