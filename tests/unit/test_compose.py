"""docker-compose.yml is checked against the Compose Specification's JSON schema (no Docker)."""

from __future__ import annotations

import ipaddress
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec"]
    return subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)


def test_docker_compose_follows_the_compose_specification() -> None:
    result = validate(ROOT / "docker-compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_refuses_a_broken_compose_file(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  api:\n    image: tablefor\n    depends_on: 42\n")
    assert validate(broken).returncode != 0


def test_only_the_worker_may_purge_the_edge_and_only_with_the_secret() -> None:
    # The YAML parser check-jsonschema itself reads the file with.
    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    services, purge_net = compose["services"], compose["networks"]["purge"]
    worker, edge = services["worker"], services["edge"]
    subnet = ipaddress.ip_network(purge_net["ipam"]["config"][0]["subnet"])
    worker_ip = ipaddress.ip_address(worker["networks"]["purge"]["ipv4_address"])
    edge_ip = ipaddress.ip_address(edge["networks"]["purge"]["ipv4_address"])
    env = worker["environment"]

    assert purge_net["internal"] is True
    assert worker_ip in subnet and edge_ip in subnet
    assert [ipaddress.ip_network(a) for a in env["TABLEFOR_PURGE_ALLOW"].split(",")] == [
        ipaddress.ip_network(f"{worker_ip}/32")
    ]
    assert urlsplit(env["TABLEFOR_VARNISH_URL"]).hostname == str(edge_ip)
    for service in (worker, edge):  # from the environment, required, never a literal
        assert service["environment"]["TABLEFOR_PURGE_SECRET"].startswith(
            "${TABLEFOR_PURGE_SECRET:?"
        )
    assert edge["environment"]["TABLEFOR_PURGE_ALLOW"] == env["TABLEFOR_PURGE_ALLOW"]
    others = set(services) - {"worker", "edge"}
    assert not any(
        "TABLEFOR_PURGE_SECRET" in services[name].get("environment", {}) for name in others
    )
