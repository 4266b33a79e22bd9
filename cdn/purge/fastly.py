"""Purging Fastly: by surrogate key (the origin sends `Surrogate-Key: a b`), up to 256 keys a
call; requests without keys fall back to purging each URL."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TypeVar
from urllib.parse import urlsplit

import httpx
import msgspec

from cdn.purge.base import PurgeFailed, PurgeRequest
from cdn.purge.retry import BASE_DELAY, with_retries

MAX_KEYS = 256  # per multi-key purge call

T = TypeVar("T")


class _Status(msgspec.Struct):
    status: str


class FastlyPurger:
    name = "fastly"

    def __init__(
        self,
        *,
        service_id: str,
        token: str,
        base_url: str = "https://api.fastly.com",
        client: httpx.AsyncClient | None = None,
        public_url: str | None = None,
        retry_delay: float = BASE_DELAY,
    ) -> None:
        """`public_url` names the host whose URLs a path-only request purges."""
        self._base = base_url.rstrip("/")
        self._service = f"{self._base}/service/{service_id}"
        self._headers = {"Fastly-Key": token, "Accept": "application/json"}
        self._host = urlsplit(public_url).netloc if public_url else None
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=10.0)
        self._retry_delay = retry_delay

    async def purge(self, request: PurgeRequest, *, soft: bool = False) -> None:
        """Keys when there are any (one key clears every object of an invite). Without keys,
        each path goes to Fastly's single-URL purge, `POST /purge/{host}{path}`: one call a
        URL, and it needs the public host."""
        headers = {**self._headers, **({"Fastly-Soft-Purge": "1"} if soft else {})}
        for keys in _chunks(tuple(dict.fromkeys(request.keys)), MAX_KEYS):
            await self._purge_keys(keys, headers)
        if request.keys or not request.paths:
            return
        if self._host is None:
            raise PurgeFailed("fastly purge failed: paths without keys need the public URL")
        for path in request.paths:
            await self._call(f"{self._base}/purge/{self._host}{path}", headers, None)

    async def purge_all(self) -> None:
        await self._call(f"{self._service}/purge_all", self._headers, None)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def _purge_keys(self, keys: tuple[str, ...], headers: dict[str, str]) -> None:
        body = {"surrogate_keys": list(keys)}
        response = await self._send(f"{self._service}/purge", headers, body)
        # Success is a map of every key to its purge id.
        ids = _decode(response, dict[str, str])
        if missing := [key for key in keys if key not in ids]:
            raise PurgeFailed(f"fastly purge failed: no purge id for {missing[:5]}")

    async def _call(self, url: str, headers: dict[str, str], body: object) -> None:
        response = await self._send(url, headers, body)
        if (status := _decode(response, _Status).status) != "ok":
            raise PurgeFailed(f"fastly purge failed: status {status!r}")

    async def _send(self, url: str, headers: dict[str, str], body: object) -> httpx.Response:
        post = partial(self._client.post, url, headers=headers, json=body)
        return await with_retries(self.name, post, base_delay=self._retry_delay)


def _decode(response: httpx.Response, kind: type[T]) -> T:
    try:
        return msgspec.json.decode(response.content, type=kind)
    except msgspec.MsgspecError as error:
        raise PurgeFailed(
            f"fastly purge failed: unexpected answer ({error}): {response.text[:200]}"
        ) from error


def _chunks(items: tuple[str, ...], size: int) -> Iterator[tuple[str, ...]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
