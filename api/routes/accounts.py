"""/api/auth (signing in and out) and /api/me (a creator's own account, sessions and tokens).

Browsers sign in with an e-mailed link and then carry the `tf_session` cookie (see api/auth.py
for the CSRF rules); scripts use API tokens made here, or OpenID Connect tokens.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import Provide
from litestar.params import JSONBody, Parameter

from api import account_actions
from api.access import CREATOR, LIMIT, CurrentPrincipal, current_principal
from api.account_schemas import (
    CreateToken,
    Me,
    NewToken,
    SessionList,
    SignedIn,
    SignInByEmail,
    SignInStatus,
    SignInWithLink,
    TokenList,
    UpdateMe,
)
from api.auth import (
    SESSION_COOKIE,
    Credential,
    authenticate,
    check_csrf,
    check_same_site,
    cleared_cookies,
    session_cookies,
)
from api.state import ServicesDep
from core.errors import Unauthorized
from core.settings import Limit

RowId = Annotated[int, Parameter(ge=1, le=2**63 - 1)]


@post(
    "/auth/email",
    status_code=202,
    summary="E-mail me a sign-in link",
    tags=["auth"],
    opt={LIMIT: Limit.SIGN_IN},
)
async def request_sign_in(
    request: Request[Any, Any, Any], data: JSONBody[SignInByEmail], services: ServicesDep
) -> SignInStatus:
    """Always `202 {"status": "sent"}`, whether or not the address has an account (a first
    sign-in makes one). The link is valid for 15 minutes, once; `next` is a path on this site
    the link brings the person back to."""
    check_same_site(request, services.settings.api.public_url, required=False)
    await account_actions.request_sign_in(request, services, data)
    return SignInStatus(status="sent")


@post(
    "/auth/link",
    status_code=200,
    summary="Sign in with a link's token",
    tags=["auth"],
    opt={LIMIT: Limit.AUTH},
)
async def sign_in_with_link(
    request: Request[Any, Any, Any], data: JSONBody[SignInWithLink], services: ServicesDep
) -> Response[SignedIn]:
    """The sign-in page posts the token from its link's fragment. Sets the session cookies."""
    public_url = services.settings.api.public_url
    check_same_site(request, public_url, required=False)
    me, secret = await account_actions.sign_in_with_link(services, data.token)
    return Response(SignedIn(creator=me), cookies=session_cookies(secret, public_url))


@post("/auth/signout", status_code=204, summary="Sign out", tags=["auth"])
async def sign_out(request: Request[Any, Any, Any], services: ServicesDep) -> Response[None]:
    """Ends this browser's session and clears its cookies (204 even if it had already ended)."""
    public_url = services.settings.api.public_url
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        check_csrf(request, public_url, secret)
        try:
            principal = await authenticate(request, services, Credential("session", secret))
        except Unauthorized:
            principal = None
        if principal is not None:
            await account_actions.sign_out(services, principal)
    return Response(None, status_code=204, cookies=cleared_cookies(public_url))


class MeController(Controller):
    path = "/me"
    tags = ["me"]  # noqa: RUF012 - Litestar's own class attribute
    opt = {CREATOR: True}  # noqa: RUF012
    dependencies = {"principal": Provide(current_principal, sync_to_thread=False)}  # noqa: RUF012

    @get("/", summary="Who am I")
    async def me(self, services: ServicesDep, principal: CurrentPrincipal) -> Me:
        """`signed_in_with` says how this request proved it: `email` (a session from a sign-in
        link), `token` (an API token) or `oidc`."""
        return await account_actions.me(services, principal)

    @patch("/", summary="Change my display name")
    async def update(
        self, services: ServicesDep, principal: CurrentPrincipal, data: JSONBody[UpdateMe]
    ) -> Me:
        return await account_actions.rename(services, principal, data)

    @delete("/", status_code=204, summary="Delete my account, my invites and their pages")
    async def delete_account(
        self, services: ServicesDep, principal: CurrentPrincipal
    ) -> Response[None]:
        """Everything goes now; the published pages are deleted and purged within moments,
        after which their links answer 404."""
        await account_actions.delete_account(services, principal)
        return _signed_out(services)

    @get("/sessions", summary="My signed-in browsers")
    async def sessions(self, services: ServicesDep, principal: CurrentPrincipal) -> SessionList:
        return await account_actions.list_sessions(services, principal)

    @delete("/sessions/{session_id:int}", status_code=204, summary="Sign one browser out")
    async def end_session(
        self, services: ServicesDep, principal: CurrentPrincipal, session_id: RowId
    ) -> Response[None]:
        await account_actions.end_session(services, principal, session_id)
        if session_id == principal.session_id:
            return _signed_out(services)
        return Response(None, status_code=204)

    @delete("/sessions", status_code=204, summary="Sign out everywhere")
    async def end_all_sessions(
        self, services: ServicesDep, principal: CurrentPrincipal
    ) -> Response[None]:
        await account_actions.end_all_sessions(services, principal)
        if principal.session_id is not None:
            return _signed_out(services)
        return Response(None, status_code=204)

    @get("/tokens", summary="My API tokens (never their secrets)")
    async def tokens(self, services: ServicesDep, principal: CurrentPrincipal) -> TokenList:
        return await account_actions.list_tokens(services, principal)

    @post("/tokens", status_code=201, summary="Make an API token", opt={LIMIT: Limit.AUTH})
    async def create_token(
        self, services: ServicesDep, principal: CurrentPrincipal, data: JSONBody[CreateToken]
    ) -> NewToken:
        """The token is in this answer only: keep it; only its hash is stored."""
        return await account_actions.create_token(services, principal, data)

    @delete("/tokens/{token_id:int}", status_code=204, summary="Revoke an API token")
    async def revoke_token(
        self, services: ServicesDep, principal: CurrentPrincipal, token_id: RowId
    ) -> None:
        """Refused everywhere within a second."""
        await account_actions.revoke_token(services, principal, token_id)


def _signed_out(services: ServicesDep) -> Response[None]:
    return Response(
        None, status_code=204, cookies=cleared_cookies(services.settings.api.public_url)
    )
