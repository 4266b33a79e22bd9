"""Who may call a route and how often: one Litestar guard for every API route.

A route says what it needs in its `opt`: `limit` (a Limit: its per-IP budget, its per-creator
budget when a creator calls, and its per-invite budget on a route of one invite) and
`creator=True` (a signed-in creator is required: an API token, an OpenID Connect token or a
session cookie, see api/auth.py). All of a request's budgets are charged together or not at
all. The guard checks both before the handler runs and leaves the caller in the request state,
where handlers take it as the `creator_id` (or `principal`) dependency.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.params import SkipValidation

from api.auth import (
    Caller,
    Credential,
    authenticate,
    client_ip,
    known,
    presented,
    unauthenticated,
)
from api.credentials import Principal
from api.state import Services
from core.ratelimit import Check, Decision, client_key
from core.secrets import SLUG_SHAPE
from core.settings import Budget, Limit

LIMIT = "limit"
CREATOR = "creator"
_PRINCIPAL = "principal"
_DECISION = "rate_limit"
_SLUG = re.compile(SLUG_SHAPE)


async def guard(connection: Caller, handler: BaseRouteHandler) -> None:
    services: Services = connection.app.state.services
    limit: Limit | None = handler.opt.get(LIMIT)
    required = bool(handler.opt.get(CREATOR))
    # The session cookie counts only where a creator is required; elsewhere it is ignored, so
    # public routes (parse, RSVP) never act on a browser's ambient credentials.
    credential = presented(connection, services, cookies=required)
    if credential is None:
        if required:
            raise unauthenticated()
        if limit is not None:
            budget = services.settings.api.budgets[limit]
            checks = [
                _ip_check(connection, limit, budget),
                *_invite_check(connection, limit, budget),
            ]
            await _enforce(connection, services, checks)
        return
    if limit is None:
        connection.state[_PRINCIPAL] = await authenticate(connection, services, credential)
        return
    # Parsing is public, but a creator who sends a token is held to their own budget too.
    budget = services.settings.api.budgets[limit]
    connection.state[_PRINCIPAL] = await _limited_principal(
        connection, services, credential, limit, budget
    )


async def _limited_principal(
    connection: Caller,
    services: Services,
    credential: Credential,
    limit: Limit,
    budget: Budget,
) -> Principal:
    """Authenticated and within its budgets. A caller known to this process is checked in
    one round trip; otherwise the IP's budget comes first, so that unknown credentials cannot
    flood the database with lookups."""
    ip_check = _ip_check(connection, limit, budget)
    invite_checks = _invite_check(connection, limit, budget)
    principal = known(services, credential)
    if principal is not None:
        checks = [ip_check, *_creator_check(limit, budget, principal.creator_id), *invite_checks]
        await _enforce(connection, services, checks)
        return principal
    await _enforce(connection, services, [ip_check])
    principal = await authenticate(connection, services, credential)
    if checks := [*_creator_check(limit, budget, principal.creator_id), *invite_checks]:
        await _enforce(connection, services, checks)
    return principal


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
CurrentPrincipal = NamedDependency[SkipValidation[Principal]]


def current_creator(request: Request[Any, Any, Any]) -> int:
    """The `creator_id` dependency of routes with `creator=True` (the guard has checked it)."""
    principal: Principal = request.state[_PRINCIPAL]
    return principal.creator_id


def current_principal(request: Request[Any, Any, Any]) -> Principal:
    """The `principal` dependency: the creator and how they signed in."""
    principal: Principal = request.state[_PRINCIPAL]
    return principal


async def enforce_address_budget(
    connection: Caller, services: Services, limit: Limit, address: str
) -> bool:
    """Charge the per-address budget of `limit`; False (and no charge) when it is spent."""
    rule = services.settings.api.budgets[limit].per_address
    if rule is None:
        return True
    decision = await services.limiter.check(f"{limit}:address", address, rule)
    return decision.allowed


def decision_of(state: dict[str, Any]) -> Decision | None:
    decision: Decision | None = state.get(_DECISION)
    return decision
