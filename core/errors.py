"""The domain's errors. The API maps each to one problem+json status in one place."""

from __future__ import annotations


class TableforError(Exception):
    """Base of every error Tablefor raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class SettingsError(TableforError):
    """A configuration value is missing or malformed; the process must not start."""


class NotFound(TableforError):
    """The thing does not exist, or it is not the caller's: the two look the same on purpose."""


class MalformedInput(TableforError):
    """The request cannot be read at all: a body that is not JSON, or nested far too deep."""


class InvalidInput(TableforError):
    """The input is well-formed but not acceptable (a past start time, say)."""


class InvalidField(InvalidInput):
    """One named field of the input is not acceptable; the problem names it."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field


class Conflict(TableforError):
    """The request clashes with the current state (a cancelled invite, a key in flight)."""


class Unauthorized(TableforError):
    """No valid credentials were presented."""


class Forbidden(TableforError):
    """The caller is known but this request may not proceed (a cross-site or unsigned one)."""


class Unavailable(TableforError):
    """A backing service (PostgreSQL, Redis) cannot be reached; try again shortly."""

    def __init__(self, detail: str, *, retry_after: int = 5) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class NotMigrated(Unavailable):
    """The database answers but has none of Tablefor's tables: nobody ran the migrations."""


class RateLimited(TableforError):
    """Too many requests for one client within the window."""

    def __init__(self, detail: str, *, retry_after: int, limit: int, window: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
        self.limit = limit
        self.window = window


class IdempotencyMismatch(TableforError):
    """An Idempotency-Key was reused with a different request body."""


class IdempotencyInFlight(TableforError):
    """The first request with this Idempotency-Key has not finished yet."""
