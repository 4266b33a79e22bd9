"""Request and response bodies of sign-in and of a creator's own account (`/api/auth`, `/api/me`).
Strict like the rest: unknown fields are refused, every string is bounded."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

# One line of visible text: at least one non-space character and no control characters.
_PLAIN_LINE = r"^(?=.*\S)[^\x00-\x1f\x7f]+$"

EmailAddress = Annotated[str, Meta(min_length=3, max_length=254, examples=["asha@example.com"])]
NextPath = Annotated[
    str,
    Meta(min_length=1, max_length=512, description="A path on this site to open after signing in"),
]
LinkToken = Annotated[str, Meta(min_length=1, max_length=200)]
DisplayName = Annotated[str, Meta(min_length=1, max_length=60, pattern=_PLAIN_LINE)]
TokenName = Annotated[str, Meta(min_length=1, max_length=60, pattern=_PLAIN_LINE)]
ExpiresInDays = Annotated[int, Meta(ge=1, le=3650)]


class SignInByEmail(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress
    next: NextPath | None = None


class SignInStatus(msgspec.Struct, kw_only=True):
    status: str  # always "sent": the same answer whether or not the address is known


class SignInWithLink(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    token: LinkToken


class Me(msgspec.Struct, kw_only=True):
    id: int
    email: str | None
    display_name: str | None
    signed_in_with: str  # "email" | "token" | "oidc"
    created_at: datetime


class SignedIn(msgspec.Struct, kw_only=True):
    creator: Me


class UpdateMe(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    display_name: DisplayName | None


class SessionOut(msgspec.Struct, kw_only=True):
    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    current: bool  # the session this request came with


class SessionList(msgspec.Struct, kw_only=True):
    items: list[SessionOut]


class TokenOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class TokenList(msgspec.Struct, kw_only=True):
    items: list[TokenOut]


class CreateToken(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: TokenName
    expires_in_days: ExpiresInDays | None = None


class NewToken(msgspec.Struct, kw_only=True):
    id: int
    name: str
    token: str  # shown this once; only its hash is kept
    created_at: datetime
    expires_at: datetime | None
