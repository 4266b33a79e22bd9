"""A purger that remembers what it was asked, for tests of the publisher alone."""

from __future__ import annotations

from cdn.purge.base import PurgeRequest


class RecordingPurger:
    name = "recording"

    def __init__(self) -> None:
        self.requests: list[PurgeRequest] = []

    async def purge(self, request: PurgeRequest, *, soft: bool = False) -> None:
        self.requests.append(request)

    async def purge_all(self) -> None:
        return None

    async def aclose(self) -> None:
        return None
