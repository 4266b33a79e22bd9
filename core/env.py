"""Typed reads of environment variables that fail with one line naming the variable."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from core.errors import SettingsError


class Env:
    """A view of an environment mapping; every read validates and names the variable on error."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        # Every secret value read through this view, and the passwords of URLs: error
        # reports are scrubbed of each of them (core/observability.py).
        self.secrets: list[str] = []

    def raw(self, name: str) -> str | None:
        value = self._environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def text(self, name: str, default: str) -> str:
        return self.raw(name) or default

    def optional_text(self, name: str) -> str | None:
        return self.raw(name)

    def secret(self, name: str) -> str | None:
        value = self.raw(name)
        if value is not None and len(value) < 8:
            raise SettingsError(f"{name}: looks too short to be a real secret")
        if value is not None:
            self.secrets.append(value)
        return value

    def integer(self, name: str, default: int, *, low: int, high: int) -> int:
        raw = self.raw(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name}: expected a whole number, got {raw!r}") from None
        if not low <= value <= high:
            raise SettingsError(f"{name}: must be between {low} and {high}, got {value}")
        return value

    def number(self, name: str, default: float, *, low: float, high: float) -> float:
        raw = self.raw(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{name}: expected a number, got {raw!r}") from None
        if not low <= value <= high:
            raise SettingsError(f"{name}: must be between {low} and {high}, got {value}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        raw = self.raw(name)
        if raw is None:
            return default
        lowered = raw.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"{name}: expected true or false, got {raw!r}")

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, default).lower()
        if value not in choices:
            raise SettingsError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
        return value

    def url(self, name: str, default: str | None, *, schemes: tuple[str, ...]) -> str | None:
        raw = self.raw(name) or default
        if raw is None:
            return None
        parts = urlsplit(raw)
        if parts.password:
            self.secrets.append(parts.password)
        if parts.scheme not in schemes:
            raise SettingsError(f"{name}: expected a {'/'.join(schemes)} URL, got {_redact(raw)!r}")
        if not parts.netloc and parts.scheme not in {"unix", "redis+unix"} and "host=" not in raw:
            raise SettingsError(f"{name}: the URL has no host: {_redact(raw)!r}")
        return raw.rstrip("/") if parts.scheme in {"http", "https"} else raw

    def required_url(self, name: str, *, schemes: tuple[str, ...]) -> str:
        value = self.url(name, None, schemes=schemes)
        if value is None:
            raise SettingsError(f"{name}: not set")
        return value

    def url_or(self, name: str, default: str, *, schemes: tuple[str, ...]) -> str:
        value = self.url(name, default, schemes=schemes)
        assert value is not None  # a default was given
        return value

    def path(self, name: str, default: Path) -> Path:
        raw = self.raw(name)
        return Path(raw).expanduser() if raw else default

    def networks(
        self, name: str, default: str
    ) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        raw = self.text(name, default)
        networks = []
        for item in (part.strip() for part in raw.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise SettingsError(f"{name}: {item!r} is not an IP address or network") from None
        return tuple(networks)


def _redact(url: str) -> str:
    """Hide a password in a URL so an error line never prints a secret."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url
