"""Which limits apply to which request, and the RateLimit headers on the way out."""

from __future__ import annotations

from typing import Any

from litestar import Request

from api.auth import client_ip
from api.problems import rate_limit_headers
from api.state import Services
from tablefor.ratelimit import Decision


async def limit_ip(request: Request[Any, Any, Any], services: Services, name: str) -> Decision:
    rule = getattr(services.settings.api.rate_limits, f"{name}_per_ip")
    decision = await services.limiter.enforce(f"{name}:ip", client_ip(request), rule)
    _remember(request, decision)
    return decision


async def limit_creator(
    request: Request[Any, Any, Any], services: Services, name: str, creator_id: int
) -> Decision:
    rule = getattr(services.settings.api.rate_limits, f"{name}_per_creator")
    decision = await services.limiter.enforce(f"{name}:creator", str(creator_id), rule)
    _remember(request, decision)
    return decision


async def limit_ip_and_creator(
    request: Request[Any, Any, Any], services: Services, name: str, creator_id: int
) -> None:
    """Both budgets in one Redis round trip (the hot path of a known creator)."""
    rules = services.settings.api.rate_limits
    decisions = await services.limiter.enforce_all(
        [
            (f"{name}:ip", client_ip(request), getattr(rules, f"{name}_per_ip")),
            (f"{name}:creator", str(creator_id), getattr(rules, f"{name}_per_creator")),
        ]
    )
    for decision in decisions:
        _remember(request, decision)


def _remember(request: Request[Any, Any, Any], decision: Decision) -> None:
    """Keep the tightest decision of this request for its response headers."""
    current: Decision | None = request.state.get("rate_limit")
    if current is None or decision.remaining < current.remaining:
        request.state["rate_limit"] = decision


def decision_headers(state: dict[str, Any]) -> dict[str, str]:
    decision: Decision | None = state.get("rate_limit")
    if decision is None:
        return {}
    return rate_limit_headers(decision.limit, decision.remaining, decision.reset, decision.window)
