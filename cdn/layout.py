"""Where every published object lives and how it is served: storage keys, public paths and
URLs, surrogate keys, and each kind's headers. Everything else asks this module.

Pages, RSVP summaries and calendar files change in place. How a change reaches readers depends on
what a purge costs at the configured CDN (`Freshness`): where purges are free and fast (our
Varnish, Fastly, Cloudflare) the edge keeps these objects long and is purged on every change;
on CloudFront, where each invalidated path is billed and takes minutes, they live at the edge
only seconds, revalidated in the background (stale-while-revalidate), and only cancels, deletes
and link rotations invalidate. Either way browsers revalidate each time (max-age=0: a cheap 304
from the edge). Content-hashed files (OG images, assets) never change: cached forever where they
can be purged when deleted, for an hour at a time on CloudFront so that a removed one leaves it
without an invalidation. Restaurant photos never change either, but a provider's terms limit how
long they may be shown (Google: 30 days from the fetch, workers/expiry.py): browsers keep them
an hour, not a year, so that removing them from storage and the edge removes them from view.
The nginx origin config is generated from these same values (cdn/edge.py).
"""

from __future__ import annotations

import enum
import hashlib
from urllib.parse import quote

from cdn.storage.base import StoredObject


class Kind(enum.Enum):
    PAGE = "page"
    RSVPS = "rsvps"
    CALENDAR = "calendar"
    IMMUTABLE = "immutable"
    PHOTO = "photo"  # a restaurant photo and the OG backgrounds made from it
    NOT_FOUND = "not_found"


class Freshness(enum.Enum):
    PURGED = "purged"  # long shared lifetimes, purged on every change
    EXPIRING = "expiring"  # short shared lifetimes; purged only when urgent (cdn/purge/base.py)


# Adapters whose purges are billed per path and slow: changes reach readers by expiry instead.
# CloudFront bills invalidated paths beyond 1,000 a month (docs.aws.amazon.com/AmazonCloudFront/
# latest/DeveloperGuide/PayingForInvalidation.html) and honours s-maxage, stale-while-revalidate
# and stale-if-error from the origin (aws.amazon.com/about-aws/whats-new/2023/05/
# amazon-cloudfront-stale-while-revalidate-stale-if-error-cache-control-directives/).
EXPIRING_ADAPTERS = frozenset({"cloudfront"})

EDGE_TTL = 86_400  # s-maxage for objects purged on change
STALE_WHILE_REVALIDATE = 60
STALE_IF_ERROR = 7 * 86_400  # keep serving cached pages through a week-long origin outage
PHOTO_BROWSER_TTL = 3600  # workers/expiry.py strips photos early enough to outlast it

# Freshness.EXPIRING: how long a change may take to show, beyond one stale answer.
PAGE_TTL = 30
RSVPS_TTL = 5  # the page polls rsvps.json after an answer (templates/assets/app.js)
CALENDAR_TTL = 60
IMMUTABLE_EDGE_TTL = 3_600  # a removed content-hashed file leaves the edge within this

IMMUTABLE = "public, max-age=31536000, immutable"
NOT_FOUND = "public, max-age=0, s-maxage=10"

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
    Kind.IMMUTABLE: IMMUTABLE,
    # Purged from the edge when removed; no stale copies served (no stale-* directives).
    Kind.PHOTO: f"public, max-age={PHOTO_BROWSER_TTL}, s-maxage={EDGE_TTL}",
    Kind.NOT_FOUND: NOT_FOUND,
}

EXPIRING_CACHE_CONTROL: dict[Kind, str] = {
    Kind.PAGE: (
        f"public, max-age=0, s-maxage={PAGE_TTL}, "
        f"stale-while-revalidate={PAGE_TTL}, stale-if-error={STALE_IF_ERROR}"
    ),
    Kind.RSVPS: (
        f"public, max-age=0, s-maxage={RSVPS_TTL}, "
        f"stale-while-revalidate={2 * RSVPS_TTL}, stale-if-error={STALE_IF_ERROR}"
    ),
    Kind.CALENDAR: (
        f"public, max-age=300, s-maxage={CALENDAR_TTL}, "
        f"stale-while-revalidate={CALENDAR_TTL}, stale-if-error={STALE_IF_ERROR}"
    ),
    Kind.IMMUTABLE: f"public, max-age=31536000, s-maxage={IMMUTABLE_EDGE_TTL}, immutable",
    # A removed photo leaves the edge within the hour, without an invalidation.
    Kind.PHOTO: f"public, max-age={PHOTO_BROWSER_TTL}, s-maxage={IMMUTABLE_EDGE_TTL}",
    Kind.NOT_FOUND: NOT_FOUND,
}


def freshness_for(adapter: str) -> Freshness:
    """How the configured purge adapter (TABLEFOR_PURGE) keeps the edge fresh."""
    return Freshness.EXPIRING if adapter in EXPIRING_ADAPTERS else Freshness.PURGED


def cache_control(kind: Kind, freshness: Freshness = Freshness.PURGED) -> str:
    table = EXPIRING_CACHE_CONTROL if freshness is Freshness.EXPIRING else CACHE_CONTROL
    return table[kind]


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

SLUG = "[A-Za-z0-9_-]+"  # the shape of a slug in a path, for the edge's patterns
NOT_FOUND_KEY = "404.html"
_HASH_LENGTH = 16

# An invite's OG image, its slug captured (the origin derives the image's surrogate key).
OG_IMAGE_PATTERN = f"^/i/({SLUG})/og-[0-9a-f]+\\.jpg$"

# Public paths by kind, as regular expressions: the origin config sets headers by them.
PATH_PATTERNS: dict[Kind, str] = {
    Kind.PAGE: f"^/i/{SLUG}/index\\.html$",
    Kind.RSVPS: f"^/i/{SLUG}/rsvps\\.json$",
    Kind.CALENDAR: f"^/i/{SLUG}/invite\\.ics$",
    Kind.IMMUTABLE: f"^/(i/{SLUG}/og-[0-9a-f]+\\.jpg|assets/[A-Za-z0-9_.-]+)$",
    Kind.PHOTO: "^/r/[0-9]+/[0-9a-f]+-[0-9a-z-]+\\.jpg$",
}


# --- storage keys --------------------------------------------------------------------------


def page_key(slug: str) -> str:
    return f"i/{slug}/index.html"


def rsvps_key(slug: str) -> str:
    return f"i/{slug}/rsvps.json"


def calendar_key(slug: str) -> str:
    return f"i/{slug}/invite.ics"


def invite_prefix(slug: str) -> str:
    """Every object an invite ever published lives under this prefix."""
    return f"i/{slug}/"


def og_image_key(slug: str, image: bytes) -> str:
    return f"i/{slug}/og-{_digest(image)}.jpg"


def photo_base(restaurant_id: int, original: bytes) -> str:
    """The stem shared by every stored width of one restaurant photo."""
    return f"r/{restaurant_id}/{_digest(original)}"


def photo_key(base: str, width: int) -> str:
    return f"{base}-{width}.jpg"


def photo_prefix(base: str) -> str:
    """What the key of every stored file of one photo starts with: each width, and the OG
    backgrounds made from them (of any design)."""
    return f"{base}-"


def photo_base_of(prefix: str) -> str:
    return prefix.removesuffix("-")


def photo_folder(prefix: str) -> str:
    """The storage folder holding a photo's files (its restaurant's), for listing them."""
    return prefix.rpartition("/")[0] + "/"


def og_background_key(photo: str, design: str) -> str:
    """The OG-ready background prepared from a stored photo, per background design."""
    return f"{photo.removesuffix('.jpg')}-og-{_digest(design.encode())[:8]}.jpg"


def asset_key(name: str, body: bytes) -> str:
    stem, _, extension = name.rpartition(".")
    return f"assets/{stem}.{_digest(body)[:12]}.{extension}"


# --- public paths and URLs -----------------------------------------------------------------


def path_of(key: str) -> str:
    """The public path of a stored object."""
    return f"/{key}"


def page_path(slug: str) -> str:
    """The invite's address as shared (the edge serves it from page_key)."""
    return f"/i/{slug}"


def url_of(public_url: str, path: str) -> str:
    return f"{public_url}{path}"


def page_url(public_url: str, slug: str) -> str:
    return url_of(public_url, page_path(slug))


SIGN_IN_LINK_PATH = "/signin/link"


def sign_in_link_url(public_url: str, token: str, next_path: str | None = None) -> str:
    """The link a sign-in e-mail carries. The token rides in the fragment: it never reaches a
    server's log, and a link scanner's GET consumes nothing (the page POSTs it)."""
    fragment = f"token={token}"
    if next_path:
        fragment += f"&next={quote(next_path, safe='/')}"
    return f"{url_of(public_url, SIGN_IN_LINK_PATH)}#{fragment}"


def rsvp_action_path(slug: str) -> str:
    """Where the page's answer form posts (the API, behind the same host)."""
    return f"/api/invites/{slug}/rsvp"


def invite_paths(slug: str) -> tuple[str, ...]:
    """The public paths of an invite's mutable objects, for CDNs that purge by URL."""
    base = page_path(slug)
    return (base, f"{base}/", path_of(rsvps_key(slug)), path_of(calendar_key(slug)))


# --- surrogate keys ------------------------------------------------------------------------


def slug_key(slug: str) -> str:
    """The key every origin can attach (nginx derives it from the path; S3 stores it)."""
    return f"slug-{slug}"


def images_key(slug: str) -> str:
    """The key of an invite's content-hashed images: a publish never purges it (they never
    change), removing one does (the old image, and the current one with it, refetched once)."""
    return f"images-{slug}"


def invite_keys(*, slug: str, invite_id: int, restaurant_id: int | None) -> tuple[str, ...]:
    """Surrogate keys of every object of one invite: a purge of any one clears them all."""
    keys = [slug_key(slug), f"invite-{invite_id}"]
    if restaurant_id is not None:
        keys.append(f"restaurant-{restaurant_id}")
    return tuple(keys)


# --- objects -------------------------------------------------------------------------------


def content_type(key: str) -> str:
    _, dot, extension = key.rpartition(".")
    return CONTENT_TYPES.get(f".{extension}" if dot else "", "application/octet-stream")


def stored(
    key: str,
    body: bytes,
    kind: Kind,
    keys: tuple[str, ...] = (),
    *,
    freshness: Freshness = Freshness.PURGED,
) -> StoredObject:
    """An object ready for storage, with the headers its kind is served with."""
    return StoredObject(
        key=key,
        body=body,
        content_type=content_type(key),
        cache_control=cache_control(kind, freshness),
        surrogate_keys=keys,
    )


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:_HASH_LENGTH]
