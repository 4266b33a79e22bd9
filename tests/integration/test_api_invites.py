"""Creating, reading, editing and cancelling invites through the real ASGI stack."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest

from core.creators import add_creator

NEXT_YEAR = datetime.now(UTC).year + 1
SWIGGY_TEXT = (
    f"Hey! I have made a booking on 12 Dec {NEXT_YEAR}, 07:30 PM for 9 guest(s) at The Happy Yard, "
    "Jubilee Hills, Hyderabad with offer Flat 20% Off on Total Bill. Checkout the restaurant "
    "details here: https://swiggy.onelink.me/BVRZ?af_dp=swiggydiners%3A%2F%2Fdetails%2F1084072"
    "%3Fsource%3Dsharing"
)


def future(days: int = 10) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


async def create(api: httpx.AsyncClient, auth: dict[str, str], **body: object) -> httpx.Response:
    return await api.post("/api/invites", json=body, headers=auth)


async def test_create_from_booking_text_returns_slug_url_and_location(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await create(api, auth, text=SWIGGY_TEXT, title="Asha turns 30")

    assert response.status_code == 201, response.text
    body = response.json()
    assert re.fullmatch(r"[A-Za-z0-9_-]{14}", body["slug"])
    assert body["url"] == f"http://invites.test/i/{body['slug']}"
    assert response.headers["location"] == f"/api/invites/{body['slug']}"
    assert body["restaurant"] == {
        "name": "The Happy Yard",
        "area": "Jubilee Hills",
        "city": "Hyderabad",
        "swiggy_restaurant_id": "1084072",
        "swiggy_restaurant_id_ignored": False,
    }
    assert body["starts_at"] == f"{NEXT_YEAR}-12-12T19:30:00+05:30"
    assert body["party_size"] == 9
    assert body["offer"] == "Flat 20% Off on Total Bill"
    assert body["source"] == "swiggy_dineout"
    assert body["title"] == "Asha turns 30"
    assert body["enrichment"] == "pending"
    assert body["published"] is False


async def test_slugs_are_distinct_and_unguessable(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    slugs = {
        (await create(api, auth, restaurant_name="Toit", starts_at=future())).json()["slug"]
        for _ in range(20)
    }
    assert len(slugs) == 20


async def test_manual_fields_win_over_the_text(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    when = future(30)
    response = await create(
        api, auth, text=SWIGGY_TEXT, restaurant_name="Olive Bistro", party_size=4, starts_at=when
    )
    body = response.json()
    assert response.status_code == 201
    assert body["restaurant"]["name"] == "Olive Bistro"
    assert body["restaurant"]["area"] == "Jubilee Hills"  # not overridden: still from the text
    assert body["party_size"] == 4
    assert datetime.fromisoformat(body["starts_at"]) == datetime.fromisoformat(when)


async def test_manual_fields_alone_are_enough(api: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await create(
        api,
        auth,
        restaurant_name="Bukhara",
        city="New Delhi",
        starts_at=future(),
        tz="Asia/Kolkata",
    )
    assert response.status_code == 201
    assert response.json()["source"] == "manual"


@pytest.mark.parametrize(
    ("body", "status", "detail_part"),
    [
        ({"text": "hello, are we on for dinner?"}, 422, "restaurant"),
        ({"restaurant_name": "Toit"}, 422, "date and time"),
        ({"restaurant_name": "Toit", "starts_at": "2020-01-01T20:00:00+05:30"}, 422, "future"),
        ({"restaurant_name": "Toit", "starts_at": "2099-01-01T20:00:00"}, 400, "timezone"),
        ({"restaurant_name": "Toit", "starts_at": future(), "party_size": 51}, 400, "50"),
        ({"restaurant_name": "Toit", "starts_at": future(), "party_size": 0}, 400, ">= 1"),
        ({"restaurant_name": "Toit", "starts_at": future(), "colour": "red"}, 400, "colour"),
        ({"restaurant_name": "x" * 121, "starts_at": future()}, 400, "length"),
        ({"restaurant_name": "   ", "starts_at": future()}, 400, "restaurant_name"),
        ({"restaurant_name": "Toit", "starts_at": future(), "tz": "Mars/Olympus"}, 422, "zone"),
        ({}, 422, "text"),
    ],
)
async def test_bad_input_is_a_clear_problem_never_a_500(
    api: httpx.AsyncClient,
    auth: dict[str, str],
    body: dict[str, object],
    status: int,
    detail_part: str,
) -> None:
    response = await create(api, auth, **body)

    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert detail_part.lower() in problem["detail"].lower()


def ahead(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).replace(microsecond=0).isoformat()


OUT_OF_RANGE = [
    "9999-12-31T20:00:00+05:30",  # renders nothing: the calendar file's time zone needs year 10000
    ahead(days=3 * 365),
    ahead(days=-2),
    ahead(hours=-1),  # answers close when the dinner starts: a past one is refused too
]


@pytest.mark.parametrize("when", OUT_OF_RANGE)
async def test_a_start_time_out_of_range_is_a_422_naming_the_field(
    api: httpx.AsyncClient, auth: dict[str, str], when: str
) -> None:
    response = await create(api, auth, restaurant_name="Toit", starts_at=when)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert "`starts_at`" in problem["detail"]
    assert problem["errors"] == [
        {"message": problem["detail"], "key": "starts_at", "source": "body"}
    ]


@pytest.mark.parametrize("when", OUT_OF_RANGE)
async def test_an_edit_to_a_start_time_out_of_range_is_refused_and_changes_nothing(
    api: httpx.AsyncClient, auth: dict[str, str], when: str
) -> None:
    created = (await create(api, auth, restaurant_name="Toit", starts_at=future())).json()

    response = await api.patch(
        f"/api/invites/{created['slug']}", json={"starts_at": when}, headers=auth
    )
    after = await api.get(f"/api/invites/{created['slug']}", headers=auth)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["key"] == "starts_at"
    assert after.json()["starts_at"] == created["starts_at"]


async def test_a_start_time_up_to_two_years_ahead_is_accepted(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await create(api, auth, restaurant_name="Toit", starts_at=ahead(days=700))
    assert response.status_code == 201, response.text


async def test_a_failed_publish_shows_on_the_invite_until_the_creator_edits_it(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    slug = (await create(api, auth, restaurant_name="Toit", starts_at=future())).json()["slug"]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE invites SET publish_failed_at = now(), publish_starts = 6 WHERE slug = %s",
            (slug,),
        )

    failed = (await api.get(f"/api/invites/{slug}", headers=auth)).json()
    edited = await api.patch(f"/api/invites/{slug}", json={"title": "Fixed"}, headers=auth)

    assert (failed["publish_state"], failed["published"]) == ("failed", False)
    assert failed["publish_failed_at"] is not None
    assert edited.status_code == 200
    assert (edited.json()["publish_state"], edited.json()["publish_failed_at"]) == ("pending", None)
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT publish_failed_at, publish_starts FROM invites WHERE slug = %s", (slug,)
        ).fetchone()
    assert row == (None, 0)


async def test_body_that_is_not_json_is_a_400(api: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await api.post(
        "/api/invites", content=b"{nope", headers={**auth, "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


async def test_oversized_body_is_refused(api: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await api.post(
        "/api/invites", content=b'{"text": "' + b"a" * 200_000 + b'"}', headers=auth
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


async def test_requests_without_a_valid_token_are_401(api: httpx.AsyncClient) -> None:
    missing = await api.post("/api/invites", json={"restaurant_name": "Toit"})
    wrong = await api.get("/api/invites", headers={"Authorization": "Bearer tf_not-a-real-token"})
    basic = await api.get("/api/invites", headers={"Authorization": "Basic YTpi"})

    for response in (missing, wrong, basic):
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.headers["content-type"] == "application/problem+json"


async def test_someone_elses_invite_looks_exactly_like_a_missing_one(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    slug = (await create(api, auth, restaurant_name="Toit", starts_at=future())).json()["slug"]
    _, _, other_token = await add_creator(database_url, "ravi@example.com", "Ravi")
    other = {"Authorization": f"Bearer {other_token}"}

    for method, body in (("GET", None), ("PATCH", {"title": "mine now"}), ("DELETE", None)):
        theirs = await api.request(method, f"/api/invites/{slug}", json=body, headers=other)
        missing = await api.request(method, "/api/invites/AAAAAAAAAAAAAA", json=body, headers=other)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json()["detail"] == missing.json()["detail"]
    still = await api.get(f"/api/invites/{slug}", headers=auth)
    assert still.json()["status"] == "active"
    assert still.json()["title"] is None


async def test_list_is_keyset_paginated_newest_first(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    created = [
        (await create(api, auth, restaurant_name=f"Place {i}", starts_at=future())).json()["slug"]
        for i in range(5)
    ]
    _, _, other_token = await add_creator(database_url, "ravi@example.com", None)
    await create(
        api,
        {"Authorization": f"Bearer {other_token}"},
        restaurant_name="Theirs",
        starts_at=future(),
    )

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await api.get("/api/invites", params=params, headers=auth)).json()
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(created))


async def test_bad_cursor_is_a_422(api: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for cursor in ("zz-top", "1", "7fffffffffffffff", "A" * 14, "A" * 300):
        response = await api.get("/api/invites", params={"cursor": cursor}, headers=auth)
        assert response.status_code == 422, cursor
        assert "cursor" in response.json()["detail"]


async def test_the_cursor_is_opaque_and_good_only_for_the_creator_it_was_handed_to(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    """It must not reveal how many invites exist (an id would), nor page through another
    creator's list."""
    for i in range(3):
        await create(api, auth, restaurant_name=f"Place {i}", starts_at=future())
    _, _, other_token = await add_creator(database_url, "ravi@example.com", None)
    other = {"Authorization": f"Bearer {other_token}"}
    await create(api, other, restaurant_name="Theirs 1", starts_at=future())
    await create(api, other, restaurant_name="Theirs 2", starts_at=future())

    mine = (await api.get("/api/invites", params={"limit": 1}, headers=auth)).json()
    theirs = (await api.get("/api/invites", params={"limit": 1}, headers=other)).json()
    with psycopg.connect(database_url) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM invites").fetchall()]

    cursor = mine["next_cursor"]
    assert cursor is not None
    assert cursor not in {f"{i:x}" for i in ids} | {str(i) for i in ids}
    swapped = await api.get("/api/invites", params={"cursor": theirs["next_cursor"]}, headers=auth)
    assert swapped.status_code == 422
    following = await api.get("/api/invites", params={"cursor": cursor}, headers=auth)
    assert [item["restaurant"]["name"] for item in following.json()["items"]] == [
        "Place 1",
        "Place 0",
    ]


async def test_patch_changes_fields_and_owes_a_publish(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    slug = (await create(api, auth, restaurant_name="Toit", starts_at=future())).json()["slug"]
    when = future(40)

    response = await api.patch(
        f"/api/invites/{slug}",
        json={"title": "  Friday   drinks ", "party_size": 6, "starts_at": when, "message": None},
        headers=auth,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "Friday drinks"
    assert body["party_size"] == 6
    assert datetime.fromisoformat(body["starts_at"]) == datetime.fromisoformat(when)
    with psycopg.connect(database_url) as conn:
        version = conn.execute("SELECT version FROM invites WHERE slug = %s", (slug,)).fetchone()
    assert version == (2,)


async def test_patch_refuses_empty_and_unknown_changes(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    slug = (await create(api, auth, restaurant_name="Toit", starts_at=future())).json()["slug"]
    empty = await api.patch(f"/api/invites/{slug}", json={}, headers=auth)
    unknown = await api.patch(f"/api/invites/{slug}", json={"restaurant_id": 3}, headers=auth)
    past = await api.patch(
        f"/api/invites/{slug}", json={"starts_at": "2001-01-01T10:00:00+00:00"}, headers=auth
    )
    assert (empty.status_code, unknown.status_code, past.status_code) == (422, 400, 422)


async def test_cancel_marks_the_invite_and_blocks_edits(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    slug = (await create(api, auth, restaurant_name="Toit", starts_at=future())).json()["slug"]

    cancelled = await api.delete(f"/api/invites/{slug}", headers=auth)
    again = await api.delete(f"/api/invites/{slug}", headers=auth)
    edit = await api.patch(f"/api/invites/{slug}", json={"title": "back on"}, headers=auth)

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert again.status_code == 200
    assert edit.status_code == 409
    assert "cancelled" in edit.json()["detail"]
