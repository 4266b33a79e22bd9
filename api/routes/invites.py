"""/api/invites: a creator's own invites. Someone else's invite is a 404, like a missing one.

Authentication and rate limits are declared per route (`opt`) and checked by the API's guard
(api/access.py); the creator arrives as the `creator_id` dependency.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import Provide
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter, JSONBody, Parameter

from api import idempotency, invite_actions
from api.access import CREATOR, LIMIT, CreatorId, current_creator
from api.schemas import CreateInvite, DeletedInvite, InviteList, InviteOut, Slug, UpdateInvite
from api.state import Services, ServicesDep
from core.settings import Limit

IdempotencyKey = Annotated[
    str | None, HeaderParameter(name="Idempotency-Key", max_length=257, required=False)
]


class InviteController(Controller):
    path = "/invites"
    tags = ["invites"]  # noqa: RUF012 - Litestar's own class attribute
    opt = {CREATOR: True}  # noqa: RUF012
    dependencies = {"creator_id": Provide(current_creator, sync_to_thread=False)}  # noqa: RUF012

    @post("/", status_code=201, summary="Create an invite", opt={LIMIT: Limit.CREATE})
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CreateInvite],
        services: ServicesDep,
        creator_id: CreatorId,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Any]:
        """From booking `text`, manual fields, or both (manual fields win).

        Answers 201 with the slug and the page's absolute URL; `Idempotency-Key` is honoured.
        """
        return await idempotency.once(
            services.idempotency,
            creator_id=creator_id,
            header=idempotency_key,
            body=data,
            run=lambda: _create(request, services, data, creator_id),
        )

    @get("/", summary="List my invites, newest first")
    async def list_invites(
        self,
        services: ServicesDep,
        creator_id: CreatorId,
        cursor: Annotated[str | None, Parameter(required=False)] = None,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> InviteList:
        """Keyset-paginated: pass `next_cursor` back as `cursor` for the next page.

        The cursor is opaque; one this API did not hand out to you is a 422."""
        rows, next_cursor = await invite_actions.list_page(
            services, creator_id=creator_id, cursor=cursor, limit=limit
        )
        return InviteList(
            items=await invite_actions.described(services, rows, creator_id=creator_id),
            next_cursor=next_cursor,
        )

    @get("/{slug:str}", summary="One of my invites")
    async def get_invite(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        slug: Slug,
        creator_id: CreatorId,
    ) -> InviteOut:
        """With its `stats`: opens, unique opens, answers by kind, and conversion."""
        row = await invite_actions.get(services, slug, creator_id=creator_id)
        request.state["invite_id"] = row.id
        return (await invite_actions.described(services, [row], creator_id=creator_id))[0]

    @patch(
        "/{slug:str}", summary="Edit title, message, time or party size", opt={LIMIT: Limit.EDIT}
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        slug: Slug,
        data: JSONBody[UpdateInvite],
        creator_id: CreatorId,
    ) -> InviteOut:
        """The page is re-published with the change."""
        row = await invite_actions.update(services, slug, data, creator_id=creator_id)
        request.state["invite_id"] = row.id
        return (await invite_actions.described(services, [row], creator_id=creator_id))[0]

    @delete(
        "/{slug:str}",
        status_code=200,
        summary="Cancel an invite, or delete it with everything it published",
        opt={LIMIT: Limit.CANCEL},
        responses={
            202: ResponseSpec(
                DeletedInvite,
                description="`purge=true`: deleted; its published files go within seconds",
            )
        },
    )
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        slug: Slug,
        creator_id: CreatorId,
        purge: Annotated[bool, Parameter(description="Delete instead of cancel")] = False,
    ) -> Response[InviteOut | DeletedInvite]:
        """Without `purge`: the invite stays reachable and its page says the dinner is cancelled.

        With `purge=true`: the invite, its answers and every file it ever published are deleted,
        and the edge purged: its link then answers the same 404 as a link that never existed.
        Answers 202: the files are removed by a worker within seconds.
        """
        if purge:
            await invite_actions.delete(services, slug, creator_id=creator_id)
            return Response(DeletedInvite(slug=slug), status_code=202)
        row = await invite_actions.cancel(services, slug, creator_id=creator_id)
        request.state["invite_id"] = row.id
        return Response((await invite_actions.described(services, [row], creator_id=creator_id))[0])

    @post(
        "/{slug:str}/enrich",
        status_code=202,
        summary="Look the restaurant up again",
        opt={LIMIT: Limit.ENRICH},
    )
    async def enrich(
        self, services: ServicesDep, slug: Slug, creator_id: CreatorId
    ) -> Response[None]:
        await invite_actions.refresh_restaurant(services, slug, creator_id=creator_id)
        return Response(None, status_code=202)


async def _create(
    request: Request[Any, Any, Any], services: Services, data: CreateInvite, creator_id: CreatorId
) -> Response[Any]:
    row, warnings = await invite_actions.create(services, data, creator_id=creator_id)
    request.state["invite_id"] = row.id
    out = invite_actions.to_out(row, services.settings.api.public_url, warnings)
    return Response(out, status_code=201, headers={"Location": f"/api/invites/{row.slug}"})
