"""Object storage: one seam, a local-directory backend and an S3 backend."""

from __future__ import annotations

from typing import Protocol

import msgspec

from tablefor.settings import StorageSettings


class StoredObject(msgspec.Struct, frozen=True, kw_only=True):
    key: str  # e.g. "i/AbC…/index.html"; no leading slash
    body: bytes
    content_type: str
    cache_control: str
    surrogate_keys: tuple[str, ...] = ()


class Storage(Protocol):
    async def put(self, obj: StoredObject) -> bool:
        """Write the object; False (and no write) when the stored bytes are already these."""
        ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...


def create_storage(settings: StorageSettings) -> Storage:
    if settings.backend == "s3":
        from cdn.s3_storage import S3Storage

        assert settings.s3_bucket is not None
        return S3Storage(
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
        )
    from cdn.local_storage import LocalStorage

    return LocalStorage(settings.local_dir)


def check_key(key: str) -> str:
    parts = key.split("/")
    if key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a storage key: {key!r}")
    return key
