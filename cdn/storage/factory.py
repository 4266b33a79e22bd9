"""The backend TABLEFOR_STORAGE names."""

from __future__ import annotations

from cdn.storage.base import Storage
from core.settings import StorageSettings


def create_storage(settings: StorageSettings, *, tag_metadata: str | None = None) -> Storage:
    """`tag_metadata`: also store each object's surrogate keys as comma-separated cache tags
    under this S3 metadata key (PurgeSettings.s3_tag_metadata, for CloudFront)."""
    if settings.backend == "s3":
        from cdn.storage.s3 import S3Storage

        assert settings.s3_bucket is not None
        return S3Storage(
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            tag_metadata=tag_metadata,
        )
    from cdn.storage.local import LocalStorage

    return LocalStorage(settings.local_dir)
