"""Error reporting to Sentry, when SENTRY_DSN is set."""

from __future__ import annotations

from tablefor.settings import Settings


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
    )
    sentry_sdk.set_tag("component", component)
    return True
