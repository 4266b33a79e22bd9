"""A deleted creator's published objects: owed as storage removals (one folder per invite),
deleted from storage and purged, in two passes; and the storage backends' folder deletion."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import psycopg
import pytest

from cdn.storage.base import StoredObject
from cdn.storage.local import LocalStorage
from cdn.storage.s3 import S3Storage
from tests.support.accounts import page_headers, sign_in
from tests.support.dates import NEXT_YEAR
from tests.support.recording_purger import RecordingPurger
from workers import publishing, removals

NEW_INVITE = {"restaurant_name": "Toit", "starts_at": f"{NEXT_YEAR}-12-12T19:30:00+05:30"}


def _invite_id(database_url: str, slug: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT id FROM invites WHERE slug = %s", (slug,)).fetchone()
    assert row is not None
    return int(row[0])


async def test_deleting_an_account_owes_each_invite_folder_and_the_removal_purges_it(
    browser: Any, deps: Any, database_url: str
) -> None:
    """An account's invites go as a deleted invite does: one folder removal each."""
    client = await browser()
    await sign_in(client, database_url, "asha@example.com")
    made = await client.post("/api/invites", json=NEW_INVITE, headers=page_headers(client))
    slug = made.json()["slug"]
    purger = RecordingPurger()
    publisher = dataclasses.replace(deps.publisher, purger=purger, removal_delay=0.0)
    await publishing.publish(publisher, _invite_id(database_url, slug))
    folder = Path(deps.settings.storage.local_dir) / "i" / slug
    published = sorted(path.name for path in folder.iterdir())
    assert "index.html" in published and any(name.startswith("og-") for name in published)

    assert (await client.delete("/api/me", headers=page_headers(client))).status_code == 204
    (owed,) = _owed(database_url)
    assert owed[1:] == (slug, f"i/{slug}/", 2)  # now, and once more after the grace period
    removal = await removals.start(publisher, owed[0])
    assert removal is not None
    removed = await removals.run(publisher, removal)

    assert not folder.exists()
    assert sorted(key.rsplit("/", 1)[1] for key in removed.keys) == published
    assert removed.more  # the second pass, for a publish that was in flight
    purge = purger.requests[-1]
    assert f"slug-{slug}" in purge.keys
    assert {f"/i/{slug}/{name}" for name in published} <= set(purge.paths)


async def test_the_second_pass_deletes_what_a_late_publish_wrote(
    api: httpx.AsyncClient, auth: dict[str, str], deps: Any, database_url: str
) -> None:
    slug = (await api.post("/api/invites", json=NEW_INVITE, headers=auth)).json()["slug"]
    assert (await api.delete("/api/me", headers=auth)).status_code == 204
    publisher = dataclasses.replace(deps.publisher, purger=RecordingPurger(), removal_delay=0.0)
    ((removal_id, *_),) = _owed(database_url)
    first = await removals.start(publisher, removal_id)
    assert first is not None
    await removals.run(publisher, first)
    # A publish that was already running writes after the first pass:
    late = Path(deps.settings.storage.local_dir) / "i" / slug / "index.html"
    late.parent.mkdir(parents=True)
    late.write_text("stale")
    second = await removals.start(publisher, removal_id)
    assert second is not None
    result = await removals.run(publisher, second)

    assert not result.more
    assert not late.exists()
    assert _owed(database_url) == []


def _owed(database_url: str) -> list[tuple[int, str, str, int]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT id, slug, prefix, passes FROM storage_removals ORDER BY slug"
        ).fetchall()
    return [(int(i), str(slug), str(prefix), int(passes)) for i, slug, prefix, passes in rows]


@pytest.fixture
def s3_storage(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Storage]:
    from moto.server import ThreadedMotoServer

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    httpx.post(f"{endpoint}/moto-api/reset").raise_for_status()
    client: Any = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="erasures")
    yield S3Storage(bucket="erasures", endpoint_url=endpoint, region="us-east-1")
    server.stop()


def _object(key: str) -> StoredObject:
    return StoredObject(key=key, body=b"x", content_type="text/plain", cache_control="no-store")


@pytest.mark.parametrize("backend", ["local", "s3"])
async def test_delete_prefix_deletes_one_invites_folder_only(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    storage: Any = (
        LocalStorage(tmp_path) if backend == "local" else request.getfixturevalue("s3_storage")
    )
    keys = [f"i/AAAAAAAAAAAA/{name}" for name in ("index.html", "og-1.jpg", "rsvps.json")]
    for key in [*keys, "i/AAAAAAAAAAAAB/index.html", "r/1/photo.jpg"]:
        await storage.put(_object(key))

    deleted = await storage.delete_prefix("i/AAAAAAAAAAAA/")

    assert deleted == sorted(keys)
    assert await storage.get("i/AAAAAAAAAAAA/index.html") is None
    assert await storage.get("i/AAAAAAAAAAAAB/index.html") == b"x"  # a longer slug stays
    assert await storage.get("r/1/photo.jpg") == b"x"
    assert await storage.delete_prefix("i/AAAAAAAAAAAA/") == []
    for bad in ("", "/", "i", "../", "i/../"):
        with pytest.raises(ValueError, match="not a"):
            await storage.delete_prefix(bad)
