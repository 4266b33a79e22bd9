"""Prometheus metrics: every Tablefor figure, defined once here and counted where its fact is
owned (creates in api/invite_actions.py, enrichment in workers/enrichment.py, ...).

Processes forked from one parent (`tablefor api --workers N`, `tablefor worker --processes N`)
add up their figures through PROMETHEUS_MULTIPROC_DIR, which the command sets before anything
imports prometheus_client (tablefor/metrics.py). Without it a process counts in memory.
"""

from __future__ import annotations

import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, multiprocess

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

CREATES = Counter(
    "tablefor_creates_total",
    "Invite creations by outcome: created, invalid (refused input), unavailable.",
    ["outcome"],
)
PARSES = Counter(
    "tablefor_parse_total",
    "Booking texts parsed (previews and creates) by outcome: complete (no warnings), "
    "warnings (restaurant and time found, with warnings), incomplete (restaurant or time missing).",
    ["outcome"],
)
ENRICH = Counter(
    "tablefor_enrich_total",
    "Restaurant lookups per provider by outcome: found, not_found, error; provider 'cache' "
    "counts restaurants reused without a lookup.",
    ["provider", "outcome"],
)
PUBLISH_SECONDS = Histogram(
    "tablefor_publish_seconds",
    "From a change to an invite (its row's updated_at) to that version being published.",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0),
)
PURGE_SECONDS = Histogram(
    "tablefor_purge_seconds",
    "Edge purges of one publish, by purge adapter.",
    ["adapter"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
QUEUE_DEPTH = Gauge(
    "tablefor_queue_depth",
    "Jobs waiting in each queue (sampled by the workers every few seconds).",
    ["queue"],
    multiprocess_mode="mostrecent",
)
DEAD_LETTERS = Gauge(
    "tablefor_dead_letters",
    "Open dead letters: jobs that failed for good and wait for `tablefor dlq`.",
    multiprocess_mode="mostrecent",
)
RSVPS = Counter("tablefor_rsvps_total", "Answers received, by answer.", ["answer"])
OPENS = Counter(
    "tablefor_invite_opens_total",
    "Invite page views by people (not link-preview bots), counted at the edge, as the "
    "worker moves them into PostgreSQL.",
)
# By the SKU the provider bills a request at, so the bill can be checked against what the
# workers did (workers/providers/google_billing.py names the SKUs).
PLACES_REQUESTS = Counter(
    "tablefor_places_requests_total",
    "Place provider requests answered (HTTP 200: what Google bills), by provider and SKU: "
    "google text_search_enterprise, place_details_enterprise, place_details_photos; "
    "nominatim search (no charge).",
    ["provider", "sku"],
)
UNIQUE_OPENS = Counter(
    "tablefor_invite_unique_opens_total",
    "Viewers new to an invite that day (salted, daily-rotated hashes; nothing personal kept).",
)


def scrape_registry() -> CollectorRegistry:
    """What a scrape reads: this process's figures, or every process's sharing the directory
    (the API's /api/metrics gets the same from Litestar's PrometheusController)."""
    if not os.environ.get(MULTIPROC_ENV):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry
