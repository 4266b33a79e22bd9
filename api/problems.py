"""The one place errors become `application/problem+json` responses (RFC 9457)."""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from core import errors

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("tablefor.api")

_STATUS: dict[type[errors.TableforError], int] = {
    errors.MalformedInput: 400,
    errors.NotFound: 404,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.InvalidInput: 422,
    errors.Conflict: 409,
    errors.IdempotencyMismatch: 422,
    errors.IdempotencyInFlight: 409,
    errors.RateLimited: 429,
    errors.Unavailable: 503,
}

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "Gone",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response[bytes]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    request_id = request.scope.get("state", {}).get("request_id")
    if request_id:
        body["request_id"] = request_id
    if extra:
        body.update(extra)
    return Response(
        msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def on_domain_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    assert isinstance(exc, errors.TableforError)
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
    headers: dict[str, str] = {}
    if isinstance(exc, errors.Unavailable):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, errors.NotMigrated):
        log.error("the database is not migrated", exc_info=exc)  # an operator must act
    if isinstance(exc, errors.RateLimited):
        headers.update(rate_limit_headers(exc.limit, 0, exc.retry_after, exc.window))
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, errors.IdempotencyInFlight):
        headers["Retry-After"] = "1"
    if isinstance(exc, errors.Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="tablefor"'
    extra = None
    if isinstance(exc, errors.InvalidField):  # the shape of a validation error's list
        extra = {"errors": [{"message": exc.detail, "key": exc.field, "source": "body"}]}
    return problem(request, status, exc.detail, headers=headers, extra=extra)


def on_validation_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    assert isinstance(exc, ValidationException)
    problems = [
        {
            "message": _friendly(item.get("message")),
            "key": item.get("key"),
            "source": item.get("source"),
        }
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]
    detail = "; ".join(
        f"{p['key']}: {p['message']}" if p["key"] else str(p["message"])
        for p in problems
        if p["message"]
    )
    return problem(
        request, 400, detail or exc.detail, extra={"errors": problems} if problems else None
    )


def _friendly(message: object) -> object:
    """msgspec's words for our "visible character" pattern are a regex; say what it means."""
    if isinstance(message, str) and "matching regex '\\S'" in message:
        return message.split(" matching regex")[0].replace("Expected `str`", "Expected text") + (
            " that is not blank"
        )
    return message


def on_http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    detail = exc.detail if status < 500 else "The server could not handle this request."
    return problem(request, status, detail, headers=exc.headers)


def on_unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """Log the whole error for us; tell the client nothing internal, only the request id."""
    log.error("unhandled error", exc_info=exc)
    return problem(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Something went wrong on our side. Quote the request id if you report it.",
    )


def rate_limit_headers(limit: int, remaining: int, reset: int, window: int) -> dict[str, str]:
    """The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers, -07 names)."""
    return {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(max(0, remaining)),
        "RateLimit-Reset": str(max(0, reset)),
        "RateLimit-Policy": f"{limit};w={window}",
    }


EXCEPTION_HANDLERS = {
    errors.TableforError: on_domain_error,
    ValidationException: on_validation_error,
    HTTPException: on_http_error,
    Exception: on_unexpected_error,
}
