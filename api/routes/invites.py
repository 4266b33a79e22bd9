"""/api/invites: a creator's own invites. Someone else's invite is a 404, like a missing one."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import HeaderParameter, JSONBody, Parameter

from api import idempotency, invite_actions
from api.auth import authenticate, known_creator
from api.limits import limit_creator, limit_ip, limit_ip_and_creator
from api.schemas import CreateInvite, InviteList, InviteOut, UpdateInvite
from api.state import Services, ServicesDep

Slug = Annotated[str, Parameter(min_length=12, max_length=14, pattern=r"^[A-Za-z0-9_-]+$")]


class InviteController(Controller):
    path = "/invites"
    tags = ["invites"]  # noqa: RUF012 - Litestar's own class attribute

    @post("/", status_code=201, summary="Create an invite")
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CreateInvite],
        services: ServicesDep,
        idempotency_key: Annotated[
            str | None, HeaderParameter(name="Idempotency-Key", max_length=257, required=False)
        ] = None,
    ) -> Response[Any]:
        """From booking `text`, manual fields, or both (manual fields win).

        Answers 201 with the slug and the page's absolute URL; `Idempotency-Key` is honoured.
        """
        creator_id = await _limited_creator(request, services, "create")
        if idempotency_key is None:
            return await _create(request, services, data, creator_id)
        claim = await services.idempotency.claim(
            creator_id=creator_id,
            key=idempotency.parse_key(idempotency_key),
            request_fingerprint=idempotency.fingerprint(msgspec.json.encode(data)),
        )
        if claim.replay is not None:
            return _replayed(claim.replay)
        try:
            response = await _create(request, services, data, creator_id)
        except BaseException:
            await services.idempotency.release(claim)
            raise
        stored = idempotency.StoredResponse(
            status=response.status_code or 201,
            body=msgspec.json.encode(response.content),
            location=response.headers.get("Location"),
        )
        await services.idempotency.complete(claim, stored)
        return response

    @get("/", summary="List my invites, newest first")
    async def list_invites(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        cursor: Annotated[str | None, Parameter(max_length=20, required=False)] = None,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> InviteList:
        """Keyset-paginated: pass `next_cursor` back as `cursor` for the next page."""
        creator_id = await authenticate(request, services)
        rows, next_cursor = await invite_actions.list_page(
            services, creator_id=creator_id, cursor=cursor, limit=limit
        )
        public_url = services.settings.api.public_url
        return InviteList(
            items=[invite_actions.to_out(row, public_url) for row in rows], next_cursor=next_cursor
        )

    @get("/{slug:str}", summary="One of my invites")
    async def get_invite(
        self, request: Request[Any, Any, Any], services: ServicesDep, slug: Slug
    ) -> InviteOut:
        creator_id = await authenticate(request, services)
        row = await invite_actions.get(services, slug, creator_id=creator_id)
        request.state["invite_id"] = row.id
        return invite_actions.to_out(row, services.settings.api.public_url)

    @patch("/{slug:str}", summary="Edit title, message, time or party size")
    async def update(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        slug: Slug,
        data: JSONBody[UpdateInvite],
    ) -> InviteOut:
        """The page is re-published with the change."""
        creator_id = await authenticate(request, services)
        row = await invite_actions.update(services, slug, data, creator_id=creator_id)
        request.state["invite_id"] = row.id
        return invite_actions.to_out(row, services.settings.api.public_url)

    @delete("/{slug:str}", status_code=200, summary="Cancel an invite")
    async def cancel(
        self, request: Request[Any, Any, Any], services: ServicesDep, slug: Slug
    ) -> InviteOut:
        """The invite stays reachable and its page says the dinner is cancelled."""
        creator_id = await authenticate(request, services)
        row = await invite_actions.cancel(services, slug, creator_id=creator_id)
        request.state["invite_id"] = row.id
        return invite_actions.to_out(row, services.settings.api.public_url)

    @post("/{slug:str}/enrich", status_code=202, summary="Look the restaurant up again")
    async def enrich(
        self, request: Request[Any, Any, Any], services: ServicesDep, slug: Slug
    ) -> Response[None]:
        creator_id = await _limited_creator(request, services, "enrich")
        await invite_actions.refresh_restaurant(services, slug, creator_id=creator_id)
        return Response(None, status_code=202)


async def _limited_creator(request: Request[Any, Any, Any], services: Services, name: str) -> int:
    """Authenticated and within both budgets. A creator known to this process is checked in
    one round trip; otherwise the IP's budget first, so unknown tokens cannot flood the
    database with lookups."""
    known = known_creator(request, services)
    if known is not None:
        await limit_ip_and_creator(request, services, name, known)
        return known
    await limit_ip(request, services, name)
    creator_id = await authenticate(request, services)
    await limit_creator(request, services, name, creator_id)
    return creator_id


async def _create(
    request: Request[Any, Any, Any], services: Services, data: CreateInvite, creator_id: int
) -> Response[Any]:
    row, warnings = await invite_actions.create(services, data, creator_id=creator_id)
    request.state["invite_id"] = row.id
    out = invite_actions.to_out(row, services.settings.api.public_url, warnings)
    return Response(out, status_code=201, headers={"Location": f"/api/invites/{row.slug}"})


def _replayed(stored: idempotency.StoredResponse) -> Response[Any]:
    headers = {"Idempotent-Replayed": "true"}
    if stored.location:
        headers["Location"] = stored.location
    return Response(
        stored.body, status_code=stored.status, media_type="application/json", headers=headers
    )
