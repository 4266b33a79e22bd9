"""The local-directory backend: what the nginx origin serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdn.storage.base import StoredObject
from cdn.storage.local import LocalStorage

SLUG = "AbCdEfGhIjKlMn"


def obj(key: str, body: bytes = b"x") -> StoredObject:
    return StoredObject(key=key, body=body, content_type="text/plain", cache_control="no-store")


async def test_keys_lists_a_folder_and_nothing_beside_it(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    for key in (f"i/{SLUG}/index.html", f"i/{SLUG}/og-1.jpg", f"i/{SLUG}x/index.html", "r/1/a.jpg"):
        await storage.put(obj(key))

    assert await storage.keys(f"i/{SLUG}/") == [f"i/{SLUG}/index.html", f"i/{SLUG}/og-1.jpg"]
    assert await storage.keys("i/NoSuchSlug12/") == []


async def test_delete_prefix_removes_the_folder_and_only_it(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    for key in (f"i/{SLUG}/index.html", f"i/{SLUG}/deep/og-1.jpg", f"i/{SLUG}x/index.html"):
        await storage.put(obj(key))
    (tmp_path / f"i/{SLUG}/.tmp-half-written").write_bytes(b"x")

    deleted = await storage.delete_prefix(f"i/{SLUG}/")

    assert deleted == [
        f"i/{SLUG}/.tmp-half-written",
        f"i/{SLUG}/deep/og-1.jpg",
        f"i/{SLUG}/index.html",
    ]
    assert not (tmp_path / "i" / SLUG).exists()  # no empty folder left behind
    assert await storage.get(f"i/{SLUG}x/index.html") == b"x"
    assert await storage.delete_prefix(f"i/{SLUG}/") == []


@pytest.mark.parametrize("prefix", ["", "/", "i", "i/../", "../", "/i/"])
async def test_a_prefix_that_is_not_one_folder_is_refused(tmp_path: Path, prefix: str) -> None:
    storage = LocalStorage(tmp_path)
    await storage.put(obj("i/x/index.html"))
    with pytest.raises(ValueError, match="not a storage"):
        await storage.delete_prefix(prefix)
    assert await storage.get("i/x/index.html") == b"x"
