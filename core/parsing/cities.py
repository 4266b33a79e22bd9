"""Cities the parser recognises, their canonical names and aliases, and regions to look past.

The table is text rather than a dict literal so that one city stays on one line: canonical name,
a colon, then the aliases people (and booking apps) write for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_CITY_TABLE = """
Bengaluru: Bangalore, Bengalooru, Blr, Bangaluru
Mumbai: Bombay
New Delhi: Delhi, Delhi NCR, NCR Delhi, Dilli, Nai Dilli
Gurugram: Gurgaon, Gurgram
Noida
Greater Noida
Ghaziabad
Faridabad
Hyderabad: Hyd, Hyderbad
Secunderabad
Chennai: Madras
Kolkata: Calcutta
Pune: Poona
Ahmedabad: Amdavad, Ahmadabad
Jaipur
Chandigarh
Mohali: SAS Nagar
Panchkula
Zirakpur
Kochi: Cochin, Ernakulam
Thiruvananthapuram: Trivandrum
Kozhikode: Calicut
Thrissur: Trichur
Goa
Panaji: Panjim
Lucknow
Kanpur
Indore
Bhopal
Nagpur
Nashik: Nasik
Aurangabad: Chhatrapati Sambhajinagar
Surat
Vadodara: Baroda
Rajkot
Gandhinagar
Visakhapatnam: Vizag, Vishakhapatnam
Vijayawada
Guntur
Tirupati
Nellore
Rajahmundry: Rajamahendravaram
Warangal: Hanamkonda, Hanumakonda
Coimbatore: Kovai
Madurai
Tiruchirappalli: Trichy, Tiruchi
Salem
Vellore
Puducherry: Pondicherry, Pondy
Mysuru: Mysore
Mangaluru: Mangalore
Hubballi: Hubli, Hubli-Dharwad
Belagavi: Belgaum
Manipal
Udupi
Coorg: Kodagu, Madikeri
Chikkamagaluru: Chikmagalur
Bhubaneswar: Bhubaneshwar
Cuttack
Puri
Guwahati: Gauhati
Shillong
Gangtok
Siliguri
Darjeeling
Durgapur
Asansol
Howrah
Patna
Ranchi
Jamshedpur
Dhanbad
Raipur
Dehradun
Rishikesh
Haridwar
Mussoorie
Nainital
Haldwani
Shimla
Manali
Kasauli
Kasol
Dharamshala: Dharamsala, McLeod Ganj, Mcleodganj
Amritsar
Ludhiana
Jalandhar
Patiala
Jammu
Srinagar
Leh
Udaipur
Jodhpur
Jaisalmer
Ajmer
Pushkar
Kota
Bikaner
Mount Abu
Agra
Mathura
Vrindavan
Varanasi: Banaras, Benares
Prayagraj: Allahabad
Meerut
Bareilly
Aligarh
Moradabad
Gwalior
Jabalpur
Kolhapur
Solapur
Thane
Navi Mumbai
Lonavala
Alibaug: Alibag
Mahabaleshwar
Ooty: Udhagamandalam
Kodaikanal
Munnar
Alappuzha: Alleppey
Varkala
Karnal
Sonipat
Panipat
Rohtak
Ambala
Hisar
Bhiwadi
Neemrana
Jamnagar
Bhavnagar
Vapi
Daman
Diu
Port Blair
Imphal
Aizawl
Agartala
Kohima
Dimapur
Itanagar
Hampi
Gokarna
London
Paris
Lisbon: Lisboa
Porto: Oporto
Madrid
Barcelona
Seville: Sevilla
Valencia
Rome: Roma
Milan: Milano
Florence: Firenze
Venice: Venezia
Naples: Napoli
Berlin
Munich: München, Muenchen
Frankfurt
Hamburg
Cologne: Köln, Koeln
Amsterdam
Rotterdam
Brussels: Bruxelles, Brussel
Antwerp
Vienna: Wien
Zurich: Zürich
Geneva: Genève
Prague: Praha
Budapest
Warsaw: Warszawa
Krakow: Kraków
Copenhagen: København
Stockholm
Oslo
Helsinki
Reykjavik
Dublin
Edinburgh
Glasgow
Manchester
Birmingham
Liverpool
Athens
Istanbul
Dubai
Abu Dhabi
Sharjah
Doha
Riyadh
Jeddah
Muscat
Kuwait City
Manama
Tel Aviv
Singapore
Kuala Lumpur: KL
Bangkok
Phuket
Chiang Mai
Ho Chi Minh City: Saigon
Hanoi
Jakarta
Manila
Hong Kong
Macau
Taipei
Tokyo
Osaka
Kyoto
Seoul
Beijing
Shanghai
Sydney
Melbourne
Brisbane
Perth
Adelaide
Auckland
Wellington
New York: New York City, NYC, Manhattan, Brooklyn
Los Angeles
San Francisco: SF
Chicago
Boston
Seattle
Washington: Washington DC, Washington D.C., DC
Miami
Austin
Houston
Dallas
Atlanta
Las Vegas
San Diego
New Orleans
Philadelphia
Toronto
Vancouver
Montreal: Montréal
Mexico City: CDMX
São Paulo: Sao Paulo
Rio de Janeiro: Rio
Buenos Aires
Lima
Bogotá: Bogota
Cape Town
Johannesburg: Joburg
Nairobi
Cairo
Marrakech: Marrakesh
Colombo
Kathmandu
Dhaka
Karachi
Lahore
Islamabad
"""

# States, countries and their abbreviations: an address often ends with one after the city.
_REGION_TABLE = """
india, bharat, karnataka, maharashtra, telangana, andhra pradesh, tamil nadu, kerala, gujarat,
rajasthan, punjab, haryana, uttar pradesh, madhya pradesh, west bengal, odisha, orissa, bihar,
jharkhand, assam, meghalaya, sikkim, uttarakhand, himachal pradesh, jammu and kashmir, j&k,
chhattisgarh, tripura, manipur, mizoram, nagaland, arunachal pradesh, ncr, ka, mh, tn, ts, ap,
up, mp, wb, hr, dl, uk, united kingdom, england, scotland, wales, ireland, usa, us, u.s.a.,
united states, united states of america, portugal, spain, france, italy, germany, netherlands,
the netherlands, belgium, switzerland, austria, uae, united arab emirates, qatar, saudi arabia,
oman, thailand, japan, australia, canada, new zealand, ny, ca, tx, fl, il, ma, wa, ontario, bc,
quebec, nsw
"""

_DIRECTION = re.compile(r"^(?:central|north|south|east|west|old|greater|downtown|uptown) ")
_PIN_OR_ZIP = re.compile(r"[ ,-]*\d{4,6}$")
_KEY_JUNK = re.compile(r"[.,;:!()\"'*]")


def _key(fragment: str) -> str:
    """Fold case, accents and punctuation so 'BENGALURU - 560001' and 'bengaluru' meet."""
    decomposed = unicodedata.normalize("NFKD", fragment.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = _KEY_JUNK.sub("", bare.replace("-", " "))
    return _PIN_OR_ZIP.sub("", " ".join(bare.split())).strip()


def _load_aliases(table: str) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for line in table.strip().splitlines():
        canonical, _, rest = line.partition(":")
        for alias in (canonical, *rest.split(",")):
            if alias.strip():
                aliases[_key(alias)] = canonical.strip()
    return aliases


_ALIASES = _load_aliases(_CITY_TABLE)
# Every word of every alias, as written and accent-folded: a fragment with none of them cannot
# name a city, and most fragments are turned away by this one cheap look-up.
_CITY_WORDS = frozenset(
    word
    for line in _CITY_TABLE.casefold().replace(":", ",").replace("-", " ").splitlines()
    for alias in line.split(",")
    for word in (*alias.split(), *_key(alias).split())
)
_WORD_EDGES = ".,;:!()\"'*"
_REGIONS = frozenset(_key(region) for region in _REGION_TABLE.split(",") if region.strip())
LONGEST_CITY_WORDS = max(len(alias.split()) for alias in _ALIASES)


def canonical_city(fragment: str) -> str | None:
    """The canonical name of the city this fragment names ('Central Bengaluru' too), or None."""
    if len(fragment) > 60 or not may_name_city(fragment):
        return None
    key = _key(fragment)
    city = _ALIASES.get(key) or _ALIASES.get(_DIRECTION.sub("", key))
    return city or _city_before_postcode(key)


def _city_before_postcode(key: str) -> str | None:
    """'London EC1V 9LT', 'Lisboa 1150-123': the city, then a postcode with digits in it."""
    words = key.split()
    for count in range(min(LONGEST_CITY_WORDS, len(words) - 1), 0, -1):
        postcode = words[count:]
        if len(postcode) <= 2 and any(char.isdigit() for char in "".join(postcode)):
            city = _ALIASES.get(" ".join(words[:count]))
            if city is not None:
                return city
    return None


def may_name_city(fragment: str) -> bool:
    """A cheap test before canonical_city: does any word belong to some city's name?"""
    words = fragment.casefold().replace("-", " ").split()
    return any(word.strip(_WORD_EDGES) in _CITY_WORDS for word in words)


def is_region(fragment: str) -> bool:
    """True for a state, a country or a bare PIN code: parts an address ends with after a city."""
    key = _key(fragment)
    return key == "" or key in _REGIONS


def trailing_city(words: Sequence[str]) -> tuple[str, int] | None:
    """The city the last words name, and how many words it took ('Toit Indiranagar Bangalore')."""
    for count in range(min(LONGEST_CITY_WORDS, len(words) - 1), 0, -1):
        city = canonical_city(" ".join(words[-count:]))
        if city is not None:
            return city, count
    return None
