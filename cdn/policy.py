"""How long each kind of published object may be cached, and by whom.

Pages, RSVP summaries and calendar files change in place, so the edge keeps them long and is
purged on every change, while browsers revalidate each time (max-age=0: a cheap 304 from the
edge). Content-hashed files (OG images, photos, assets) never change: cached forever, never
purged. The nginx origin config is generated from these same values.
"""

from __future__ import annotations

import enum


class Kind(enum.Enum):
    PAGE = "page"
    RSVPS = "rsvps"
    CALENDAR = "calendar"
    IMMUTABLE = "immutable"
    NOT_FOUND = "not_found"


EDGE_TTL = 86_400  # s-maxage for objects purged on change
STALE_WHILE_REVALIDATE = 60
STALE_IF_ERROR = 7 * 86_400  # keep serving cached pages through a week-long origin outage

CACHE_CONTROL: dict[Kind, str] = {
    Kind.PAGE: (
        f"public, max-age=0, s-maxage={EDGE_TTL}, "
        f"stale-while-revalidate={STALE_WHILE_REVALIDATE}, stale-if-error={STALE_IF_ERROR}"
    ),
    Kind.RSVPS: (
        f"public, max-age=0, s-maxage={EDGE_TTL}, "
        f"stale-while-revalidate=5, stale-if-error={STALE_IF_ERROR}"
    ),
    Kind.CALENDAR: (
        f"public, max-age=300, s-maxage={EDGE_TTL}, "
        f"stale-while-revalidate={STALE_WHILE_REVALIDATE}, stale-if-error={STALE_IF_ERROR}"
    ),
    Kind.IMMUTABLE: "public, max-age=31536000, immutable",
    Kind.NOT_FOUND: "public, max-age=0, s-maxage=10",
}

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".ics": "text/calendar; charset=utf-8",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}


def invite_keys(*, slug: str, invite_id: int, restaurant_id: int | None) -> tuple[str, ...]:
    """Surrogate keys of every object of one invite: a purge of any one clears them all."""
    keys = [f"slug-{slug}", f"invite-{invite_id}"]
    if restaurant_id is not None:
        keys.append(f"restaurant-{restaurant_id}")
    return tuple(keys)


def slug_key(slug: str) -> str:
    """The key every origin can attach (nginx derives it from the path; S3 stores it)."""
    return f"slug-{slug}"


def invite_paths(slug: str) -> tuple[str, ...]:
    """The public paths of an invite's mutable objects, for CDNs that purge by URL."""
    base = f"/i/{slug}"
    return (base, f"{base}/", f"{base}/rsvps.json", f"{base}/invite.ics")
