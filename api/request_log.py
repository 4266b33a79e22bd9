"""One JSON log line per request, with a request id taken from X-Request-ID or made here."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from core.logs import bind_request_id, unbind_request_id

# Plain ASGI types: this sits outside Litestar, in front of every request.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("tablefor.request")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestLogMiddleware:
    """Pure ASGI (no per-request objects beyond the dict): it sits on the hot path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or secrets.token_hex(8)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        bound = bind_request_id(request_id)  # for every log line and job of this request
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _log_line(scope, state, request_id, status, started)
            unbind_request_id(bound)


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            return candidate if _VALID_ID.match(candidate) else None
    return None


def _log_line(
    scope: Scope, state: dict[str, Any], request_id: str, status: int, started: float
) -> None:
    client = scope.get("client")
    log.info(
        "request",
        extra={
            "request_id": request_id,
            "method": scope.get("method"),
            "endpoint": scope.get("path_template") or scope.get("path"),
            "status": status,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
            "client_ip": client[0] if client else None,
            "invite_id": state.get("invite_id"),
        },
    )
