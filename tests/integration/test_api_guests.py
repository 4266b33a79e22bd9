"""The host's guest list: JSON, a CSV download that no spreadsheet runs, and removing an answer.
Owner only: another creator's invite or answer is a 404, exactly like a missing one."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest

from core.creators import add_creator

WHEN = (datetime.now(UTC) + timedelta(days=3)).isoformat()


async def make_invite(api: httpx.AsyncClient, auth: dict[str, str], **fields: object) -> str:
    body = {"restaurant_name": "Toit", "starts_at": WHEN, "party_size": 6, **fields}
    response = await api.post("/api/invites", json=body, headers=auth)
    assert response.status_code == 201, response.text
    slug: str = response.json()["slug"]
    return slug


async def answer(
    api: httpx.AsyncClient, slug: str, response: str, name: str, guests: int = 0
) -> httpx.Response:
    sent = await api.post(
        f"/api/invites/{slug}/rsvp", json={"response": response, "name": name, "guests": guests}
    )
    assert sent.status_code == 200, sent.text
    return sent


@pytest.fixture
async def other(database_url: str) -> dict[str, str]:
    _, _, token = await add_creator(database_url, "ravi@example.com", "Ravi")
    return {"Authorization": f"Bearer {token}"}


def invite_version(database_url: str, slug: str) -> tuple[int, int]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT version, published_version FROM invites WHERE slug = %s", (slug,)
        ).fetchone()
    assert row is not None
    return row[0], row[1]


async def test_the_host_sees_every_answer_in_full_in_answer_order(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    slug = await make_invite(api, auth)
    await answer(api, slug, "IN", "Meera Rao", guests=1)
    await answer(api, slug, "MAYBE", "Dev Patel")

    response = await api.get(f"/api/invites/{slug}/rsvps", headers=auth)

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    items = response.json()["items"]
    assert [(i["name"], i["response"], i["guests"]) for i in items] == [
        ("Meera Rao", "IN", 1),
        ("Dev Patel", "MAYBE", 0),
    ]
    assert set(items[0]) == {"id", "name", "response", "guests", "created_at", "updated_at"}
    # The id is opaque: it does not count the answers of the whole system.
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", items[0]["id"]
    )


async def test_the_guest_list_is_the_owners_alone(
    api: httpx.AsyncClient, auth: dict[str, str], other: dict[str, str]
) -> None:
    slug = await make_invite(api, auth)
    first = await answer(api, slug, "IN", "Meera")
    answer_id = (await api.get(f"/api/invites/{slug}/rsvps", headers=auth)).json()["items"][0]["id"]

    for method, path in (
        ("GET", f"/api/invites/{slug}/rsvps"),
        ("GET", f"/api/invites/{slug}/rsvps.csv"),
        ("DELETE", f"/api/invites/{slug}/rsvps/{answer_id}"),
    ):
        theirs = await api.request(method, path, headers=other)
        missing = await api.request(method, path.replace(slug, "AAAAAAAAAAAAAA"), headers=other)
        anonymous = await api.request(method, path)
        assert theirs.status_code == missing.status_code == 404, (method, path)
        assert theirs.json()["detail"] == missing.json()["detail"]
        assert anonymous.status_code == 401
    still = (await api.get(f"/api/invites/{slug}/rsvps", headers=auth)).json()["items"]
    assert [i["name"] for i in still] == ["Meera"]
    assert first.json()["participant_key"] not in str(still)


async def test_the_csv_is_a_download_no_spreadsheet_runs(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    slug = await make_invite(api, auth, party_size=10)
    hostile = [
        '=HYPERLINK("http://evil.test","x")',
        "+91 98450 00000",
        "-2+3",
        "@SUM(A1)",
        'Rao, "Meera"',
        "विकास कुमार",
    ]
    for name in hostile:
        await answer(api, slug, "IN", name)

    response = await api.get(f"/api/invites/{slug}/rsvps.csv", headers=auth)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="tablefor-{slug}-guests.csv"'
    )
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith("\ufeff".encode())  # spreadsheets then read UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["name", "response", "guests", "created_at", "updated_at"]
    names = [row[0] for row in rows[1:]]
    assert names == [
        '\'=HYPERLINK("http://evil.test","x")',
        "'+91 98450 00000",
        "'-2+3",
        "'@SUM(A1)",
        'Rao, "Meera"',
        "विकास कुमार",
    ]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert rows[1][1:3] == ["IN", "0"]
    assert rows[1][3].endswith("+05:30")  # the invite's own time zone


async def test_removing_an_answer_owes_a_publish_and_frees_its_place(
    api: httpx.AsyncClient, auth: dict[str, str], database_url: str
) -> None:
    slug = await make_invite(api, auth, max_answers=2)
    await answer(api, slug, "IN", "Meera")
    await answer(api, slug, "IN", "Spam")
    refused = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "Dev"})
    items = (await api.get(f"/api/invites/{slug}/rsvps", headers=auth)).json()["items"]
    spam = next(i["id"] for i in items if i["name"] == "Spam")
    version_before, _ = invite_version(database_url, slug)

    removed = await api.delete(f"/api/invites/{slug}/rsvps/{spam}", headers=auth)
    again = await api.delete(f"/api/invites/{slug}/rsvps/{spam}", headers=auth)
    room = await api.post(f"/api/invites/{slug}/rsvp", json={"response": "IN", "name": "Dev"})

    assert refused.status_code == 409
    assert removed.status_code == 204 and removed.content == b""
    assert again.status_code == 404
    version, published = invite_version(database_url, slug)
    assert version > version_before and published < version
    assert room.status_code == 200
    after = (await api.get(f"/api/invites/{slug}/rsvps", headers=auth)).json()["items"]
    assert [i["name"] for i in after] == ["Meera", "Dev"]


async def test_an_answer_is_removed_only_through_its_own_invite(
    api: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    mine = await make_invite(api, auth)
    also_mine = await make_invite(api, auth)
    await answer(api, mine, "IN", "Meera")
    answer_id = (await api.get(f"/api/invites/{mine}/rsvps", headers=auth)).json()["items"][0]["id"]

    wrong_invite = await api.delete(f"/api/invites/{also_mine}/rsvps/{answer_id}", headers=auth)
    not_an_id = await api.delete(f"/api/invites/{mine}/rsvps/12", headers=auth)
    unknown = await api.delete(
        f"/api/invites/{mine}/rsvps/00000000-0000-4000-8000-000000000000", headers=auth
    )

    assert wrong_invite.status_code == not_an_id.status_code == unknown.status_code == 404
    assert len((await api.get(f"/api/invites/{mine}/rsvps", headers=auth)).json()["items"]) == 1
