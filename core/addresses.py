"""Is an address in an allow-list of networks (metrics readers, say)?"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from core.settings import Network


def is_allowed(address: str | None, allow: Iterable[Network]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in allow)
