"""The S3 backend over real HTTP against a local S3-compatible server (moto), and the edge
reading from it as its origin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import msgspec
import pytest

from cdn.edge import Edge, free_port, plan_for
from cdn.storage.base import StoredObject
from cdn.storage.s3 import S3Storage
from core.env import Env
from core.settings import purge_from, storage_from

BUCKET = "tablefor-public"


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    # Fake credentials for the fake server; never real ones, and no profile lookups.
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
    httpx.post(f"{endpoint}/moto-api/reset").raise_for_status()  # moto's state is per process
    client: Any = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_policy(
        Bucket=BUCKET,
        Policy=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
            f'"Action":"s3:GetObject","Resource":"arn:aws:s3:::{BUCKET}/*"}}]}}'
        ),
    )
    yield endpoint
    server.stop()


def page(body: bytes = b"<html>v1</html>") -> StoredObject:
    return StoredObject(
        key="i/AbCdEfGhIjKlMn/index.html",
        body=body,
        content_type="text/html; charset=utf-8",
        cache_control="public, max-age=0, s-maxage=86400",
        surrogate_keys=("slug-AbCdEfGhIjKlMn", "invite-7"),
    )


async def test_put_stores_bytes_headers_and_surrogate_keys(s3_endpoint: str) -> None:
    storage = S3Storage(bucket=BUCKET, endpoint_url=s3_endpoint, region="us-east-1")

    assert await storage.put(page()) is True

    response = httpx.get(f"{s3_endpoint}/{BUCKET}/i/AbCdEfGhIjKlMn/index.html")
    assert response.content == b"<html>v1</html>"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=0, s-maxage=86400"
    assert response.headers["x-amz-meta-surrogate-key"] == "slug-AbCdEfGhIjKlMn invite-7"
    assert await storage.get("i/AbCdEfGhIjKlMn/index.html") == b"<html>v1</html>"
    assert await storage.get("i/missing/index.html") is None


async def test_unchanged_objects_are_not_written_again(s3_endpoint: str) -> None:
    storage = S3Storage(bucket=BUCKET, endpoint_url=s3_endpoint, region="us-east-1")
    assert await storage.put(page()) is True
    assert await storage.put(page()) is False
    assert await storage.put(page(b"<html>v2</html>")) is True


async def test_with_cloudfront_tags_the_keys_are_stored_as_cache_tag_metadata(
    s3_endpoint: str,
) -> None:
    """CloudFront reads comma-separated tags from the header its CacheTagConfig names; an S3
    origin sends metadata `cache-tag` as `x-amz-meta-cache-tag`. Turning tags on rewrites an
    object stored without them."""
    plain = S3Storage(bucket=BUCKET, endpoint_url=s3_endpoint, region="us-east-1")
    tagged = S3Storage(
        bucket=BUCKET, endpoint_url=s3_endpoint, region="us-east-1", tag_metadata="cache-tag"
    )
    await plain.put(page())

    assert await tagged.put(page()) is True
    assert await tagged.put(page()) is False

    response = httpx.get(f"{s3_endpoint}/{BUCKET}/i/AbCdEfGhIjKlMn/index.html")
    assert response.headers["x-amz-meta-cache-tag"] == "slug-AbCdEfGhIjKlMn,invite-7"
    assert response.headers["x-amz-meta-surrogate-key"] == "slug-AbCdEfGhIjKlMn invite-7"
    await tagged.put(msgspec.structs.replace(page(), key="assets/app.js", surrogate_keys=()))
    untagged = httpx.get(f"{s3_endpoint}/{BUCKET}/assets/app.js")
    assert untagged.status_code == 200 and "x-amz-meta-cache-tag" not in untagged.headers


async def test_bad_keys_never_reach_the_store(s3_endpoint: str) -> None:
    storage = S3Storage(bucket=BUCKET, endpoint_url=s3_endpoint, region="us-east-1")
    with pytest.raises(ValueError, match="not a storage key"):
        await storage.put(msgspec.structs.replace(page(), key="../etc/passwd"))


async def test_keys_and_delete_prefix_cover_one_folder_only(s3_endpoint: str) -> None:
    storage = S3Storage(bucket=BUCKET, endpoint_url=s3_endpoint, region="us-east-1")
    slug = "AbCdEfGhIjKlMn"
    keys = [f"i/{slug}/index.html", f"i/{slug}/og-1.jpg", f"i/{slug}x/index.html", "r/1/a.jpg"]
    for key in keys:
        await storage.put(msgspec.structs.replace(page(), key=key))

    listed = await storage.keys(f"i/{slug}/")
    deleted = await storage.delete_prefix(f"i/{slug}/")

    assert listed == deleted == [f"i/{slug}/index.html", f"i/{slug}/og-1.jpg"]
    assert await storage.keys(f"i/{slug}/") == []
    assert httpx.get(f"{s3_endpoint}/{BUCKET}/i/{slug}/og-1.jpg").status_code == 404
    assert await storage.get(f"i/{slug}x/index.html") == b"<html>v1</html>"
    assert await storage.get("r/1/a.jpg") == b"<html>v1</html>"
    with pytest.raises(ValueError, match="not a storage prefix"):
        await storage.delete_prefix("i")


async def test_the_edge_serves_and_purges_objects_from_s3(s3_endpoint: str, tmp_path: Any) -> None:
    env = Env(
        {
            "TABLEFOR_STORAGE": "s3",
            "TABLEFOR_S3_BUCKET": BUCKET,
            "TABLEFOR_S3_ENDPOINT_URL": s3_endpoint,
        }
    )
    storage = S3Storage(bucket=BUCKET, endpoint_url=s3_endpoint, region="us-east-1")
    await storage.put(page())
    await storage.put(
        StoredObject(
            key="404.html",
            body=b"<html>We can't find that invite</html>",
            content_type="text/html; charset=utf-8",
            cache_control="public, max-age=0, s-maxage=10",
        )
    )
    plan = plan_for(
        data_dir=tmp_path,
        storage=storage_from(env, tmp_path),
        purge=purge_from(env),
        port=free_port(),
        api_port=free_port(),
        run_dir=tmp_path / "edge",
    )
    with Edge(plan) as edge:
        first = httpx.get(f"{edge.url}/i/AbCdEfGhIjKlMn")
        second = httpx.get(f"{edge.url}/i/AbCdEfGhIjKlMn")
        await storage.put(page(b"<html>v2</html>"))
        purge = httpx.request(
            "PURGE", f"{edge.url}/", headers={"xkey-purge": "slug-AbCdEfGhIjKlMn"}
        )
        third = httpx.get(f"{edge.url}/i/AbCdEfGhIjKlMn")
        missing = httpx.get(f"{edge.url}/i/ZZZZZZZZZZZZZZ")

    assert first.text == "<html>v1</html>"
    assert second.headers["x-cache"] == "HIT"
    assert "x-amz-meta-surrogate-key" not in second.headers
    assert purge.text == "Purged 1"
    assert third.text == "<html>v2</html>"
    assert missing.status_code == 404
    assert "find that invite" in missing.text
    assert missing.headers["cache-control"] == "public, max-age=0, s-maxage=10"


def test_the_s3_origin_must_be_plain_http_for_varnish() -> None:
    from core.errors import SettingsError

    env = Env(
        {
            "TABLEFOR_STORAGE": "s3",
            "TABLEFOR_S3_BUCKET": BUCKET,
            "TABLEFOR_S3_ENDPOINT_URL": "https://s3.amazonaws.com",
        }
    )
    with pytest.raises(SettingsError, match="plain-HTTP"):
        plan_for(
            data_dir=Path("var"),
            storage=storage_from(env, Path("var")),
            purge=purge_from(env),
            port=8080,
            api_port=8000,
        )
