"""/api/invites/{slug}/rsvps: the host's guest list (JSON or CSV) and removing an answer.

The creator's own invites only; someone else's invite or answer is a 404, like a missing one.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get
from litestar.di import Provide
from litestar.params import PathParameter

from api import guest_actions
from api.access import CREATOR, CreatorId, current_creator
from api.schemas import GuestList, Slug
from api.state import ServicesDep

# An answer's opaque id, as the guest list gives it; anything else is simply no such answer.
AnswerId = Annotated[str, PathParameter(max_length=64)]


class GuestController(Controller):
    path = "/invites/{slug:str}"
    tags = ["guests"]  # noqa: RUF012 - Litestar's own class attribute
    opt = {CREATOR: True}  # noqa: RUF012
    dependencies = {"creator_id": Provide(current_creator, sync_to_thread=False)}  # noqa: RUF012

    @get("/rsvps", summary="The guest list of my invite")
    async def guest_list(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        slug: Slug,
        creator_id: CreatorId,
    ) -> GuestList:
        """Every answer with the whole name, in the order they first came."""
        invite, rows = await guest_actions.guest_list(services, slug, creator_id=creator_id)
        request.state["invite_id"] = invite.id
        return GuestList(items=[guest_actions.to_out(row) for row in rows])

    @get(
        "/rsvps.csv",
        summary="The guest list of my invite as a CSV file",
        media_type="text/csv",
    )
    async def guest_csv(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        slug: Slug,
        creator_id: CreatorId,
    ) -> Response[bytes]:
        """Columns name, response, guests, created_at, updated_at (the invite's local time)."""
        invite, rows = await guest_actions.guest_list(services, slug, creator_id=creator_id)
        request.state["invite_id"] = invite.id
        filename = guest_actions.csv_filename(slug)
        return Response(
            guest_actions.to_csv(invite, rows),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @delete("/rsvps/{answer_id:str}", status_code=204, summary="Remove an answer")
    async def remove(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        slug: Slug,
        answer_id: AnswerId,
        creator_id: CreatorId,
    ) -> None:
        """The page is re-published without it; the person may answer again."""
        invite_id = await guest_actions.remove(services, slug, answer_id, creator_id=creator_id)
        request.state["invite_id"] = invite_id
