"""Who may call a route and how often: one Litestar guard for every API route.

A route says what it needs in its `opt`: `limit` (a Limit: its per-IP budget, its per-creator
budget when a creator calls, and its per-invite budget on a route of one invite) and
`creator=True` (a creator's token is required). All of a request's budgets are charged together
or not at all.
The guard checks both before the handler runs and leaves the creator's id in the request state,
where handlers take it as the `creator_id` dependency.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler

from api.auth import Caller, authenticate, bearer_token, client_ip, known_creator
from api.state import Services
from core.ratelimit import Check, Decision, client_key
from core.secrets import SLUG_SHAPE
from core.settings import Budget, Limit

LIMIT = "limit"
CREATOR = "creator"
_CREATOR_ID = "creator_id"
_DECISION = "rate_limit"
_SLUG = re.compile(SLUG_SHAPE)


async def guard(connection: Caller, handler: BaseRouteHandler) -> None:
    services: Services = connection.app.state.services
    limit: Limit | None = handler.opt.get(LIMIT)
    required = bool(handler.opt.get(CREATOR))
    if limit is None:
        if required:
            connection.state[_CREATOR_ID] = await authenticate(connection, services)
        return
    budget = services.settings.api.budgets[limit]
    # Parsing is public, but a creator who sends a token is held to their own budget too.
    as_creator = required or bearer_token(connection) is not None
    if as_creator:
        connection.state[_CREATOR_ID] = await _limited_creator(connection, services, limit, budget)
    else:
        checks = [_ip_check(connection, limit, budget), *_invite_check(connection, limit, budget)]
        await _enforce(connection, services, checks)


async def _limited_creator(
    connection: Caller,
    services: Services,
    limit: Limit,
    budget: Budget,
) -> int:
    """Authenticated and within both budgets. A creator known to this process is checked in
    one round trip; otherwise the IP's budget comes first, so that unknown tokens cannot flood
    the database with lookups."""
    ip_check = _ip_check(connection, limit, budget)
    invite_checks = _invite_check(connection, limit, budget)
    known = known_creator(connection, services)
    if known is not None:
        creator_checks = _creator_check(limit, budget, known)
        await _enforce(connection, services, [ip_check, *creator_checks, *invite_checks])
        return known
    await _enforce(connection, services, [ip_check])
    creator_id = await authenticate(connection, services)
    if checks := [*_creator_check(limit, budget, creator_id), *invite_checks]:
        await _enforce(connection, services, checks)
    return creator_id


def _ip_check(connection: Caller, limit: Limit, budget: Budget) -> Check:
    """Per client: an IPv4 address, or an IPv6 /64 (one client holds all of its addresses)."""
    return (f"{limit}:ip", client_key(client_ip(connection)), budget.per_ip)


def _invite_check(connection: Caller, limit: Limit, budget: Budget) -> list[Check]:
    """Per invite, whoever calls: many addresses together still meet one budget. Only for
    slugs of a possible shape (the handler refuses the rest), so keys stay small."""
    slug = connection.path_params.get("slug")
    if budget.per_invite is None or not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        return []
    return [(f"{limit}:invite", slug, budget.per_invite)]


def _creator_check(limit: Limit, budget: Budget, creator_id: int) -> list[Check]:
    if budget.per_creator is None:
        return []
    return [(f"{limit}:creator", str(creator_id), budget.per_creator)]


async def _enforce(connection: Caller, services: Services, checks: list[Check]) -> None:
    for decision in await services.limiter.enforce_all(checks):
        _remember(connection, decision)


def _remember(connection: Caller, decision: Decision) -> None:
    """Keep the tightest decision of this request for its response headers."""
    current: Decision | None = connection.state.get(_DECISION)
    if current is None or decision.remaining < current.remaining:
        connection.state[_DECISION] = decision


# How handlers ask for the creator: by name, as Litestar 3 will require.
CreatorId = NamedDependency[int]


def current_creator(request: Request[Any, Any, Any]) -> int:
    """The `creator_id` dependency of routes with `creator=True` (the guard has checked it)."""
    creator_id: int = request.state[_CREATOR_ID]
    return creator_id


def decision_of(state: dict[str, Any]) -> Decision | None:
    decision: Decision | None = state.get(_DECISION)
    return decision
