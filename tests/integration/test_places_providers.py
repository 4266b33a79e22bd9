"""The Google Places and Nominatim clients against the local fake server, over real HTTP."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from prometheus_client import REGISTRY

from devkit.fake_places.server import FakePlacesServer
from workers.providers import google_places
from workers.providers.base import PhotoCredit, PlaceDetails, PlaceQuery, ProviderError
from workers.providers.google_places import GooglePlaces
from workers.providers.http import retry_after_seconds
from workers.providers.images import encode_variants, safe_photo
from workers.providers.matching import choose
from workers.providers.nominatim import Nominatim

USER_AGENT = "Tablefor-tests/0.1 (tests@tablefor.invalid)"
HAPPY_YARD = PlaceQuery(name="The Happy Yard", area="Jubilee Hills", city="Hyderabad")
TOIT = PlaceQuery(name="Toit", area="Indiranagar", city="Bangalore")


@pytest.fixture(scope="module")
def fake() -> Iterator[FakePlacesServer]:
    with FakePlacesServer() as server:
        yield server


@pytest.fixture(autouse=True)
def fresh(fake: FakePlacesServer) -> Iterator[None]:
    fake.clear_faults()
    fake.clear_requests()
    fake.clear_billed()
    yield
    fake.clear_faults()


@pytest.fixture
async def google(fake: FakePlacesServer) -> AsyncIterator[GooglePlaces]:
    client = GooglePlaces(fake.api_key, base_url=fake.base_url, timeout=2.0)
    yield client
    await client.aclose()


@pytest.fixture
async def nominatim(fake: FakePlacesServer) -> AsyncIterator[Nominatim]:
    client = Nominatim(base_url=fake.base_url, user_agent=USER_AGENT)
    yield client
    await client.aclose()


async def look_up(google: GooglePlaces, query: PlaceQuery) -> tuple[PlaceDetails, bytes]:
    """What enrichment asks Google for one restaurant: a search, then its photo."""
    details = choose(query, await google.search(query))
    assert details is not None
    return details, await google.photo(details.photo_refs[0], max_width=1440)


async def first_photo_ref(google: GooglePlaces) -> str:
    match = choose(TOIT, await google.search(TOIT))
    assert match is not None
    return match.photo_refs[0]


def counted(sku: str, provider: str = "google") -> float:
    """tablefor_places_requests_total for one SKU, as a scrape reads it."""
    labels = {"provider": provider, "sku": sku}
    return REGISTRY.get_sample_value("tablefor_places_requests_total", labels) or 0.0


# Google Places: the happy path


async def test_one_search_finds_the_booked_restaurant_with_all_the_page_shows(
    google: GooglePlaces,
) -> None:
    candidates = await google.search(HAPPY_YARD)
    assert [c.name for c in candidates][:2] == ["The Happy Yard Cafe", "The Happy Yard"]

    details, raw = await look_up(google, HAPPY_YARD)

    assert details.name == "The Happy Yard"
    assert details.address is not None and "Jubilee Hills" in details.address
    assert (details.rating, details.rating_count) == (4.3, 5120)
    assert details.price_level == "PRICE_LEVEL_EXPENSIVE"
    assert details.maps_uri is not None and details.website == "https://thehappyyard.example"
    assert len(details.photo_refs) == 2
    assert all(ref.startswith(f"places/{details.ref}/photos/") for ref in details.photo_refs)
    assert [credit.name for credit in details.photo_credits if credit] == [
        "Asha Rao",
        "Local Guide Dev",
    ]
    photo = safe_photo(raw)
    assert photo is not None and photo.width == 1440
    assert sorted(encode_variants(photo)) == [480, 960, 1440]


async def test_a_photo_credit_keeps_its_authors_profile_link(google: GooglePlaces) -> None:
    details, _ = await look_up(google, TOIT)

    credit = details.photo_credits[0]

    assert isinstance(credit, PhotoCredit) and credit.name == "Asha Rao"
    assert credit.url is not None
    assert credit.url.startswith("https://maps.google.com/maps/contrib/")


async def test_the_key_travels_only_in_a_header_to_the_api(
    google: GooglePlaces, fake: FakePlacesServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    await look_up(google, TOIT)

    requests = fake.requests
    assert [r.route.split("/")[1] for r in requests] == ["v1", "v1", "images"]
    assert all(fake.api_key not in r.path for r in requests)
    assert [r.headers.get("x-goog-api-key") for r in requests] == [fake.api_key] * 2 + [None]
    assert fake.api_key not in caplog.text


async def test_a_lookup_is_one_enterprise_search_and_one_photo(
    google: GooglePlaces, fake: FakePlacesServer
) -> None:
    before = {sku: counted(sku) for sku in ("text_search_enterprise", "place_details_photos")}

    await look_up(google, TOIT)

    search, media, _ = fake.requests
    assert search.headers["x-goog-fieldmask"] == (
        "places.id,places.displayName,places.formattedAddress,places.location,places.rating,"
        "places.userRatingCount,places.priceLevel,places.googleMapsUri,places.websiteUri,"
        "places.photos"
    )
    assert "x-goog-fieldmask" not in media.headers
    assert media.query == {"maxWidthPx": ["1440"], "skipHttpRedirect": ["true"]}
    # What the fake says Google bills, and what our metrics count, agree.
    assert fake.billed() == {"text_search_enterprise": 1, "place_details_photos": 1}
    assert {sku: counted(sku) - before[sku] for sku in before} == {
        "text_search_enterprise": 1.0,
        "place_details_photos": 1.0,
    }


async def test_a_refresh_by_place_id_is_one_place_details_request(
    google: GooglePlaces, fake: FakePlacesServer
) -> None:
    found, _ = await look_up(google, TOIT)
    fake.clear_requests()
    fake.clear_billed()
    before = counted("place_details_enterprise")

    again = await google.place(found.ref)

    assert again == found
    [request] = fake.requests
    assert request.route == f"/v1/places/{found.ref}"
    assert request.headers["x-goog-fieldmask"] == ",".join(google_places.PLACE_FIELDS)
    assert fake.billed() == {"place_details_enterprise": 1}
    assert counted("place_details_enterprise") - before == 1.0


async def test_the_search_is_biased_towards_a_known_city_and_not_filtered_by_type(
    google: GooglePlaces, fake: FakePlacesServer
) -> None:
    await google.search(TOIT)
    await google.search(PlaceQuery(name="Toit", city="Atlantis"))

    known, unknown = (json.loads(r.body) for r in fake.requests)
    assert known == {
        "textQuery": "Toit, Indiranagar, Bangalore",
        "pageSize": 5,
        "languageCode": "en",
        "locationBias": {
            "circle": {"center": {"latitude": 12.9716, "longitude": 77.5946}, "radius": 30000.0}
        },
    }
    assert "locationBias" not in unknown and "includedType" not in unknown


async def test_no_match_gives_an_empty_list(google: GooglePlaces) -> None:
    assert await google.search(PlaceQuery(name="Zzyzx Dhaba", city="Mumbai")) == []


# Google Places: faults


@pytest.mark.parametrize(
    ("mode", "retryable", "retry_after"),
    [
        ("rate_limit", True, 7.0),
        ("server_error", True, None),
        ("forbidden", False, None),
        ("malformed", False, None),
    ],
)
async def test_faults_give_provider_errors_that_say_whether_to_retry(
    google: GooglePlaces,
    fake: FakePlacesServer,
    mode: str,
    retryable: bool,
    retry_after: float | None,
) -> None:
    fake.set_fault(mode, retry_after=7 if mode == "rate_limit" else None)

    with pytest.raises(ProviderError) as raised:
        await google.search(TOIT)

    error = raised.value
    assert (error.provider, error.retryable, error.retry_after) == (
        "google",
        retryable,
        retry_after,
    )
    assert fake.api_key not in f"{error} {error!r}"


async def test_a_fault_applies_only_to_its_count_of_requests(
    google: GooglePlaces, fake: FakePlacesServer
) -> None:
    fake.set_fault("rate_limit", count=1, retry_after=2)

    with pytest.raises(ProviderError, match="429"):
        await google.search(TOIT)
    assert len(await google.search(TOIT)) == 2


async def test_faults_can_be_set_and_cleared_over_http(
    google: GooglePlaces, fake: FakePlacesServer
) -> None:
    async with httpx.AsyncClient(base_url=fake.base_url) as control:
        set_fault = await control.post("/_fake/faults", json={"mode": "server_error"})
        assert set_fault.status_code == 200
        with pytest.raises(ProviderError, match="500") as raised:
            await google.search(TOIT)
        assert raised.value.retryable
        assert (await control.delete("/_fake/faults")).status_code == 204

    assert len(await google.search(TOIT)) == 2


async def test_a_slow_answer_is_a_retryable_timeout(fake: FakePlacesServer) -> None:
    fake.set_fault("timeout", count=1, delay=1.0)
    client = GooglePlaces(fake.api_key, base_url=fake.base_url, timeout=0.3)
    try:
        with pytest.raises(ProviderError, match="timed out") as raised:
            await client.search(TOIT)
    finally:
        await client.aclose()

    assert raised.value.retryable and raised.value.retry_after is None


async def test_a_wrong_key_is_final_and_not_repeated_in_the_error(fake: FakePlacesServer) -> None:
    client = GooglePlaces("not-the-key", base_url=fake.base_url)
    try:
        with pytest.raises(ProviderError, match="API key not valid") as raised:
            await client.search(TOIT)
    finally:
        await client.aclose()

    assert not raised.value.retryable
    assert "not-the-key" not in str(raised.value)


async def test_a_photo_uri_on_a_foreign_host_is_refused(
    google: GooglePlaces, fake: FakePlacesServer
) -> None:
    ref = await first_photo_ref(google)
    fake.set_fault("foreign_photo_uri")

    with pytest.raises(ProviderError, match="foreign host") as raised:
        await google.photo(ref, max_width=960)

    assert not raised.value.retryable
    assert not [r for r in fake.requests if r.route.startswith("/images/")]


async def test_script_links_in_search_results_and_place_details_are_dropped(
    google: GooglePlaces, fake: FakePlacesServer
) -> None:
    fake.set_fault("hostile_links")

    details, _ = await look_up(google, HAPPY_YARD)
    again = await google.place(details.ref)

    assert details.name == "The Happy Yard"
    for place in (details, again):
        assert (place.website, place.maps_uri) == (None, None)
        assert place.address is not None and len(place.photo_refs) == 2  # the rest is kept


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "places/ChIJx/photos/../../v1/places:searchText",
        "https://evil.example/x.jpg",
        "places/ChIJx/photos/ref?key=1",
        "places/ChIJx/photos/",
    ],
)
async def test_photo_names_not_shaped_like_googles_are_refused_unsent(
    google: GooglePlaces, fake: FakePlacesServer, name: str
) -> None:
    with pytest.raises(ProviderError) as raised:
        await google.photo(name, max_width=960)

    assert not raised.value.retryable
    assert fake.requests == []


@pytest.mark.parametrize("mode", ["bomb_image", "not_image"])
async def test_bombs_and_non_images_from_the_image_host_are_caught_by_safe_photo(
    google: GooglePlaces, fake: FakePlacesServer, mode: str
) -> None:
    ref = await first_photo_ref(google)
    fake.set_fault(mode)

    raw = await google.photo(ref, max_width=1440)

    assert len(raw) < 100_000
    assert safe_photo(raw) is None


async def test_a_photo_over_the_byte_cap_is_abandoned(fake: FakePlacesServer) -> None:
    client = GooglePlaces(fake.api_key, base_url=fake.base_url, max_photo_bytes=10_000)
    try:
        ref = await first_photo_ref(client)
        with pytest.raises(ProviderError, match="larger than 10000 bytes") as raised:
            await client.photo(ref, max_width=1440)
    finally:
        await client.aclose()

    assert not raised.value.retryable


async def test_the_byte_cap_holds_when_no_length_is_declared() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"\xff" * 4096

    def endless(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/media"):
            return httpx.Response(200, json={"photoUri": "https://lh3.googleusercontent.com/p/x"})
        return httpx.Response(200, content=chunks())  # streamed: no Content-Length

    transport = httpx.MockTransport(endless)
    async with httpx.AsyncClient(transport=transport) as http:
        client = GooglePlaces("key", client=http, max_photo_bytes=50_000)
        with pytest.raises(ProviderError, match="larger than 50000 bytes"):
            await client.photo("places/ChIJx/photos/AUcy", max_width=960)


def test_retry_after_may_be_seconds_or_an_http_date() -> None:
    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)

    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Fri, 01 May 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Fri, 01 May 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


# The fake itself speaks the real API's request handling


async def test_the_fake_refuses_requests_without_key_or_field_mask(fake: FakePlacesServer) -> None:
    body = {"textQuery": "Toit"}
    async with httpx.AsyncClient(base_url=fake.base_url) as http:
        no_key = await http.post("/v1/places:searchText", json=body)
        no_mask = await http.post(
            "/v1/places:searchText", json=body, headers={"X-Goog-Api-Key": fake.api_key}
        )
        bad_field = await http.get(
            f"/v1/places/{(await google_id(http, fake))}",
            headers={"X-Goog-Api-Key": fake.api_key, "X-Goog-FieldMask": "id,nonsense"},
        )

    assert no_key.status_code == 403
    assert no_key.json()["error"]["status"] == "PERMISSION_DENIED"
    assert no_mask.status_code == 400
    assert "FieldMask is a required parameter" in no_mask.json()["error"]["message"]
    assert bad_field.status_code == 400


async def google_id(http: httpx.AsyncClient, fake: FakePlacesServer) -> str:
    found = await http.post(
        "/v1/places:searchText",
        json={"textQuery": "Bastian, Worli, Mumbai"},
        headers={"X-Goog-Api-Key": fake.api_key, "X-Goog-FieldMask": "places.id"},
    )
    assert found.json() == {"places": [{"id": found.json()["places"][0]["id"]}]}  # only the mask
    return str(found.json()["places"][0]["id"])


async def test_the_fake_pages_text_search_as_documented(fake: FakePlacesServer) -> None:
    """pageSize wins over the deprecated maxResultCount; more results give a page token."""
    headers = {"X-Goog-Api-Key": fake.api_key, "X-Goog-FieldMask": "places.id,nextPageToken"}
    async with httpx.AsyncClient(base_url=fake.base_url) as http:

        async def search(**paging: object) -> httpx.Response:
            body = {"textQuery": "Farzi Cafe", **paging}  # two restaurants of that name
            return await http.post("/v1/places:searchText", json=body, headers=headers)

        one = (await search(pageSize=1)).json()
        both_given = (await search(pageSize=1, maxResultCount=5)).json()
        deprecated = (await search(maxResultCount=1)).json()
        default = (await search()).json()
        too_many = (await search(pageSize=50)).json()
        negative = await search(pageSize=-1)

    assert len(one["places"]) == 1 and one["nextPageToken"]
    assert len(both_given["places"]) == 1
    assert len(deprecated["places"]) == 1
    assert len(default["places"]) == 2 and "nextPageToken" not in default
    assert len(too_many["places"]) == 2
    assert negative.status_code == 400
    assert negative.json()["error"]["status"] == "INVALID_ARGUMENT"


async def test_the_fake_answers_unknown_places_with_not_found(
    google: GooglePlaces, fake: FakePlacesServer
) -> None:
    with pytest.raises(ProviderError, match="404 NOT_FOUND") as raised:
        await google.place("ChIJunknown")

    assert not raised.value.retryable
    assert fake.billed() == {}  # an error is not billed


async def test_the_fake_redirects_photo_media_unless_asked_not_to(
    google: GooglePlaces, fake: FakePlacesServer
) -> None:
    ref = await first_photo_ref(google)
    async with httpx.AsyncClient(base_url=fake.base_url) as http:
        media = await http.get(
            f"/v1/{ref}/media?maxWidthPx=480", headers={"X-Goog-Api-Key": fake.api_key}
        )
        image = await http.get(media.headers["location"])

    assert media.status_code == 302
    assert image.headers["content-type"] == "image/jpeg"
    photo = safe_photo(image.content)
    assert photo is not None and photo.width == 480


# Nominatim


async def test_nominatim_finds_the_booked_restaurant_with_coordinates(
    nominatim: Nominatim, fake: FakePlacesServer
) -> None:
    candidates = await nominatim.search(TOIT)
    match = choose(TOIT, candidates)

    assert [c.name for c in candidates] == ["Toit Brewpub", "Toit"]
    assert match is not None and match.name == "Toit"
    assert (match.latitude, match.longitude) == (12.9791, 77.6408)
    assert match.ref.startswith("node/")
    assert match.maps_uri == f"https://www.openstreetmap.org/{match.ref}"
    assert match.address is not None and "Indiranagar" in match.address
    assert len(fake.requests) == 1
    assert fake.requests[0].query == {
        "q": ["Toit, Indiranagar, Bangalore"],
        "format": ["jsonv2"],
        "limit": ["5"],
        "addressdetails": ["1"],
    }


async def test_nominatim_requests_are_a_second_apart_and_say_who_we_are(
    nominatim: Nominatim, fake: FakePlacesServer
) -> None:
    await nominatim.search(TOIT)
    await nominatim.search(HAPPY_YARD)

    first, second = fake.requests
    assert second.at - first.at >= 1.0
    for request in (first, second):
        assert request.headers["user-agent"] == USER_AGENT
        assert request.headers["accept-language"] == "en"


async def test_nominatim_without_results_gives_an_empty_list(nominatim: Nominatim) -> None:
    assert await nominatim.search(PlaceQuery(name="Zzyzx Dhaba", city="Nowhere")) == []


async def test_nominatim_has_no_photos(nominatim: Nominatim) -> None:
    with pytest.raises(ProviderError) as raised:
        await nominatim.photo("node/1", max_width=960)

    assert not raised.value.retryable


async def test_the_fake_nominatim_blocks_requests_without_a_user_agent(
    fake: FakePlacesServer,
) -> None:
    async with httpx.AsyncClient(base_url=fake.base_url) as http:
        blocked = await http.get("/search", params={"q": "Toit", "format": "jsonv2"})

    assert blocked.status_code == 403
    assert "Access blocked" in blocked.text


def test_nominatim_needs_a_user_agent() -> None:
    with pytest.raises(ValueError, match="User-Agent"):
        Nominatim(user_agent=" ")


def test_the_google_client_needs_a_key() -> None:
    with pytest.raises(ValueError, match="API key"):
        google_places.GooglePlaces("")
