"""The monitoring that ships in deploy/: Prometheus alert rules (checked and unit-tested with
promtool, from Debian's prometheus package) and the Grafana dashboard."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
DASHBOARD = ROOT / "deploy" / "grafana" / "tablefor.json"
# What issue 12 names, and the edge's own figures: each is on the dashboard.
NAMED = [
    "tablefor_creates_total",
    "tablefor_parse_total",
    "tablefor_enrich_total",
    "tablefor_publish_seconds_bucket",
    "tablefor_purge_seconds_bucket",
    "tablefor_queue_depth",
    "tablefor_dead_letters",
    "tablefor_rsvps_total",
    "tablefor_invite_opens_total",
    "tablefor_http_request_duration_seconds_bucket",
    "tablefor_http_requests_total",
    "varnish_main_cache_hit",
    "varnish_main_cache_miss",
    "varnish_backend_up",
]


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    assert binary, "promtool comes with Debian's prometheus package (scripts/setup installs it)"
    return subprocess.run(
        [binary, *args], cwd=PROMETHEUS, capture_output=True, text=True, check=False, timeout=60
    )


def test_the_alert_rules_are_valid() -> None:
    result = promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 4 rules found" in result.stdout


def test_each_alert_fires_when_it_should_and_only_then() -> None:
    result = promtool("test", "rules", "alerts.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alerts_cover_queues_dead_letters_publish_latency_and_the_edge() -> None:
    names = re.findall(r"^\s+- alert: (\w+)$", (PROMETHEUS / "alerts.yml").read_text(), re.M)
    assert names == [
        "TableforQueueBackingUp",
        "TableforDeadLetters",
        "TableforPublishSlow",
        "TableforEdgeBackendSick",
    ]


def test_the_scrape_config_is_valid() -> None:
    result = promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_refuses_a_broken_rule(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(\n")
    assert promtool("check", "rules", str(broken)).returncode != 0


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def queries(dashboard: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_the_dashboard_is_grafana_json_with_titled_panels(dashboard: dict[str, Any]) -> None:
    panels = dashboard["panels"]
    ids = [p["id"] for p in panels]

    assert dashboard["uid"] == "tablefor" and dashboard["title"] == "Tablefor"
    assert len(ids) == len(set(ids)) and len(panels) >= 15
    assert all(p["title"] and set(p["gridPos"]) == {"h", "w", "x", "y"} for p in panels)
    assert all(p["gridPos"]["x"] + p["gridPos"]["w"] <= 24 for p in panels)
    assert all(p["datasource"]["uid"] == "${datasource}" for p in panels if p["type"] != "row")
    assert [v["name"] for v in dashboard["templating"]["list"]] == ["datasource"]


def test_the_dashboard_shows_every_named_metric(dashboard: dict[str, Any]) -> None:
    shown = " ".join(queries(dashboard))
    assert [name for name in NAMED if name not in shown] == []


def test_every_dashboard_query_is_valid_promql(dashboard: dict[str, Any], tmp_path: Path) -> None:
    """promtool has no query checker; recording rules of the same expressions are checked."""
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:query_{n}", "expr": expr}
                    for n, expr in enumerate(queries(dashboard))
                ],
            }
        ]
    }
    checked = tmp_path / "dashboard_rules.yml"
    checked.write_text(json.dumps(rules))  # JSON is YAML

    result = promtool("check", "rules", str(checked))

    assert result.returncode == 0, result.stdout + result.stderr
