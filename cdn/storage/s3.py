"""Storage in S3 or any S3-compatible store, through boto3 (synchronous: run in threads)."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from cdn.storage.base import StoredObject, check_key, check_prefix


class S3Storage:
    def __init__(self, *, bucket: str, endpoint_url: str | None, region: str) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
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

    async def delete_prefix(self, prefix: str) -> list[str]:
        return await asyncio.to_thread(self._delete_prefix, check_prefix(prefix))

    def _delete_prefix(self, prefix: str) -> list[str]:
        deleted: list[str] = []
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        for page in pages:
            keys = [item["Key"] for item in page.get("Contents", [])]
            if keys:  # a listing page holds at most 1,000 keys: one delete call's limit
                self._client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True},
                )
                deleted.extend(keys)
        return sorted(deleted)

    def _put(self, obj: StoredObject) -> bool:
        digest = _digest(obj)
        if self._stored_digest(obj.key) == digest:
            return False
        self._client.put_object(
            Bucket=self.bucket,
            Key=check_key(obj.key),
            Body=obj.body,
            ContentType=obj.content_type,
            CacheControl=obj.cache_control,
            # Returned as x-amz-meta-* headers: the edge copies surrogate-key into its tags.
            Metadata={"surrogate-key": " ".join(obj.surrogate_keys), "digest": digest},
        )
        return True

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


def _digest(obj: StoredObject) -> str:
    """Bytes and headers together: a changed Cache-Control or key list is a change too."""
    h = hashlib.sha256(obj.body)
    for part in (obj.content_type, obj.cache_control, " ".join(obj.surrogate_keys)):
        h.update(b"\0" + part.encode())
    return h.hexdigest()
