"""Whom a per-IP budget counts (the limiter itself is tested against Redis, in integration)."""

from __future__ import annotations

import pytest

from core.ratelimit import client_key


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:0DB8:0001:0002:0000:0000:0000:0009", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),  # IPv4-mapped: the IPv4 client it is
        ("::1", "::/64"),
        ("unknown", "unknown"),
    ],
)
def test_an_ipv6_client_is_keyed_by_its_64_and_an_ipv4_one_by_its_address(
    address: str, key: str
) -> None:
    assert client_key(address) == key
