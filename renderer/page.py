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

from renderer import attribution, words
from renderer.fallback_image import Design, design_for
from renderer.links import web_link
from renderer.model import Invite, Links, OgImageRef, Site

# The photo spans the card: the viewport less the page's side padding, up to the column's width.
PHOTO_SIZES = "(min-width: 40rem) 38rem, calc(100vw - 2rem)"
# The OG image's glows are drawn behind shadowed text; on the page, text sits anywhere on them.
GLOW_SOFTENING = 0.35
# Above this many places a row of seats stops reading as a table; the count says it alone.
MAX_SEATS = 12


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


def render_page(
    invite: Invite, *, site: Site, og: OgImageRef, links: Links, templates: Templates
) -> bytes:
    context = page_context(invite, site=site, og=og, links=links, templates=templates)
    return templates.render("invite.html.j2", context)


def page_context(
    invite: Invite, *, site: Site, og: OgImageRef, links: Links, templates: Templates
) -> dict[str, Any]:
    page_url = links.page
    design = design_for(_seed(invite))
    inline_css = design_css(design) + templates.page_css
    return {
        "invite": invite,
        "site": site,
        "og": og,
        "page_url": page_url,
        "page_url_display": page_url.split("://", 1)[-1],
        "page_title": _title(invite),
        "description": _description(invite),
        "heading": words.heading(invite),
        "when_long": words.when_long(invite),
        "when_short": words.when_short(invite),
        "date_short": words.date_short(invite),
        "time_short": words.clock(words.local_start(invite)),
        "date_tile": words.date_tile(invite),
        "timezone_note": f"Local time ({invite.timezone.replace('_', ' ')})",
        "party": words.party_words(invite.party_size),
        "locality": words.locality(invite),
        "ics_url": links.calendar,
        "rsvp_action": links.rsvp_action,
        "google_calendar_url": words.google_calendar_url(invite, page_url),
        "whatsapp_url": words.whatsapp_url(f"{_title(invite)} — {page_url}"),
        "inline_css": inline_css,
        "csp": content_security_policy(inline_css),
        "theme_color": _hex(design.palette.shadow),
        **_place_context(invite),
        **_answers_context(invite),
    }


def _place_context(invite: Invite) -> dict[str, Any]:
    restaurant = invite.restaurant
    photo = restaurant.photo
    return {
        "rating": f"{restaurant.rating:.1f}" if restaurant.rating else None,
        "rating_count": f"{restaurant.rating_count:,}" if restaurant.rating_count else None,
        "price": words.price_symbol(restaurant.price_level),
        # Provider links are checked where they become hrefs too: rows stored before the
        # clients checked them, or by a provider we add later.
        "maps_url": web_link(restaurant.maps_uri) or _maps_search(invite),
        "website_url": web_link(restaurant.website),
        "photo": photo,
        "photo_srcset": ", ".join(f"{s.url} {s.width}w" for s in photo.sources) if photo else "",
        "photo_sizes": PHOTO_SIZES,
        "photo_credit_url": attribution.photo_credit_url(restaurant),
        "initial": words.initial(restaurant.name),
        # The providers' credits, under what they provided (renderer/attribution.py).
        "attribution": attribution.page_source(restaurant),
        "google_maps": attribution.GOOGLE_MAPS_TEXT,
        "osm_copyright_url": attribution.OSM_COPYRIGHT_URL,
    }


def _answers_context(invite: Invite) -> dict[str, Any]:
    going = words.going_count(invite.answers)
    names, more_names = words.listed(
        [words.first_name(a.name) for a in invite.answers if a.response == "IN"]
    )
    maybe, more_maybe = words.listed(
        [words.first_name(a.name) for a in invite.answers if a.response == "MAYBE"]
    )
    return {
        "going": going,
        "going_words": f"{going} going",
        "names": [{"name": name, "initial": words.initial(name)} for name in names],
        "more_names": more_names,
        "maybe_names": maybe,
        "more_maybe_names": more_maybe,
        "max_names": words.MAX_LISTED_NAMES,
        "counts": words.counts(invite.answers),
        "seats": _seats(invite.party_size, going),
        "full": words.is_full(invite),
    }


def _seats(party_size: int | None, going: int) -> list[bool]:
    if not party_size or party_size > MAX_SEATS:
        return []
    return [seat < going for seat in range(party_size)]


def content_security_policy(inline_css: str) -> str:
    digest = base64.b64encode(hashlib.sha256(inline_css.encode()).digest()).decode()
    return (
        "default-src 'none'; script-src 'self'; "
        f"style-src 'sha256-{digest}'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; manifest-src 'self'"
    )


def design_css(design: Design) -> str:
    """The invite's own colours and glows, the same as its OG image's fallback background."""
    palette = design.palette
    glows = ",".join(
        f"radial-gradient(circle at {x:.0%} {y:.0%},{_hex(color)}{_alpha(strength)},"
        f"transparent {radius * 1.6:.0%})"
        for (x, y, radius, strength), color in zip(
            design.glows, (palette.glow, palette.second_glow), strict=True
        )
    )
    return (
        f":root{{--hero-a:{_hex(palette.shadow)};--hero-b:{_hex(palette.base)};"
        f"--hero-accent:{_hex(palette.accent)};--hero-glows:{glows}}}\n"
    )


def _alpha(strength: float) -> str:
    """A glow's strength as the two hex digits of an #rrggbbaa colour, softened so that the
    hero's light text keeps its contrast where a glow is brightest (tests/unit/test_page.py)."""
    return f"{round(255 * strength * GLOW_SOFTENING):02x}"


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
