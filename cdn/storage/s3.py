"""Storage in S3 or any S3-compatible store, through boto3 (synchronous: run in threads)."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from cdn.storage.base import StoredObject, check_key, check_prefix


class S3Storage:
    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str,
        tag_metadata: str | None = None,
    ) -> None:
        """`tag_metadata` (e.g. "cache-tag"): the metadata key a CloudFront distribution reads
        cache tags from, as the `x-amz-meta-cache-tag` header its CacheTagConfig names."""
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self._tag_metadata = tag_metadata
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            config=Config(
                # Path-style and checksums only when required: boto3 >= 1.36 sends CRC
                # checksums that several S3-compatible stores reject.
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=3,
                read_timeout=10,
            ),
        )

    async def put(self, obj: StoredObject) -> bool:
        return await asyncio.to_thread(self._put, obj)

    async def get(self, key: str) -> bytes | None:
        return await asyncio.to_thread(self._get, key)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._client.delete_object, Bucket=self.bucket, Key=check_key(key))

    async def keys(self, prefix: str) -> list[str]:
        return await asyncio.to_thread(self._keys, check_prefix(prefix))

    async def delete_prefix(self, prefix: str) -> list[str]:
        return await asyncio.to_thread(self._delete_prefix, check_prefix(prefix))

    def _keys(self, prefix: str) -> list[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def _delete_prefix(self, prefix: str) -> list[str]:
        """One DeleteObject a key: an invite has a handful, and the batch call requires a
        checksum that several S3-compatible stores refuse in boto3's default form."""
        deleted = self._keys(prefix)
        for key in deleted:
            self._client.delete_object(Bucket=self.bucket, Key=key)
        return deleted

    def _put(self, obj: StoredObject) -> bool:
        metadata = self._metadata(obj)
        if self._stored_digest(obj.key) == metadata["digest"]:
            return False
        self._client.put_object(
            Bucket=self.bucket,
            Key=check_key(obj.key),
            Body=obj.body,
            ContentType=obj.content_type,
            CacheControl=obj.cache_control,
            Metadata=metadata,
        )
        return True

    def _metadata(self, obj: StoredObject) -> dict[str, str]:
        """Returned as x-amz-meta-* headers. Our Varnish edge and Fastly (deploy/fastly/) copy
        surrogate-key into their keys; CloudFront reads comma-separated tags from the header
        its CacheTagConfig names (docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/
        invalidation-by-tags.html), so with tags on, the same keys go there as well."""
        metadata = {"surrogate-key": " ".join(obj.surrogate_keys)}
        if self._tag_metadata is not None and obj.surrogate_keys:
            metadata[self._tag_metadata] = ",".join(obj.surrogate_keys)
        # The tag key is part of what is stored: turning tags on rewrites objects once.
        metadata["digest"] = _digest(obj, extra=self._tag_metadata)
        return metadata

    def _stored_digest(self, key: str) -> str | None:
        head = self._unless_missing(self._client.head_object, key)
        digest: str | None = head.get("Metadata", {}).get("digest") if head else None
        return digest

    def _get(self, key: str) -> bytes | None:
        response = self._unless_missing(self._client.get_object, key)
        body: bytes | None = response["Body"].read() if response else None
        return body

    def _unless_missing(self, call: Any, key: str) -> dict[str, Any] | None:
        """The call's answer for the key, or None when the store has no such object."""
        from botocore.exceptions import ClientError

        try:
            answer: dict[str, Any] = call(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return answer


def _digest(obj: StoredObject, *, extra: str | None = None) -> str:
    """Bytes and headers together: a changed Cache-Control or key list is a change too."""
    h = hashlib.sha256(obj.body)
    parts = (obj.content_type, obj.cache_control, " ".join(obj.surrogate_keys))
    for part in (*parts, *((extra,) if extra is not None else ())):
        h.update(b"\0" + part.encode())
    return h.hexdigest()
