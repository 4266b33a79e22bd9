"""A fixed invite for tests of the pure renderer: small factories, the same data everywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from renderer.model import (
    GOOGLE_MAPS,
    Answer,
    Invite,
    Links,
    OgImageRef,
    Photo,
    PhotoSource,
    Restaurant,
    Site,
)
from renderer.page import Templates

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PUBLIC = "https://tablefor.in"
SITE = Site(public_url=PUBLIC, js_url="/assets/app.0123456789ab.js")
SLUG = "Ab3dEf6hIj9kLm"
LINKS = Links(
    page=f"{PUBLIC}/i/{SLUG}",
    calendar=f"/i/{SLUG}/invite.ics",
    rsvp_action=f"/api/invites/{SLUG}/rsvp",
)
OG = OgImageRef(
    url=f"{PUBLIC}/i/{SLUG}/og-0123456789abcdef.jpg",
    width=1200,
    height=630,
    alt="Asha’s farewell at Toit, Sat 12 Dec · 8:00 PM",
)
PHOTO = Photo(
    sources=tuple(PhotoSource(url=f"/r/1/abc-{w}.jpg", width=w) for w in (480, 960, 1440)),
    width=1440,
    height=1080,
    credit="Asha Rao",
    credit_url="https://maps.google.com/maps/contrib/1029384756",
)


def load_templates() -> Templates:
    sources = {path.name: path.read_text("utf-8") for path in TEMPLATES.glob("*.j2")}
    return Templates(sources, page_css=(TEMPLATES / "assets" / "page.css").read_text("utf-8"))


def make_restaurant(**changes: Any) -> Restaurant:
    fields: dict[str, Any] = {
        "name": "Toit",
        "area": "Indiranagar",
        "city": "Bengaluru",
        "address": "298, 100 Feet Road, Indiranagar, Bengaluru, Karnataka 560038, India",
        "rating": 4.5,
        "rating_count": 41210,
        "price_level": "PRICE_LEVEL_EXPENSIVE",
        "maps_uri": "https://maps.google.com/?cid=1",
        "photo": PHOTO,
        "source": GOOGLE_MAPS,
    }
    return Restaurant(**(fields | changes))


def make_invite(**changes: Any) -> Invite:
    fields: dict[str, Any] = {
        "id": 1,
        "slug": SLUG,
        "title": "Asha’s farewell",
        "message": "Last Saturday before I fly out.",
        "host_name": "Asha",
        "cancelled": False,
        "starts_at": datetime(2026, 12, 12, 14, 30, tzinfo=UTC),  # 8:00 PM in Kolkata
        "timezone": "Asia/Kolkata",
        "party_size": 6,
        "offer": None,
        "revision": 0,
        "revised_at": datetime(2026, 11, 1, tzinfo=UTC),
        "version": 3,
        "restaurant": make_restaurant(),
        "answers": (
            Answer(name="Meera Rao", response="IN", guests=1),
            Answer(name="विकास कुमार", response="IN", guests=0),
            Answer(name="Dev", response="MAYBE", guests=0),
        ),
    }
    return Invite(**(fields | changes))
