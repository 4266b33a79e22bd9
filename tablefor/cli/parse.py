"""`tablefor parse`: print what Tablefor reads from a booking text."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
import msgspec

from core.domain import DEFAULT_TIMEZONE


@click.command()
@click.argument("source", default="-", type=click.File("r", encoding="utf-8", errors="replace"))
@click.option("--now", "now_text", help="Reference time, ISO 8601 with offset (default: now).")
@click.option("--tz", "tz_name", default=DEFAULT_TIMEZONE, show_default=True, help="IANA zone.")
def parse(source: TextIO, now_text: str | None, tz_name: str) -> None:
    """Parse a booking from FILE (or - for standard input) and print the result as JSON."""
    from core.parsing import parse_booking

    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {tz_name!r}", param_hint="--tz") from None
    now = _reference_time(now_text, tz)
    result = parse_booking(source.read(), now=now, tz=tz)
    fields = msgspec.structs.asdict(result)
    # "+00:00" rather than msgspec's "Z": one spelling of the offset for every zone.
    fields["starts_at"] = result.starts_at.isoformat() if result.starts_at else None
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(fields), indent=2).decode() + "\n")


def _reference_time(text: str | None, tz: ZoneInfo) -> datetime:
    if text is None:
        return datetime.now(UTC).astimezone(tz)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not ISO 8601", param_hint="--now") from None
    return value if value.tzinfo else value.replace(tzinfo=tz)
