"""GET /api/metrics: Prometheus's view of the API, for TABLEFOR_METRICS_ALLOW only (loopback by
default). The edge refuses the path to everyone else as well; behind it, the client's address
is the edge's X-Forwarded-For, which the API believes only from its trusted proxies."""

from __future__ import annotations

from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController

from api.auth import Caller, client_ip
from api.state import Services
from core.addresses import is_allowed

PATH = "/api/metrics"
# Seconds: most requests answer in milliseconds; the tail shows a slow database or Redis.
_BUCKETS: list[str | float] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]


async def readers_only(connection: Caller, handler: BaseRouteHandler) -> None:
    services: Services = connection.app.state.services
    if not is_allowed(client_ip(connection), services.settings.observability.metrics_allow):
        raise PermissionDeniedException(
            "Metrics are not public; they answer only addresses in TABLEFOR_METRICS_ALLOW"
        )


class MetricsController(PrometheusController):
    path = "/metrics"
    guards = [readers_only]  # noqa: RUF012 - Litestar's own class attribute
    include_in_schema = False


def http_metrics() -> PrometheusConfig:
    """The HTTP request histogram and counters (tablefor_http_*), by route template, so that
    slugs never become labels."""
    return PrometheusConfig(
        app_name="tablefor",
        prefix="tablefor_http",
        group_path=True,
        buckets=_BUCKETS,
        exclude=[f"^{PATH}"],
    )
