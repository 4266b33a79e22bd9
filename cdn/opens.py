"""Invite opens as the edge records them: who counts as a person, and the spool's format.

Varnish logs a page view by a person (`std.log("open:<slug>")`, edge.vcl.j2) into its
shared-memory log; a page never waits for that. The edge's collector (cdn/collector.py) reads
it with varnishncsa and appends one line per view to a spool file: the UTC day, the slug, and
the viewer as a salted hash of address, user agent and slug (the salt is replaced every day and
the old one deleted, so nothing personal can be recovered). Every second the collector seals
its file (renames it `*.opens`); the worker (workers/opens.py) counts sealed files into
PostgreSQL and deletes them. While the worker, the API, Redis or PostgreSQL is down the files
wait: nothing is lost.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# User agents that are not people opening an invite: link-preview fetchers (WhatsApp,
# Telegram, Slack, Twitter/X, Facebook, LinkedIn, Discord, iMessage, Skype, Google's and Bing's)
# and crawlers in general. Case-insensitive; rendered into the VCL.
BOT_PATTERN = (
    "(?i)(whatsapp|telegrambot|slackbot|slack-imgproxy|twitterbot|facebookexternalhit|"
    "facebot|meta-externalagent|linkedinbot|discordbot|skypeuripreview|applebot|"
    "googlebot|google-inspectiontool|bingbot|bingpreview|yandex|baiduspider|duckduckbot|"
    "embedly|pinterest|redditbot|vkshare|bot[/;)]|crawler|spider|preview|curl/|wget/|"
    "python-|go-http-client|headless)"
)
LOG_PREFIX = "open"  # the VCL's std.log("open:<slug>"), read with varnishncsa's VCL_Log:open
SEALED = ".opens"  # complete spool files, for the worker
PART = ".part"  # the file the collector is writing

_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\t([A-Za-z0-9_-]{1,64})\t([0-9a-f]{16})$")


def viewer_hash(salt: bytes, address: bytes, user_agent: bytes, slug: bytes) -> bytes:
    """64 bits, as hex: plenty to tell one invite's viewers apart in a day, useless without
    the salt. Bytes in and out: the collector hashes every view as varnishncsa prints it."""
    data = b"\n".join((address, user_agent, slug))
    return hashlib.blake2b(data, key=salt, digest_size=8).hexdigest().encode()


def spool_line(day: date, slug: str, viewer: str) -> str:
    return f"{day.isoformat()}\t{slug}\t{viewer}\n"


@dataclass
class Batch:
    """One sealed spool file, added up: opens per (slug, day), distinct viewers."""

    name: str
    lines: int = 0
    opens: Counter[tuple[str, date]] = field(default_factory=Counter)
    viewers: set[tuple[str, date, bytes]] = field(default_factory=set)
    malformed: int = 0


def read_batch(path: Path) -> Batch:
    """Identical lines (one viewer's views of one invite that day) are added up before they
    are parsed, so a busy file costs little more than reading it."""
    batch = Batch(name=path.name)
    for raw, count in Counter(path.read_bytes().split(b"\n")).items():
        match = _LINE.match(raw.decode("utf-8", "replace"))
        if match is None:  # e.g. a last line cut short by a crash
            batch.malformed += count if raw else 0
            continue
        day, slug, viewer = date.fromisoformat(match[1]), match[2], bytes.fromhex(match[3])
        batch.lines += count
        batch.opens[(slug, day)] += count
        batch.viewers.add((slug, day, viewer))
    return batch


def sealed_files(spool_dir: Path) -> list[Path]:
    """Complete spool files, oldest first (their names start with the time they were begun)."""
    try:
        return sorted(spool_dir.glob(f"*{SEALED}"))
    except FileNotFoundError:
        return []


def seal(part: Path) -> Path:
    """Make a written file visible to the worker, at once and whole (a rename)."""
    sealed = part.with_suffix(SEALED)
    os.replace(part, sealed)
    return sealed
