"""POST /api/parse: preview what Tablefor reads from a pasted booking."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, post
from litestar.params import JSONBody

from api.auth import authenticate, bearer_token
from api.invite_actions import zone
from api.limits import limit_creator, limit_ip
from api.schemas import ParseRequest, ParseResponse
from api.state import ServicesDep
from tablefor.parsing import parse_booking


@post("/parse", status_code=200, summary="Preview a parse", tags=["parse"])
async def parse(
    request: Request[Any, Any, Any], data: JSONBody[ParseRequest], services: ServicesDep
) -> ParseResponse:
    """Public and rate-limited per IP (and per creator when a token is sent)."""
    await limit_ip(request, services, "parse")
    if bearer_token(request) is not None:
        creator_id = await authenticate(request, services)
        await limit_creator(request, services, "parse", creator_id)
    result = parse_booking(data.text, now=data.now or datetime.now(UTC), tz=zone(data.tz))
    return ParseResponse(
        source=result.source,
        restaurant_name=result.restaurant_name,
        area=result.area,
        city=result.city,
        swiggy_restaurant_id=result.swiggy_restaurant_id,
        starts_at=result.starts_at.isoformat() if result.starts_at else None,
        party_size=result.party_size,
        booking_id=result.booking_id,
        offer=result.offer,
        warnings=list(result.warnings),
    )
