"""Error reporting to Sentry, when SENTRY_DSN is set, with secrets kept out of every report.

sentry-sdk attaches the local variables of each frame (useful, and kept), and its default
scrubber matches only a list of key names: it does not know `Fastly-Key`, `X-Goog-Api-Key` or
our own names, and a secret in a string (a URL, an object's repr) passes by name. So every
event is scrubbed twice: by key name (the SDK's data-collection denylists, our names added),
and then by value — each configured secret (settings.observability.scrubbed) replaced
wherever it appears, however deep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from core.logs import current_request_id
from core.settings import Settings

if TYPE_CHECKING:
    from sentry_sdk.types import Event

FILTERED = "[Filtered]"
# Key names, compared lower-cased, whose values never leave the process.
SECRET_KEYS = (
    "fastly-key",
    "fastly_key",
    "x-goog-api-key",
    "x_goog_api_key",
    "api_token",
    "_token",
    "_key",
    "token_hash",
    "participant_key",
    "dsn",
)

EventData = dict[str, Any]


def init_sentry(settings: Settings, *, component: str) -> bool:
    dsn = settings.observability.sentry_dsn
    if dsn is None:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.logging import ignore_logger
    from sentry_sdk.scrubber import DEFAULT_DENYLIST
    from sentry_sdk.types import Hint

    # SAQ logs every failed attempt with logger.exception: one Sentry event per retry. The
    # worker reports terminal failures itself (dead letters), so SAQ's logger is ignored.
    ignore_logger("saq")
    scrub = value_scrubber(settings.observability.scrubbed)
    denied = [*DEFAULT_DENYLIST, *SECRET_KEYS]

    def before_send(event: Event, hint: Hint) -> Event:
        tagged = with_request_id(event, hint)
        return cast("Event", scrub(cast("EventData", tagged)))

    sentry_sdk.init(
        dsn=dsn,
        environment=settings.observability.environment,
        server_name=component,
        # No identities, cookies or request bodies (a pasted booking names people); headers
        # and frame variables only through the denylist below.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_bodies": [],
            "http_headers": {"request": {"mode": "denylist", "terms": denied}},
            "stack_frame_variables": {"mode": "denylist", "terms": denied},
        },
        traces_sample_rate=0.0,
        before_send=before_send,
        before_send_transaction=before_send,
    )
    sentry_sdk.set_tag("component", component)
    return True


def value_scrubber(secrets: Sequence[str]) -> Callable[[EventData], EventData]:
    """A function that replaces each of `secrets` wherever it appears in an event."""
    # Longest first: a secret that contains another is replaced whole.
    known = sorted({secret for secret in secrets if secret}, key=len, reverse=True)

    def scrub_text(text: str) -> str:
        for secret in known:
            if secret in text:
                text = text.replace(secret, FILTERED)
        return text

    def scrub(node: Any) -> Any:
        if isinstance(node, str):
            return scrub_text(node)
        if isinstance(node, dict):
            return {scrub(key): scrub(value) for key, value in node.items()}
        if isinstance(node, list | tuple):
            return [scrub(item) for item in node]
        return node

    def scrub_event(event: EventData) -> EventData:
        if not known:
            return event
        cleaned: EventData = scrub(event)
        return cleaned

    return scrub_event


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
