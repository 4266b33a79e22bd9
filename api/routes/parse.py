"""POST /api/parse: preview what Tablefor reads from a pasted booking."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import post
from litestar.params import JSONBody

from api.access import LIMIT
from api.invite_actions import zone
from api.schemas import ParseRequest, ParseResponse
from api.state import ServicesDep
from core.metrics import PARSES
from core.parsing.result import outcome
from core.settings import Limit


@post(
    "/parse", status_code=200, summary="Preview a parse", tags=["parse"], opt={LIMIT: Limit.PARSE}
)
async def parse(data: JSONBody[ParseRequest], services: ServicesDep) -> ParseResponse:
    """Public and rate-limited per IP (and per creator when a token is sent)."""
    now = data.now or datetime.now(UTC)
    result = await services.parser.parse(data.text, now=now, tz=zone(data.tz))
    PARSES.labels(outcome(result)).inc()
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
