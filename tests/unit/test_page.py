"""The invite page as rendered bytes: structure, escaping, link-preview tags, budgets, contrast."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from html.parser import HTMLParser

import extruct
import lxml.html
import msgspec
import pytest

from renderer import words
from renderer.fallback_image import PALETTES, Palette, design_for
from renderer.model import (
    OPENSTREETMAP,
    Answer,
    Invite,
    Photo,
    Restaurant,
)
from renderer.not_found import render_not_found
from renderer.page import Templates, design_css, render_page
from tests.support.invites import (
    LINKS,
    OG,
    PHOTO,
    PUBLIC,
    SITE,
    SLUG,
    TEMPLATES,
    load_templates,
    make_invite,
    make_restaurant,
)

BUDGET = 30 * 1024  # HTML + CSS + JS, gzip-compressed, images excluded


@pytest.fixture(scope="module")
def templates() -> Templates:
    return load_templates()


def render(templates: Templates, invite: Invite | None = None) -> str:
    return render_page(
        invite or make_invite(), site=SITE, og=OG, links=LINKS, templates=templates
    ).decode()


# --- structure -------------------------------------------------------------------------------


def test_the_page_is_a_stack_of_cards_in_reading_order(templates: Templates) -> None:
    tree = lxml.html.fromstring(render(templates))

    cards = tree.xpath('//main/*[contains(@class, "card")]/@class')

    assert [c.split()[1] for c in cards] == [
        "card-hero",
        "card-place",
        "card-when",
        "card-guests",
        "card-rsvp",
        "card-share",
    ]


def test_the_page_says_who_where_when_and_who_is_coming(templates: Templates) -> None:
    html = render(templates)
    text = " ".join(lxml.html.fromstring(html).text_content().split())

    assert "Asha invites you" in text
    assert "Saturday 12 December, 8:00 PM" in text
    assert "Table for 6" in text
    assert "★ 4.5 out of 5 · 41,210 reviews" in text
    assert "3 people coming of 6" in text
    assert "1 maybe" in text and "Maybe: Dev" in text
    assert f'href="/i/{SLUG}/invite.ics"' in html
    assert f'action="/api/invites/{SLUG}/rsvp"' in html


def test_names_are_first_names_with_their_initials_hindi_included(templates: Templates) -> None:
    tree = lxml.html.fromstring(render(templates))

    people = [li.text_content() for li in tree.xpath("//*[@data-names]/li")]

    assert people == ["MMeera", "विविकास"]
    assert "Meera Rao" not in render(templates)
    assert words.initial("क्षितिज") == "क्"  # the virama stays with its consonant
    assert words.initial("") == "?"


def test_a_flood_of_answers_names_twenty_and_counts_the_rest(templates: Templates) -> None:
    answers = flood(34) + flood(25, "MAYBE") + flood(3, "OUT")

    tree = lxml.html.fromstring(render(templates, make_invite(answers=answers, party_size=None)))

    listed = tree.xpath("//*[@data-names]/li[not(@data-more)]")
    more = tree.xpath("//*[@data-names]/li[@data-more]")
    maybe = tree.xpath("//*[@data-maybe]")[0]
    assert len(listed) == words.MAX_LISTED_NAMES == 20
    assert [li.text_content() for li in more] == ["+14 more"]
    assert more[0].get("data-more") == "14"
    assert maybe.text_content().endswith(" +5 more") and maybe.get("data-more") == "5"
    assert len(maybe.text_content().split(", ")) == 20
    assert "34 people coming" in " ".join(tree.text_content().split())
    assert "25 maybe" in tree.text_content()


def test_the_page_does_not_grow_with_the_number_of_answers(templates: Templates) -> None:
    forty = render(templates, make_invite(answers=flood(20) + flood(20, "MAYBE")))
    two_hundred = render(templates, make_invite(answers=flood(100) + flood(100, "MAYBE")))

    # Only the "+N more" items and the counts are added.
    assert len(two_hundred.encode()) - len(forty.encode()) < 200


def test_a_short_list_has_no_more_item(templates: Templates) -> None:
    tree = lxml.html.fromstring(render(templates))
    assert tree.xpath("//*[@data-more and not(@data-maybe)]") == []
    assert "more" not in tree.xpath("//*[@data-maybe]")[0].text_content()


def test_seats_show_how_full_the_table_is(templates: Templates) -> None:
    tree = lxml.html.fromstring(render(templates))

    seats = [s.get("class") for s in tree.xpath("//*[@data-seats]/span")]

    assert seats == ["seat taken"] * 3 + ["seat"] * 3


def test_a_big_party_has_no_row_of_seats(templates: Templates) -> None:
    tree = lxml.html.fromstring(render(templates, make_invite(party_size=40)))
    assert tree.xpath("//*[@data-seats]") == []


def test_the_photo_has_its_size_and_a_srcset_for_the_screen(templates: Templates) -> None:
    image = lxml.html.fromstring(render(templates)).xpath("//figure//img")[0]

    assert (image.get("width"), image.get("height")) == ("1440", "1080")
    assert image.get("srcset") == (
        "/r/1/abc-480.jpg 480w, /r/1/abc-960.jpg 960w, /r/1/abc-1440.jpg 1440w"
    )
    assert "100vw" in image.get("sizes")
    assert image.get("alt") == "Toit"


def test_without_a_photo_the_designed_cover_shows_the_initial(templates: Templates) -> None:
    plain = make_invite(restaurant=Restaurant(name="karavalli", city="Bengaluru"))

    tree = lxml.html.fromstring(render(templates, plain))

    assert tree.xpath("//figure//img") == []
    assert tree.find_class("cover-initial")[0].text == "K"
    assert '<link rel="preload" as="image"' not in render(templates, plain)


def test_a_cancelled_invite_has_no_form_and_says_so(templates: Templates) -> None:
    html = render(templates, make_invite(cancelled=True))

    assert "This dinner has been cancelled by Asha." in html
    assert "<form" not in html
    assert "Answer the invite" not in html
    assert "Cancelled: Asha’s farewell" in html  # the link preview says it too


def test_a_full_table_says_so_without_a_script(templates: Templates) -> None:
    full = make_invite(party_size=3, close_when_full=True)

    notice = lxml.html.fromstring(render(templates, full)).xpath("//*[@data-full]")[0]
    open_notice = lxml.html.fromstring(render(templates)).xpath("//*[@data-full]")[0]

    assert notice.get("hidden") is None
    assert open_notice.get("hidden") is not None


def test_every_form_outcome_has_its_message(templates: Templates) -> None:
    tree = lxml.html.fromstring(render(templates))

    ids = {"rsvp-thanks"} | {
        f"rsvp-error-{reason}"
        for reason in ("invalid", "busy", "unavailable", "past", "full", "cancelled", "limit")
    }

    assert all(tree.get_element_by_id(i) is not None for i in ids)


def test_the_form_posts_the_fields_the_api_reads(templates: Templates) -> None:
    form = lxml.html.fromstring(render(templates)).forms[0]

    assert form.method == "POST"
    assert set(form.fields.keys()) == {"response", "name", "guests", "participant_key"}
    assert [r.get("value") for r in form.inputs["response"]] == ["IN", "MAYBE", "OUT"]


# --- attribution ------------------------------------------------------------------------------


def test_google_places_data_without_a_google_map_carries_the_google_maps_attribution(
    templates: Templates,
) -> None:
    place = lxml.html.fromstring(render(templates)).find_class("card-place")[0]

    [credit] = place.find_class("attribution")
    [text] = credit.xpath("span")
    # The text as Google writes it, untranslated, right under the facts it credits.
    assert (text.text, text.get("translate")) == ("Google Maps", "no")
    facts = place.find_class("facts")[0]
    assert facts.getparent() is credit.getparent()
    assert list(credit.getparent()).index(credit) > list(facts.getparent()).index(facts)


def test_only_the_creators_words_carry_no_attribution(templates: Templates) -> None:
    words_only = Restaurant(name="Toit", area="Indiranagar", city="Bengaluru", source=None)
    nothing_shown = make_restaurant(
        address=None,
        rating=None,
        rating_count=None,
        price_level=None,
        maps_uri=None,
        photo=None,
    )

    for restaurant in (words_only, nothing_shown):
        html = render(templates, make_invite(restaurant=restaurant))
        assert "attribution" not in html.split("</style>")[1]
        assert "Google Maps" not in html and "OpenStreetMap" not in html


def test_a_photo_credit_names_its_author_and_links_to_their_profile(
    templates: Templates,
) -> None:
    caption = lxml.html.fromstring(render(templates)).xpath("//figcaption")[0]

    [link] = caption.xpath("a")
    assert caption.text_content() == "Photo: Asha Rao"
    assert link.get("href") == "https://maps.google.com/maps/contrib/1029384756"
    assert link.get("rel") == "noopener noreferrer nofollow"


@pytest.mark.parametrize("credit_url", [None, "javascript:alert(1)", "//maps.google.com/x"])
def test_a_photo_credit_without_an_http_profile_link_is_the_name_alone(
    templates: Templates, credit_url: str | None
) -> None:
    photo = Photo(sources=PHOTO.sources, width=1440, height=1080, credit="Asha Rao")
    photo = msgspec.structs.replace(photo, credit_url=credit_url)
    invite = make_invite(restaurant=make_restaurant(photo=photo))

    caption = lxml.html.fromstring(render(templates, invite)).xpath("//figcaption")[0]

    assert caption.text_content() == "Photo: Asha Rao" and caption.xpath("a") == []


def test_openstreetmap_data_carries_its_contributors_credit_linked_to_the_copyright_page(
    templates: Templates,
) -> None:
    osm = Restaurant(
        name="Toit",
        area="Indiranagar",
        city="Bengaluru",
        address="Toit, 100 Feet Road, Indiranagar, Bengaluru, Karnataka, 560038, India",
        maps_uri="https://www.openstreetmap.org/node/1",
        source=OPENSTREETMAP,
    )

    html = render(templates, make_invite(restaurant=osm))
    [credit] = lxml.html.fromstring(html).find_class("attribution")

    assert " ".join(credit.text_content().split()) == "© OpenStreetMap contributors"
    [link] = credit.xpath("a")
    assert link.get("href") == "https://www.openstreetmap.org/copyright"
    assert "Google Maps" not in html


# --- safety -----------------------------------------------------------------------------------


def test_what_a_creator_or_guest_typed_is_escaped(templates: Templates) -> None:
    hostile = make_invite(
        title="<script>alert(1)</script>",
        message='"><img src=x onerror=alert(2)>',
        host_name="</title><b>",
        answers=(Answer(name="<b>Eve</b>", response="IN", guests=0),),
    )

    html = render(templates, hostile)

    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html
    assert "<b>" not in html
    assert html.count("<script") == 1


@pytest.mark.parametrize(
    ("website", "maps_uri"),
    [
        ("javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>"),
        ("JavaScript:alert(1)", "vbscript:msgbox(1)"),
        ("java\tscript:alert(1)", " javascript:alert(1)"),
        ("//evil.example/", "https:alert(1)"),
    ],
)
def test_only_http_links_from_a_provider_become_hrefs(
    templates: Templates, website: str, maps_uri: str
) -> None:
    """A row stored before the provider clients checked links still renders safely."""
    restaurant = make_restaurant(website=website, maps_uri=maps_uri)

    html = render(templates, make_invite(restaurant=restaurant))
    hrefs = lxml.html.fromstring(html).xpath("//a/@href")

    assert all(href.startswith(("https://", "http://", "/", "#")) for href in hrefs)
    assert "Website" not in [a.text_content() for a in lxml.html.fromstring(html).xpath("//a")]
    maps = [
        a.get("href") for a in lxml.html.fromstring(html).xpath("//a") if "Maps" in a.text_content()
    ]
    assert maps == [
        "https://www.google.com/maps/search/?api=1&query=Toit%2C+Indiranagar%2C+Bengaluru"
    ]


def test_http_links_from_a_provider_are_kept(templates: Templates) -> None:
    restaurant = make_restaurant(website="https://toit.example/menu?x=1&y=2")
    hrefs = lxml.html.fromstring(render(templates, make_invite(restaurant=restaurant))).xpath(
        "//a/@href"
    )
    assert "https://toit.example/menu?x=1&y=2" in hrefs
    assert "https://maps.google.com/?cid=1" in hrefs


def test_the_page_has_no_inline_styles_or_scripts_and_its_css_hash_matches(
    templates: Templates,
) -> None:
    html = render(templates)
    parsed = _Tags()
    parsed.feed(html)

    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()

    assert parsed.style_attributes == [] and parsed.event_handlers == []
    assert parsed.scripts == [SITE.js_url]
    assert len(styles) == 1
    policy = lxml.html.fromstring(html).xpath('//meta[@http-equiv="Content-Security-Policy"]')
    assert f"style-src 'sha256-{digest}'" in policy[0].get("content")


def test_nothing_is_loaded_from_another_origin(templates: Templates) -> None:
    parsed = _Tags()
    parsed.feed(render(templates))

    loaded = parsed.scripts + parsed.images + parsed.stylesheets

    assert loaded and all(url.startswith("/") and not url.startswith("//") for url in loaded)
    assert "@import" not in templates.page_css and "url(" not in templates.page_css


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.style_attributes: list[str] = []
        self.event_handlers: list[str] = []
        self.scripts: list[str] = []
        self.images: list[str] = []
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.style_attributes += [tag for name, _ in attrs if name == "style"]
        self.event_handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self.scripts.append(named.get("src") or "")
        if tag == "img":
            self.images.append(named.get("src") or "")
        if tag == "link" and named.get("rel") in ("stylesheet", "preload"):
            self.stylesheets.append(named.get("href") or "")


# --- link previews ----------------------------------------------------------------------------


def test_link_preview_tags_read_by_an_open_graph_parser(templates: Templates) -> None:
    html = render(templates)

    found = extruct.extract(html, base_url=f"{PUBLIC}/i/{SLUG}", syntaxes=["opengraph"])
    og = dict(found["opengraph"][0]["properties"])

    assert og["og:title"] == "Asha’s farewell · Sat 12 Dec · 8:00 PM"
    assert og["og:description"].startswith("Asha invites you to Toit, Indiranagar, Bengaluru")
    assert og["og:url"] == f"{PUBLIC}/i/{SLUG}"
    assert og["og:image"] == OG.url and og["og:image"].startswith("https://")
    assert re.search(r"/og-[0-9a-f]{16}\.jpg$", og["og:image"])  # content-hashed
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    assert og["og:image:alt"] == OG.alt
    assert og["og:type"] == "website"


def test_twitter_card_tags_ask_for_the_large_image(templates: Templates) -> None:
    head = lxml.html.fromstring(render(templates)).head

    card = {m.get("name"): m.get("content") for m in head.xpath('meta[starts-with(@name, "tw")]')}

    assert card["twitter:card"] == "summary_large_image"
    assert card["twitter:image"] == OG.url
    assert card["twitter:image:alt"] == OG.alt


def test_the_share_link_opens_whatsapp_with_the_page(templates: Templates) -> None:
    link = lxml.html.fromstring(render(templates)).find_class("button-whatsapp")[0]
    assert link.get("href").startswith("https://wa.me/?text=")
    assert SLUG in link.get("href")


# --- budgets ------------------------------------------------------------------------------------


def flood(count: int, response: str = "IN") -> tuple[Answer, ...]:
    """Answers with long, distinct, badly compressible first names (a flood's worst case)."""
    return tuple(
        Answer(
            name=hashlib.sha256(f"{response}{n}".encode()).hexdigest()[:60],
            response=response,
            guests=0,
        )
        for n in range(count)
    )


def test_html_css_and_script_fit_the_compressed_budget(templates: Templates) -> None:
    # As many answers as any invite takes (core.domain.MAX_ANSWERS), half of them maybes.
    many = flood(100) + flood(100, "MAYBE")
    html = render_page(
        make_invite(answers=many), site=SITE, og=OG, links=LINKS, templates=templates
    )
    script = (TEMPLATES / "assets" / "app.js").read_bytes()

    weight = len(gzip.compress(html, 9)) + len(gzip.compress(script, 9))

    assert weight <= BUDGET, f"{weight} bytes"


def test_the_not_found_page_is_small_and_says_so(templates: Templates) -> None:
    page = render_not_found(templates, public_url=PUBLIC)
    assert "We can’t find that invite" in page.decode()
    assert len(gzip.compress(page, 9)) <= 10 * 1024


# --- colour contrast on the invite's own colours ------------------------------------------------
# axe-core cannot judge text over a gradient; the hero's colours come from a few palettes, so
# every palette is checked here against the lightest point its glows can reach.

HERO_INK = (255, 248, 239)  # the hero's text colour; page.css sets it at several opacities


@pytest.mark.parametrize("palette", PALETTES, ids=lambda p: p.name)
def test_hero_text_meets_aa_on_every_palette(palette: Palette, templates: Templates) -> None:
    opacities = [
        float(a)
        for a in re.findall(r"(?<![-\w])color:rgba\(255,248,239,(\.\d+)\)", templates.page_css)
    ]
    lightest = _lightest_hero_background(palette)

    assert opacities  # the stylesheet still writes the hero's text this way
    for opacity in [1.0, *opacities]:
        shown = _over(HERO_INK, lightest, opacity)
        assert _contrast(shown, lightest) >= 4.5, f"text at {opacity} on {palette.name}"
    assert _contrast(palette.accent, lightest) >= 4.5, "eyebrow in the accent colour"
    assert _contrast((28, 14, 7), palette.accent) >= 4.5, "the hero's button"


def _lightest_hero_background(palette: Palette) -> tuple[float, float, float]:
    """The base colour with both glows over it where they are strongest, for every design of
    this palette among many seeds (the alphas as page.design_css writes them)."""
    designs = [d for d in (design_for(f"seed {n}") for n in range(300)) if d.palette == palette]
    assert designs
    lightest: tuple[float, float, float] = (0.0, 0.0, 0.0)
    for design in designs:
        alphas = re.findall(r"#[0-9a-f]{6}([0-9a-f]{2})", design_css(design))
        background = _over(palette.base, palette.base, 1)
        for glow, alpha in zip((palette.glow, palette.second_glow), alphas, strict=True):
            background = _over(glow, background, int(alpha, 16) / 255)
        lightest = max(lightest, background, key=_luminance)
    return lightest


def _over(
    top: tuple[float, ...], bottom: tuple[float, ...], alpha: float
) -> tuple[float, float, float]:
    r, g, b = (alpha * t + (1 - alpha) * u for t, u in zip(top, bottom, strict=True))
    return r, g, b


def _contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
