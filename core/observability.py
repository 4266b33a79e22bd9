"""Error reporting to Sentry, when SENTRY_DSN is set."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from core.logs import current_request_id
from core.settings import Settings

if TYPE_CHECKING:
    from sentry_sdk.types import Event


def init_sentry(settings: Settings, *, component: str) -> bool:
    dsn = settings.observability.sentry_dsn
    if dsn is None:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.logging import ignore_logger

    # SAQ logs every failed attempt with logger.exception: one Sentry event per retry. The
    # worker reports terminal failures itself (dead letters), so SAQ's logger is ignored.
    ignore_logger("saq")
    sentry_sdk.init(
        dsn=dsn,
        environment=settings.observability.environment,
        server_name=component,
        send_default_pii=False,
        traces_sample_rate=0.0,
        before_send=with_request_id,
    )
    sentry_sdk.set_tag("component", component)
    return True


def report_dead_letter(task: str, invite_id: object, error: str) -> None:
    """One Sentry event per job that failed for good (not one per attempt, as SAQ would)."""
    import sentry_sdk

    if not sentry_sdk.is_initialized():
        return
    with sentry_sdk.new_scope() as scope:
        scope.set_tag("task", task)
        scope.set_context("job", {"invite_id": invite_id, "error": error[-2000:]})
        sentry_sdk.capture_message(f"dead letter: {task}", level="error")


def with_request_id(event: Event, hint: dict[str, Any]) -> Event:
    """Tag an event with the request it belongs to: the one being served, or the one that
    caused the job being run (the worker binds it before each job)."""
    request_id = current_request_id()
    if request_id is not None:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def public_dsn(dsn: str | None) -> str | None:
    """The DSN as a browser may see it: scheme, public key, host and project, no secret."""
    if dsn is None:
        return None
    parts = urlsplit(dsn)
    if not parts.username or not parts.hostname:
        return None
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    return f"{parts.scheme}://{parts.username}@{host}{parts.path.rstrip('/')}"
