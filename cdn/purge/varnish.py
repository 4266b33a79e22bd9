"""Purging our own Varnish: by surrogate key (xkey) over HTTP, from an allowed address, with
the shared secret in a header when one is configured (the edge's VCL checks both)."""

from __future__ import annotations

from functools import partial

import httpx

from cdn.purge.base import PurgeRequest
from cdn.purge.retry import with_retries

# The header a purge carries TABLEFOR_PURGE_SECRET in; cdn/edge.vcl.j2 checks it.
SECRET_HEADER = "X-Tablefor-Purge-Secret"  # noqa: S105 - a header name, not a secret


class VarnishPurger:
    name = "varnish"

    def __init__(
        self,
        urls: list[str],
        *,
        secret: str | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._urls = [url.rstrip("/") for url in urls]
        self._headers = {SECRET_HEADER: secret} if secret else {}
        self._client = client or httpx.AsyncClient(timeout=5.0)

    async def purge(self, request: PurgeRequest, *, soft: bool = False) -> None:
        """Keys when there are any (one request clears every object of an invite), else paths."""
        header = "xkey-softpurge" if soft else "xkey-purge"
        for url in self._urls:  # every edge node
            if request.keys:
                keys = {header: " ".join(request.keys)}
                await with_retries(self.name, partial(self._send, "PURGE", f"{url}/", keys))
                continue
            for path in request.paths:
                await with_retries(self.name, partial(self._send, "PURGE", f"{url}{path}", {}))

    async def purge_all(self) -> None:
        for url in self._urls:
            await with_retries(self.name, partial(self._send, "BAN", f"{url}/", {}))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _send(self, method: str, url: str, headers: dict[str, str]) -> httpx.Response:
        return await self._client.request(method, url, headers={**self._headers, **headers})
