"""Prometheus metrics, defined once here and counted where their fact is owned.

Provider requests are counted by the SKU their provider bills them at, so that the bill can be
checked against what the workers did (workers/providers/google_billing.py names the SKUs).
"""

from __future__ import annotations

from prometheus_client import Counter

PLACES_REQUESTS = Counter(
    "tablefor_places_requests_total",
    "Place provider requests answered (HTTP 200: what Google bills), by provider and SKU: "
    "google text_search_enterprise, place_details_enterprise, place_details_photos; "
    "nominatim search (no charge).",
    ["provider", "sku"],
)
