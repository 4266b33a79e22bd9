"""Answering an invite: JSON and form posts, changing an answer, closed invites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest


async def make_invite(api: httpx.AsyncClient, auth: dict[str, str]) -> str:
    when = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    response = await api.post(
        "/api/invites", json={"restaurant_name": "Toit", "starts_at": when}, headers=auth
    )
    assert response.status_code == 201
    slug: str = response.json()["slug"]
    return slug


def rsvp_rows(database_url: str, slug: str) -> list[tuple[str, str, int]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT r.name, r.answer, r.guests FROM rsvps r JOIN invites i ON i.id = r.invite_id "
            "WHERE i.slug = %s ORDER BY r.id",
            (slug,),
        ).fetchall()


async def test_json_answer_returns_a_participant_key(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    slug = await make_invite(api, auth)

    response = await api.post(
        f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": " Meera  K ", "guests": 1}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response"] == "IN"
    assert body["name"] == "Meera K"
    assert len(body["participant_key"]) >= 16
    assert rsvp_rows(database_url, slug) == [("Meera K", "IN", 1)]


async def test_answering_again_with_the_key_changes_the_answer_without_a_duplicate(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    slug = await make_invite(api, auth)
    first = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "MAYBE", "name": "Dev"})
    key = first.json()["participant_key"]

    second = await api.post(
        f"/api/invites/{slug}/rsvp",
        json={"response": "OUT", "name": "Dev", "participant_key": key},
    )

    assert second.status_code == 200
    assert second.json()["participant_key"] == key
    assert rsvp_rows(database_url, slug) == [("Dev", "OUT", 0)]


async def test_an_answer_owes_the_invite_a_publish(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    slug = await make_invite(api, auth)
    await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "Dev"})
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT version, published_version FROM invites WHERE slug = %s", (slug,)
        ).fetchone()
    assert row is not None
    assert row[0] == 2 and row[1] < row[0]


async def test_form_post_answers_303_to_the_page_and_remembers_the_browser(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    slug = await make_invite(api, auth)

    first = await api.post(
        f"/api/invites/{slug}/rsvp", data={"response": "IN", "name": "Kabir", "guests": ""}
    )
    assert first.status_code == 303
    assert first.headers["location"] == f"/i/{slug}#rsvp-thanks"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and f"Path=/api/invites/{slug}/rsvp" in cookie

    # httpx keeps the cookie: a second form post from the same browser changes the answer.
    second = await api.post(f"/api/invites/{slug}/rsvp", data={"response": "OUT", "name": "Kabir"})
    assert second.status_code == 303
    assert rsvp_rows(database_url, slug) == [("Kabir", "OUT", 0)]


async def test_form_post_with_bad_input_goes_back_to_the_page_with_an_error(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    slug = await make_invite(api, auth)
    response = await api.post(f"/api/invites/{slug}/rsvp", data={"response": "YES", "name": ""})
    assert response.status_code == 303
    assert response.headers["location"] == f"/i/{slug}#rsvp-error-invalid"


@pytest.mark.parametrize(
    "body",
    [
        {"response": "YES", "name": "A"},
        {"response": "IN", "name": ""},
        {"response": "IN", "name": "x" * 61},
        {"response": "IN", "name": "A", "guests": 11},
        {"response": "IN", "name": "A", "guests": -1},
        {"response": "IN", "name": "A", "participant_key": "short"},
        {"response": "IN", "name": "A", "extra": 1},
    ],
)
async def test_bad_answers_are_problems(
    api: httpx.AsyncClient, auth: dict[str, str], body: dict[str, object]
) -> None:
    slug = await make_invite(api, auth)
    response = await api.post(f"/api/invites/{slug}/rsvp", json=body)
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_invite_and_unsupported_media_type(api: httpx.AsyncClient) -> None:
    missing = await api.post(
        "/api/invites/AAAAAAAAAAAAAA/rsvp", json={"response": "IN", "name": "A"}
    )
    assert missing.status_code == 404
    xml = await api.post(
        "/api/invites/AAAAAAAAAAAAAA/rsvp",
        content=b"<rsvp/>",
        headers={"content-type": "application/xml"},
    )
    assert xml.status_code in (404, 422)


async def test_a_cancelled_invite_refuses_answers_clearly(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    slug = await make_invite(api, auth)
    await api.delete(f"/api/invites/{slug}", headers=auth)

    response = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "A"})
    form = await api.post(f"/api/invites/{slug}/rsvp", data={"response": "IN", "name": "A"})

    assert response.status_code == 409
    assert "cancelled" in response.json()["detail"]
    assert form.headers["location"] == f"/i/{slug}#rsvp-error-cancelled"


async def test_a_past_dinner_refuses_answers(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    slug = await make_invite(api, auth)
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "UPDATE invites SET starts_at = now() - interval '1 hour' WHERE slug = %s", (slug,)
        )
    response = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "A"})
    assert response.status_code == 409
    assert "already started" in response.json()["detail"]


async def test_a_full_table_refuses_more_in_answers_when_the_host_asked(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    when = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    created = await api.post(
        "/api/invites",
        json={
            "restaurant_name": "Toit",
            "starts_at": when,
            "party_size": 3,
            "close_when_full": True,
        },
        headers=auth,
    )
    slug = created.json()["slug"]
    assert created.json()["close_when_full"] is True
    first = await api.post(
        f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "A", "guests": 1}
    )
    too_many = await api.post(
        f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "B", "guests": 1}
    )
    fits = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "C"})
    full = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "D"})
    maybe = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "MAYBE", "name": "D"})
    form = await api.post(f"/api/invites/{slug}/rsvp", data={"response": "IN", "name": "E"})
    # Changing one's own answer is not blocked by one's own seat.
    change = await api.post(
        f"/api/invites/{slug}/rsvp",
        json={
            "response": "IN",
            "name": "A",
            "guests": 0,
            "participant_key": first.json()["participant_key"],
        },
    )

    assert (first.status_code, fits.status_code, maybe.status_code, change.status_code) == (
        200,
    ) * 4
    assert too_many.status_code == full.status_code == 409
    assert "Only 1 place(s) left" in too_many.json()["detail"]
    assert "The table is full" in full.json()["detail"]
    assert form.headers["location"] == f"/i/{slug}#rsvp-error-full"


async def make_sized_invite(
    api: httpx.AsyncClient, auth: dict[str, str], **fields: object
) -> httpx.Response:
    when = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    response = await api.post(
        "/api/invites", json={"restaurant_name": "Toit", "starts_at": when, **fields}, headers=auth
    )
    assert response.status_code == 201, response.text
    return response


async def test_an_invite_takes_three_answers_a_seat_then_only_changes(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    """A flood of anonymous answers stops at the cap; whoever answered can still change."""
    created = await make_sized_invite(api, auth, party_size=2)
    slug = created.json()["slug"]
    assert (created.json()["max_answers"], created.json()["answer_cap"]) == (None, 6)
    first = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "Asha"})
    others = [
        await api.post(f"/api/invites/{slug}/rsvp", json={"response": "OUT", "name": f"P{i}"})
        for i in range(5)
    ]

    refused = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "X"})
    by_form = await api.post(f"/api/invites/{slug}/rsvp", data={"response": "OUT", "name": "Y"})
    made_up_key = await api.post(
        f"/api/invites/{slug}/rsvp",
        json={"response": "IN", "name": "Z", "participant_key": "k" * 24},
    )
    change = await api.post(
        f"/api/invites/{slug}/rsvp",
        json={
            "response": "MAYBE",
            "name": "Asha",
            "participant_key": first.json()["participant_key"],
        },
    )

    assert [r.status_code for r in [first, *others]] == [200] * 6
    assert refused.status_code == made_up_key.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert "takes no more answers" in refused.json()["detail"]
    assert by_form.headers["location"] == f"/i/{slug}#rsvp-error-limit"
    assert change.status_code == 200
    assert len(rsvp_rows(database_url, slug)) == 6
    assert ("Asha", "MAYBE", 0) in rsvp_rows(database_url, slug)


async def test_the_host_sets_the_cap_of_answers(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    created = await make_sized_invite(api, auth, party_size=4, max_answers=1)
    slug = created.json()["slug"]
    assert created.json()["answer_cap"] == 1
    await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "A"})
    full = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "B"})

    raised = await api.patch(f"/api/invites/{slug}", json={"max_answers": 2}, headers=auth)
    room = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "B"})
    default = await api.patch(f"/api/invites/{slug}", json={"max_answers": None}, headers=auth)
    too_many = await api.patch(f"/api/invites/{slug}", json={"max_answers": 201}, headers=auth)
    none = await api.patch(f"/api/invites/{slug}", json={"max_answers": 0}, headers=auth)

    assert full.status_code == 409
    assert raised.json()["answer_cap"] == 2 and room.status_code == 200
    assert (default.json()["max_answers"], default.json()["answer_cap"]) == (None, 12)
    assert too_many.status_code == none.status_code == 400


async def test_without_a_party_size_sixty_people_may_answer(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    created = await make_sized_invite(api, auth)
    big = await make_sized_invite(api, auth, party_size=50)
    assert created.json()["answer_cap"] == 60
    assert big.json()["answer_cap"] == 150


@pytest.mark.parametrize("slug", ["%F1%88%95%ACq%3C", "short", "x" * 20])
async def test_a_bad_form_post_to_an_impossible_slug_is_a_problem_not_a_redirect(
    api: httpx.AsyncClient, slug: str
) -> None:
    """Found by the fuzz test: the redirect back to the page carried the raw path (a 500)."""
    response = await api.post(
        f"/api/invites/{slug}/rsvp",
        content=b"response=__not_in_enum__&name=A",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "location" not in response.headers
