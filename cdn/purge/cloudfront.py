"""Purging CloudFront: invalidations, only for what must be gone at once.

Each invalidated path beyond the first 1,000 a month is billed (USD 0.005; a tag counts as one
path: docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/PayingForInvalidation.html).
So on CloudFront objects that change in place live at the edge only seconds (cdn/layout.py,
`Freshness.EXPIRING`) and a change reaches readers by expiry; only urgent requests (a cancel, a
delete, a private link's rotation, `tablefor purge`: `PurgeReason.urgent`) are invalidated.

CloudFront can invalidate by cache tag, on distributions configured for it
(docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/invalidation-by-tags.html): the
distribution's `CacheTagConfig` names a response header (CLOUDFRONT_CACHE_TAG_HEADER; for an S3
origin `x-amz-meta-cache-tag`, which cdn/storage/s3.py then stores), and an invalidation item
`#tag` clears every object carrying the tag. With tags a request's keys are invalidated, one item
each, and its paths are not needed; without, its paths are.

At most 3,000 paths may be in progress per distribution, so callers do not send: they add
their items to a pending batch, and one flusher sends batches of up to 1,000 within the
budget left by this process's own invalidations still in progress, asking CloudFront which
have completed when the budget runs out. Invalidations made elsewhere (another worker, the
console) are not counted: CloudFront's TooManyInvalidationsInProgress is retried for those.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from functools import partial
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from cdn.purge.base import PurgeFailed, PurgeRequest
from cdn.purge.coalesce import Pending, close_flusher, linger, settle, wait_for

log = logging.getLogger("tablefor.purge")

MAX_IN_PROGRESS = 3_000  # paths per distribution, CloudFront's limit
BATCH_PATHS = 1_000
MAX_TAG_LENGTH = 256
LINGER = 1.0  # seconds a batch waits for company before it is sent (unless it is full)
CLOSE_TIMEOUT = 10.0
ATTEMPTS = 5
RETRY_DELAY = 1.0
POLL_DELAY = 2.0  # first wait for in-progress invalidations to complete; doubles up to 30 s
MAX_DELAY = 30.0
RETRYABLE = frozenset({"Throttling", "TooManyInvalidationsInProgress", "ServiceUnavailable"})
BOTO_CONFIG = Config(
    retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=3, read_timeout=10
)


class CloudFrontPurger:
    """`soft` means nothing to CloudFront: an invalidation is always a hard purge."""

    name = "cloudfront"

    def __init__(
        self,
        *,
        distribution_id: str,
        endpoint_url: str | None = None,
        client: Any = None,
        max_in_progress: int = MAX_IN_PROGRESS,
        batch_paths: int = BATCH_PATHS,
        linger: float = LINGER,
        poll_delay: float = POLL_DELAY,
        retry_delay: float = RETRY_DELAY,
        close_timeout: float = CLOSE_TIMEOUT,
        cache_tags: bool = False,
    ) -> None:
        """`cache_tags`: the distribution has a CacheTagConfig whose header the origin sends."""
        self._distribution = distribution_id
        self._cache_tags = cache_tags
        self._owns_client = client is None
        self._client = client if client is not None else _boto_client(endpoint_url)
        self._max_in_progress, self._batch_paths = max_in_progress, batch_paths
        self._linger, self._poll_delay = linger, poll_delay
        self._retry_delay, self._close_timeout = retry_delay, close_timeout
        self._in_progress: dict[str, int] = {}  # our invalidation id -> its paths, oldest first
        self._full = asyncio.Event()
        self._pending = Pending(min(batch_paths, max_in_progress), self._full)
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False

    async def purge(self, request: PurgeRequest, *, soft: bool = False) -> None:
        if not request.reason.urgent:
            return  # the objects' short shared lifetimes bring the change (cdn/layout.py)
        items = self.items(request)
        if not items:
            return
        if self._closed:
            raise PurgeFailed("cloudfront purge not sent: purger closed")
        futures = self._pending.add(items)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="cloudfront-purge")
        await wait_for(futures)

    def items(self, request: PurgeRequest) -> tuple[str, ...]:
        """What an invalidation of the request lists: `#key` per tag, else the paths."""
        if self._cache_tags and request.keys:
            return tuple(_tag_item(key) for key in request.keys)
        return request.paths

    async def purge_all(self) -> None:
        """One wildcard: wildcards have a limit of their own (15 in progress), not counted here."""
        await self._invalidate(["/*"])

    async def aclose(self) -> None:
        self._closed = True
        self._full.set()  # what is pending goes now, without waiting for company
        await close_flusher(self._flusher, self._close_timeout)
        self._pending.fail_all(PurgeFailed("cloudfront purge not sent: purger closed"), self.name)
        if self._owns_client:
            await asyncio.to_thread(self._client.close)

    async def _flush(self) -> None:
        try:
            await linger(self._full, self._linger)
            while self._pending:
                budget = await self._budget()  # paths keep joining the batch meanwhile
                await self._send(self._pending.take(min(self._batch_paths, budget)))
            self._full.clear()  # nothing is pending: a signal from a past batch is stale
        except asyncio.CancelledError as error:  # by aclose: nobody may wait forever
            self._pending.fail_all(error, self.name)
            raise
        except PurgeFailed as failure:  # cannot tell what is in progress: fail who waits
            self._pending.fail_all(failure, self.name)
        except Exception as error:  # a bug: fail who waits, and say so
            self._pending.fail_all(error, self.name)
            log.exception("cloudfront purge flusher failed")

    async def _send(self, batch: dict[str, asyncio.Future[None]]) -> None:
        try:
            invalidation = await self._invalidate(list(batch))
        except Exception as error:  # this batch failed; the next one may not
            settle(batch.values(), error, self.name)
        except BaseException as error:  # cancelled mid-send: its callers must hear of it
            settle(batch.values(), error, self.name)
            raise
        else:
            if not _completed(invalidation):
                self._in_progress[invalidation["Id"]] = len(batch)
            settle(batch.values(), None, self.name)

    async def _invalidate(self, paths: list[str]) -> dict[str, Any]:
        # One reference for every attempt: a retried request CloudFront already took is
        # recognised as the same invalidation instead of being made twice.
        batch = {
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": f"tablefor-{uuid.uuid4().hex}",
        }
        answer = await self._call(
            "create_invalidation", DistributionId=self._distribution, InvalidationBatch=batch
        )
        invalidation: dict[str, Any] = answer["Invalidation"]
        return invalidation

    async def _budget(self) -> int:
        """Paths we may still put in progress: waits, asking CloudFront, until there are some."""
        delay = self._poll_delay
        while (budget := self._free()) <= 0:
            await self._refresh()
            if self._free() <= 0:
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)
        return budget

    def _free(self) -> int:
        return self._max_in_progress - sum(self._in_progress.values())

    async def _refresh(self) -> None:
        """Forget our invalidations that have completed, oldest first, until enough is free."""
        wanted = min(len(self._pending), self._batch_paths, self._max_in_progress)
        for invalidation_id in list(self._in_progress):
            if self._free() >= wanted:
                return
            if await self._is_completed(invalidation_id):
                del self._in_progress[invalidation_id]

    async def _is_completed(self, invalidation_id: str) -> bool:
        try:
            answer = await self._call(
                "get_invalidation", DistributionId=self._distribution, Id=invalidation_id
            )
        except PurgeFailed as failure:
            if _code(failure.__cause__) == "NoSuchInvalidation":
                return True  # CloudFront no longer knows it: it is not in progress
            raise
        return _completed(answer["Invalidation"])

    async def _call(self, operation: str, **params: Any) -> Any:
        """Call boto3 in a thread, retrying throttling, 5xx and lost connections."""
        method = partial(getattr(self._client, operation), **params)
        attempt = 1
        while True:
            try:
                return await asyncio.to_thread(method)
            except (ClientError, BotoCoreError) as error:
                if not _retryable(error) or attempt == ATTEMPTS:
                    raise PurgeFailed(f"cloudfront {operation} failed: {error}") from error
                log.warning(
                    "purge retry", extra={"adapter": self.name, "attempt": attempt, "error": error}
                )
            await asyncio.sleep(_backoff(attempt, self._retry_delay))
            attempt += 1


def _boto_client(endpoint_url: str | None) -> Any:
    # CloudFront is global and signs in us-east-1; a custom endpoint needs that said.
    # Credentials come from boto3's own chain (environment, profile, instance role).
    return boto3.client(
        "cloudfront", region_name="us-east-1", endpoint_url=endpoint_url, config=BOTO_CONFIG
    )


def _tag_item(key: str) -> str:
    """A tag as an invalidation item: `#` then the tag, visible ASCII without commas, at most
    256 characters, no wildcard (docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/
    invalidation-specifying-tags.html). Our keys are slugs and ids, so always valid; tags match
    case-insensitively, so `#slug-AbC` also clears a `slug-abc`: a harmless extra refetch."""
    if not key or len(key) > MAX_TAG_LENGTH or not all(33 <= ord(c) <= 126 for c in key):
        raise PurgeFailed(f"cloudfront purge failed: {key!r} cannot be a cache tag")
    if "," in key or "*" in key:
        raise PurgeFailed(f"cloudfront purge failed: {key!r} cannot be a cache tag")
    return f"#{key}"


def _completed(invalidation: dict[str, Any]) -> bool:
    return str(invalidation.get("Status", "")).casefold() == "completed"


def _code(error: BaseException | None) -> str | None:
    if not isinstance(error, ClientError):
        return None
    code: str | None = error.response.get("Error", {}).get("Code")
    return code


def _retryable(error: Exception) -> bool:
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return _code(error) in RETRYABLE or status == 429 or status >= 500
    return isinstance(error, BotoConnectionError | HTTPClientError)


def _backoff(attempt: int, base: float) -> float:
    return random.uniform(0, min(MAX_DELAY, base * 2 ** (attempt - 1)))
