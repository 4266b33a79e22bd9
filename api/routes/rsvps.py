"""POST /api/invites/{slug}/rsvp: JSON from the page's script, or a plain HTML form post.

A form post is a person with JavaScript off: every outcome is a 303 back to the page, with a
fragment the page's CSS shows a message for (`#rsvp-thanks`, `#rsvp-error-closed`, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request, Response, post
from litestar.datastructures import Cookie
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody

from api import rsvp_actions
from api.access import LIMIT
from api.bodies import decode_json, refuse_control_characters
from api.openapi import schema_of
from api.problems import on_domain_error
from api.schemas import RsvpIn, RsvpOut, Slug
from api.state import ServicesDep
from cdn import layout
from core.errors import InvalidInput, NotFound, RateLimited, TableforError, Unavailable
from core.secrets import SLUG_SHAPE
from core.settings import Limit

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
KEY_COOKIE = "tf_pk"
_SLUG = re.compile(SLUG_SHAPE)


@dataclass
class _RsvpOperation(Operation):
    """Documents both encodings the handler reads from the raw body."""

    def __post_init__(self) -> None:
        schema = schema_of(RsvpIn)
        self.request_body = RequestBody(
            required=True,
            content={JSON: OpenAPIMediaType(schema=schema), FORM: OpenAPIMediaType(schema=schema)},
        )


def _form_aware(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A form post is a person with JavaScript off: back to the page, with the reason."""
    assert isinstance(exc, TableforError)
    slug = request.path_params.get("slug")
    # Only back to a page that can exist: an error raised before the slug was checked (a rate
    # limit, a bad body) may come with any path, and a Location must never carry it.
    real = isinstance(slug, str) and _SLUG.fullmatch(slug) is not None
    if real and _is_form(request) and not isinstance(exc, NotFound):
        return _back_to_page(str(slug), f"rsvp-error-{_reason(exc)}")
    return on_domain_error(request, exc)


@post(
    "/invites/{slug:str}/rsvp",
    status_code=200,
    summary="Answer an invite",
    tags=["rsvp"],
    operation_class=_RsvpOperation,
    responses={},
    opt={LIMIT: Limit.RSVP},
    exception_handlers={TableforError: _form_aware},
)
async def rsvp(request: Request[Any, Any, Any], services: ServicesDep, slug: Slug) -> Response[Any]:
    """`response` IN / MAYBE / OUT, `name`, optional `guests` and `participant_key`.

    Send the `participant_key` you got back to change your answer instead of adding another.
    """
    form = _is_form(request)
    body = await _read_body(request, form=form, slug=slug)
    out, invite_id = await rsvp_actions.answer(services, slug, body)
    request.state["invite_id"] = invite_id
    if form:
        return _back_to_page(slug, "rsvp-thanks", cookie=_key_cookie(services, slug, out))
    return Response(out, status_code=200)


def _is_form(request: Request[Any, Any, Any]) -> bool:
    return request.content_type[0] == FORM


async def _read_body(request: Request[Any, Any, Any], *, form: bool, slug: str) -> RsvpIn:
    raw = await request.body()
    if form:
        fields = {k: v for k, v in parse_qsl(raw.decode("utf-8", "replace")) if v != ""}
        remembered = request.cookies.get(KEY_COOKIE)
        if remembered and "participant_key" not in fields:
            fields["participant_key"] = remembered
        refuse_control_characters(fields)
        return _convert(fields, strict=False)
    if request.content_type[0] != JSON:
        raise InvalidInput("send JSON (application/json) or an HTML form")
    return _convert(decode_json(raw), strict=True)


def _convert(data: Any, *, strict: bool) -> RsvpIn:
    try:
        return msgspec.convert(data, RsvpIn, strict=strict)
    except msgspec.ValidationError as error:
        raise InvalidInput(f"invalid answer: {error}") from None


def _reason(error: TableforError) -> str:
    if isinstance(error, rsvp_actions.InviteClosed):
        return error.reason
    if isinstance(error, RateLimited):
        return "busy"
    if isinstance(error, Unavailable):
        return "unavailable"
    return "invalid"


def _back_to_page(slug: str, fragment: str, cookie: Cookie | None = None) -> Response[Any]:
    return Response(
        None,
        status_code=303,
        headers={"Location": f"{layout.page_path(slug)}#{fragment}", "Cache-Control": "no-store"},
        cookies=[cookie] if cookie else None,
    )


def _key_cookie(services: ServicesDep, slug: str, out: RsvpOut) -> Cookie:
    """So a second form post from this browser changes the answer instead of adding one."""
    return Cookie(
        key=KEY_COOKIE,
        value=out.participant_key,
        path=f"/api/invites/{slug}/rsvp",
        max_age=365 * 86_400,
        httponly=True,
        samesite="lax",
        secure=services.settings.api.public_url.startswith("https://"),
    )
