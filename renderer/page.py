"""The invite page: HTML from the Jinja2 templates, every user-typed value autoescaped.

All CSS is inlined (it is small, and the page paints with the first response); the page's own
Content-Security-Policy allows exactly that stylesheet by its hash, and scripts only from our
origin. The edge adds the same policy as a header, without the per-page hash.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

import jinja2

from renderer import words
from renderer.fallback_image import Palette, palette_for
from renderer.model import Invite, OgImageRef, Site


class Templates:
    """The page templates and stylesheet, compiled once. The caller reads the sources."""

    def __init__(self, sources: Mapping[str, str], *, page_css: str) -> None:
        self.page_css = page_css
        self.environment = jinja2.Environment(
            loader=jinja2.DictLoader(dict(sources)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )

    def render(self, name: str, context: Mapping[str, Any]) -> bytes:
        return self.environment.get_template(name).render(context).encode()


def render_page(invite: Invite, *, site: Site, og: OgImageRef, templates: Templates) -> bytes:
    return templates.render(
        "invite.html.j2", page_context(invite, site=site, og=og, templates=templates)
    )


def page_context(
    invite: Invite, *, site: Site, og: OgImageRef, templates: Templates
) -> dict[str, Any]:
    page_url = f"{site.public_url}/i/{invite.slug}"
    palette = palette_for(_seed(invite))
    inline_css = _palette_css(palette) + templates.page_css
    restaurant = invite.restaurant
    photo = restaurant.photo
    return {
        "invite": invite,
        "site": site,
        "og": og,
        "page_url": page_url,
        "page_title": _title(invite),
        "description": _description(invite),
        "heading": words.heading(invite),
        "when_long": words.when_long(invite),
        "when_short": words.when_short(invite),
        "timezone_note": f"Local time ({invite.timezone.replace('_', ' ')})",
        "party": words.party_words(invite.party_size),
        "locality": words.locality(invite),
        "rating": f"{restaurant.rating:.1f}" if restaurant.rating else None,
        "rating_count": f"{restaurant.rating_count:,}" if restaurant.rating_count else None,
        "price": words.price_symbol(restaurant.price_level),
        "maps_url": restaurant.maps_uri or _maps_search(invite),
        "photo": photo,
        "photo_srcset": ", ".join(f"{s.url} {s.width}w" for s in photo.sources) if photo else "",
        "initial": restaurant.name[:1].upper(),
        "ics_url": f"/i/{invite.slug}/invite.ics",
        "google_calendar_url": words.google_calendar_url(invite, page_url),
        "whatsapp_url": words.whatsapp_url(f"{_title(invite)} — {page_url}"),
        "going": words.going_count(invite.answers),
        "names": [words.first_name(a.name) for a in invite.answers if a.response == "IN"],
        "counts": words.counts(invite.answers),
        "inline_css": inline_css,
        "csp": content_security_policy(inline_css),
        "theme_color": _hex(palette.shadow),
    }


def content_security_policy(inline_css: str) -> str:
    digest = base64.b64encode(hashlib.sha256(inline_css.encode()).digest()).decode()
    return (
        "default-src 'none'; script-src 'self'; "
        f"style-src 'sha256-{digest}'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; manifest-src 'self'"
    )


def _palette_css(palette: Palette) -> str:
    return (
        f":root{{--hero-a:{_hex(palette.shadow)};--hero-b:{_hex(palette.base)};"
        f"--hero-accent:{_hex(palette.accent)}}}\n"
    )


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _seed(invite: Invite) -> str:
    return f"{invite.restaurant.name}|{invite.slug}"


def _title(invite: Invite) -> str:
    heading = words.heading(invite)
    prefix = "Cancelled: " if invite.cancelled else ""
    return f"{prefix}{heading} · {words.when_short(invite)}"


def _description(invite: Invite) -> str:
    host = f"{invite.host_name} invites you to " if invite.host_name else "You’re invited to "
    where = words.locality(invite)
    place = f"{invite.restaurant.name}, {where}" if where else invite.restaurant.name
    return f"{host}{place} on {words.when_long(invite)}. Tap to answer IN, MAYBE or OUT."


def _maps_search(invite: Invite) -> str | None:
    from urllib.parse import urlencode

    query = ", ".join(p for p in (invite.restaurant.name, words.locality(invite)) if p)
    return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": query})
