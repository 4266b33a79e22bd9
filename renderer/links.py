"""Links that came from outside (a provider's website or maps link): only http(s) ones.

A `javascript:` or `data:` link in an href runs in our page's origin when tapped (CSP stops it
today; this does not rely on that). Browsers drop tabs and line breaks inside a URL and trim
control characters around it, so a link holding any of them is refused rather than cleaned.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_LINK_CHARS = 2048
_SCHEMES = frozenset({"http", "https"})


def web_link(value: str | None) -> str | None:
    """The link if it is an absolute http: or https: URL with a host; otherwise None."""
    if not value or len(value) > MAX_LINK_CHARS:
        return None
    if any(char.isspace() or not char.isprintable() for char in value):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # a malformed port or IPv6 address
        return None
    if parts.scheme.lower() not in _SCHEMES or not host:
        return None
    return value
