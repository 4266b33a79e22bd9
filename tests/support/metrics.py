"""Reading Prometheus's text exposition in tests."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples called `name` whose labels include `labels` (0 if none). The
    parser names every counter's sample `..._total`, as OpenMetrics does; either name works."""
    wanted = set(labels.items())
    names = {name, f"{name}_total"}
    return sum(
        number
        for (sample, sample_labels), number in samples(text).items()
        if sample in names and wanted <= sample_labels
    )


def scrape(url: str) -> str:
    response = httpx.get(url, timeout=10)
    response.raise_for_status()
    return response.text
