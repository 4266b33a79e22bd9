"""The recipient page in a real browser: Debian's Chromium, driven by Playwright, through the edge.

Every test opens the page as a phone would (390×844, touch), records every request the page makes
and fails if one leaves our origin or if the page logs a script error or a CSP violation. Each
state is saved as a screenshot in artifacts/screenshots/ to be looked at.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.e2e.conftest import System
from tests.support.processes import wait_for

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
WHEN = (datetime.now(UTC) + timedelta(days=12)).replace(microsecond=0).isoformat()
INVITE = {
    "restaurant_name": "Toit",
    "area": "Indiranagar",
    "city": "Bengaluru",
    "starts_at": WHEN,
    "title": "Asha’s farewell dinner",
    "host_name": "Asha",
    "message": "Last Saturday before I fly out — come eat, drink and say bye properly.",
    "party_size": 6,
}
HINDI_INVITE = {
    **INVITE,
    "restaurant_name": "Karavalli",
    "area": "Residency Road",
    "title": None,
    "host_name": "अनन्या शर्मा",
    "message": "जन्मदिन की दावत! Birthday dinner, everyone welcome.",
    "party_size": 8,
}
# Phones ship Noto (Android) or their own fonts with Devanagari; this machine has only DejaVu.
# Chromium gets the Noto fonts the OG images use, so the screenshots show Hindi as phones do.
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <alias binding="strong"><family>sans-serif</family>
    <prefer><family>Noto Sans</family><family>Noto Sans Devanagari</family></prefer></alias>
  <alias binding="strong"><family>system-ui</family>
    <prefer><family>Noto Sans</family><family>Noto Sans Devanagari</family></prefer></alias>
</fontconfig>
"""


# --- the system's side: invites, answers, the worker ----------------------------------------


def create(system: System, **fields: Any) -> str:
    body = {k: v for k, v in {**INVITE, **fields}.items() if v is not None}
    response = httpx.post(f"{system.url}/api/invites", json=body, headers=system.auth, timeout=10)
    assert response.status_code == 201, response.text
    slug: str = response.json()["slug"]
    return slug


def settled(system: System, slug: str) -> None:
    """Enriched (or given up on) and published: what the edge serves next is stable."""

    def done() -> bool:
        detail = httpx.get(f"{system.url}/api/invites/{slug}", headers=system.auth, timeout=5)
        body = detail.json()
        return bool(body["enrichment"] != "pending" and body["published"])

    wait_for(done, timeout=30, what="enrichment and publish")


def summary(system: System, slug: str) -> dict[str, Any]:
    response = httpx.get(f"{system.url}/i/{slug}/rsvps.json", timeout=5)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def republished(system: System, slug: str, check: Callable[[dict[str, Any]], bool]) -> None:
    wait_for(lambda: check(summary(system, slug)), timeout=15, what="the worker republishing")


def answer(system: System, slug: str, response: str, name: str, guests: int = 0) -> None:
    sent = httpx.post(
        f"{system.url}/api/invites/{slug}/rsvp",
        json={"response": response, "name": name, "guests": guests},
        timeout=10,
    )
    assert sent.status_code == 200, sent.text


def page_shows(system: System, slug: str, text: str) -> bool:
    return text in httpx.get(f"{system.url}/i/{slug}", timeout=5).text


def cli(system: System, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tablefor", *args],
        env={**os.environ, **system.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- the browser's side ---------------------------------------------------------------------


@dataclass
class Phone:
    """One browser context as one person's phone, with everything it asked for."""

    context: BrowserContext
    page: Page
    origin: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, slug: str, fragment: str = "") -> Page:
        self.page.goto(f"{self.origin}/i/{slug}{fragment}")
        return self.page

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith((self.origin + "/", "data:"))]

    def shot(self, state: str, *, full_page: bool = False, at: str | None = None) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if at:
            self.page.locator(at).evaluate("e => e.scrollIntoView({block: 'start'})")
            self.page.wait_for_timeout(700)  # the reveal and the smooth scroll settle
        self.page.screenshot(path=SCREENSHOTS / f"{state}.png", full_page=full_page)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    fonts_conf = tmp_path_factory.mktemp("fonts") / "fonts.conf"
    fonts_conf.write_text(FONTS_CONF.format(fonts=REPO / "renderer" / "fonts"))
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        env={**os.environ, "FONTCONFIG_FILE": str(fonts_conf)},
    )
    yield launched
    launched.close()


@pytest.fixture
def phone(browser: Browser, system: System) -> Iterator[Callable[..., Phone]]:
    """Opens phones; when the test ends, no phone may have asked another origin for anything."""
    opened: list[Phone] = []

    def open_phone(**options: Any) -> Phone:
        settings: dict[str, Any] = {
            "viewport": PHONE,
            "device_scale_factor": 1,
            "is_mobile": True,
            "has_touch": True,
            "locale": "en-IN",
            "timezone_id": "Asia/Kolkata",
        }
        context = browser.new_context(**(settings | options))
        context.set_default_timeout(10_000)
        made = Phone(context=context, page=context.new_page(), origin=system.url)
        context.on("request", lambda request: made.requests.append(request.url))
        made.page.on("pageerror", lambda error: made.errors.append(str(error)))
        made.page.on("console", lambda message: _keep_csp_reports(message, made.errors))
        opened.append(made)
        return made

    yield open_phone
    for made in opened:
        made.context.close()
    for made in opened:
        assert made.foreign_requests() == [], "the page reached another origin"
        assert made.errors == [], "the page logged errors"


def _keep_csp_reports(message: Any, errors: list[str]) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        errors.append(message.text)


def reveal_everything(page: Page) -> None:
    """Scroll every card into view, as a reader would, and let the reveal finish."""
    for card in page.locator(".card").all():
        card.scroll_into_view_if_needed()
        page.wait_for_timeout(120)
    page.wait_for_timeout(800)


# --- reading the invite -----------------------------------------------------------------------


def test_the_invite_is_complete_and_readable_before_any_script_runs(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system)
    settled(system, slug)
    reader = phone(java_script_enabled=False)

    page = reader.open(slug)

    expect(page.get_by_role("heading", level=1)).to_have_text("Asha’s farewell dinner")
    expect(page.get_by_role("heading", name="Toit")).to_be_visible()
    expect(page.locator("#when-title")).to_contain_text("December")
    expect(page.get_by_text("Table for 6")).to_be_visible()
    expect(page.get_by_role("button", name="Send my answer")).to_be_attached()
    assert page.locator("html").get_attribute("class") == "no-js"
    reader.shot("no-js")
    reveal_everything(page)
    reader.shot("no-js-full", full_page=True)


def test_the_enriched_invite_shows_the_photo_sized_for_the_screen_without_layout_shift(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system)
    settled(system, slug)
    reader = phone()

    page = reader.open(slug)
    page.wait_for_load_state("load")

    photo = page.locator(".cover img")
    expect(photo).to_be_visible()
    assert photo.get_attribute("width") and photo.get_attribute("height")
    assert "960w" in (photo.get_attribute("srcset") or "")
    assert photo.get_attribute("sizes")
    natural = photo.evaluate("img => img.naturalWidth")
    assert 0 < natural <= 960  # a 390-pixel screen is not sent the largest photo
    assert layout_shift(page) <= 0.02
    reader.shot("invite-light")
    reveal_everything(page)
    reader.shot("invite-light-full", full_page=True)


def test_every_request_stays_on_our_origin(system: System, phone: Callable[..., Phone]) -> None:
    slug = create(system)
    settled(system, slug)
    reader = phone()

    page = reader.open(slug)
    page.wait_for_load_state("networkidle")
    reveal_everything(page)

    paths = [url.removeprefix(system.url) for url in reader.requests]
    assert paths[0] == f"/i/{slug}"
    assert any(p.startswith("/assets/app.") and p.endswith(".js") for p in paths)
    assert any(p.endswith(("-480.jpg", "-960.jpg")) for p in paths)  # sized for 390 px
    assert f"/i/{slug}/rsvps.json" in paths
    assert reader.foreign_requests() == []


def layout_shift(page: Page) -> float:
    shift: float = page.evaluate(
        """() => new Promise(resolve => {
            let total = 0;
            new PerformanceObserver(list => {
                for (const entry of list.getEntries()) {
                    if (!entry.hadRecentInput) total += entry.value;
                }
            }).observe({type: "layout-shift", buffered: true});
            setTimeout(() => resolve(total), 500);
        })"""
    )
    return shift


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_invite_reads_in_hindi_and_english_in_both_schemes(
    system: System, phone: Callable[..., Phone], scheme: str
) -> None:
    slug = create(system, **HINDI_INVITE)
    settled(system, slug)
    answer(system, slug, "IN", "विकास कुमार")
    answer(system, slug, "IN", "Meera Rao", guests=1)
    republished(system, slug, lambda s: s["going"] == 3)
    reader = phone(color_scheme=scheme)

    page = reader.open(slug)

    expect(page.locator(".eyebrow").first).to_contain_text("अनन्या शर्मा")
    expect(page.locator("[data-names]")).to_contain_text("विकास")
    expect(page.locator("[data-going]")).to_have_text("3")
    reader.shot(f"hindi-{scheme}")
    reveal_everything(page)
    reader.shot(f"hindi-{scheme}-full", full_page=True)


def test_the_dark_scheme_is_its_own_design(system: System, phone: Callable[..., Phone]) -> None:
    slug = create(system)
    settled(system, slug)
    reader = phone(color_scheme="dark")

    page = reader.open(slug)

    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(16, 10, 7)"
    reader.shot("invite-dark")
    reveal_everything(page)
    reader.shot("invite-dark-full", full_page=True)


def test_the_reveal_animates_only_with_a_script_and_never_hides_content_from_readers(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system)
    settled(system, slug)
    moving, still = phone(), phone(reduced_motion="reduce")

    page = moving.open(slug)
    hidden_cards = page.locator(".card.reveal:not(.shown)")
    assert hidden_cards.count() >= 1  # below the fold, waiting to rise in
    for card in hidden_cards.all():
        assert card.get_attribute("aria-hidden") is None
        assert card.evaluate("c => getComputedStyle(c).visibility") == "visible"
        assert card.evaluate("c => getComputedStyle(c).display") != "none"
    reveal_everything(page)
    assert page.locator(".card.reveal:not(.shown)").count() == 0

    calm = still.open(slug)
    assert calm.locator(".card.reveal").count() == 0


# --- answering ------------------------------------------------------------------------------


def fill_answer(page: Page, choice: str, name: str, guests: str = "Just me") -> None:
    page.get_by_label(choice).check()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Bringing").select_option(label=guests)


def test_an_answer_without_javascript_posts_the_form_and_comes_back_thanked(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system)
    settled(system, slug)
    reader = phone(java_script_enabled=False)
    page = reader.open(slug)

    fill_answer(page, "I’m in", "Kabir Singh", guests="+1")
    page.get_by_role("button", name="Send my answer").click()

    page.wait_for_url(f"**/i/{slug}#rsvp-thanks")
    expect(page.locator("#rsvp-thanks")).to_be_visible()
    expect(page.locator("#rsvp-error-invalid")).to_be_hidden()
    reader.shot("thanks-no-js", at="#rsvp")
    republished(system, slug, lambda s: s["going"] == 2 and s["names"] == ["Kabir"])

    # The same browser again: its cookie makes this a change, not a second person.
    page = reader.open(slug)
    fill_answer(page, "Maybe", "Kabir Singh")
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_url(f"**/i/{slug}#rsvp-thanks")
    republished(system, slug, lambda s: s["counts"] == {"IN": 0, "MAYBE": 1, "OUT": 0})


def test_a_refused_form_post_comes_back_with_the_reason(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system)
    settled(system, slug)
    reader = phone(java_script_enabled=False)
    page = reader.open(slug)

    # No name: a browser would not send it; one whose form is tampered with must still hear why.
    page.get_by_label("Your name").evaluate("input => input.removeAttribute('required')")
    page.get_by_label("Maybe").check()
    page.get_by_role("button", name="Send my answer").click()

    page.wait_for_url(f"**/i/{slug}#rsvp-error-invalid")
    expect(page.locator("#rsvp-error-invalid")).to_be_visible()
    expect(page.locator("#rsvp-thanks")).to_be_hidden()
    reader.shot("error-invalid-no-js", at="#rsvp")


def test_an_answer_with_javascript_updates_in_place_and_is_remembered_and_changed(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system)
    settled(system, slug)
    answer(system, slug, "IN", "Asha")
    republished(system, slug, lambda s: s["going"] == 1)
    reader = phone()
    page = reader.open(slug)
    expect(page.locator(".count-in")).to_have_text("1 in")
    page.evaluate("window.stillHere = true")

    fill_answer(page, "I’m in", "Meera Rao", guests="+2")
    page.get_by_role("button", name="Send my answer").click()

    expect(page.locator("[data-answered-text]")).to_have_text("You’re in, Meera (+2).")
    expect(page.locator("[data-going]")).to_have_text("4")
    expect(page.locator(".count-in")).to_have_text("2 in")
    expect(page.locator("[data-names]")).to_contain_text("Meera")
    assert page.evaluate("window.stillHere") is True  # no reload
    saved = json.loads(page.evaluate(f"localStorage.getItem('tablefor:{slug}')"))
    assert saved["response"] == "IN" and saved["participant_key"]
    reader.shot("answered", at="#rsvp")
    republished(system, slug, lambda s: s["going"] == 4)

    # Next visit: the answer is remembered and can be changed, not added again.
    page = reader.open(slug)
    expect(page.locator("[data-answered-text]")).to_have_text("You’re in, Meera (+2).")
    expect(page.locator("[data-rsvp]")).to_be_hidden()
    page.get_by_role("button", name="Change my answer").click()
    expect(page.get_by_label("Your name")).to_have_value("Meera Rao")
    page.get_by_label("Can’t make it").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator("[data-answered-text]")).to_have_text("You can’t make it, Meera.")
    expect(page.locator("[data-going]")).to_have_text("1")
    republished(system, slug, lambda s: s["counts"] == {"IN": 1, "MAYBE": 0, "OUT": 1})

    # Counts and names come from rsvps.json once the worker republished.
    answer(system, slug, "MAYBE", "Dev Patel")
    republished(system, slug, lambda s: s["counts"]["MAYBE"] == 1)
    page = reader.open(slug)
    expect(page.locator(".count-maybe")).to_have_text("1 maybe")
    expect(page.locator("[data-maybe]")).to_have_text("Maybe: Dev")
    reader.shot("changed", at="#rsvp")


def test_a_long_guest_list_names_twenty_and_counts_the_rest(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system, title="Big night", party_size=10)  # takes 30 answers
    settled(system, slug)
    for n in range(21):
        answer(system, slug, "IN", f"Guest{n}")
    answer(system, slug, "MAYBE", "Dev")
    # Everything published before the page opens (the maybe comes last).
    republished(system, slug, lambda s: s["more_names"] == 1 and s["maybe_names"] == ["Dev"])
    reader = phone()
    page = reader.open(slug)
    listed = page.locator("[data-names] li:not([data-more])")
    expect(listed).to_have_count(20)
    expect(page.locator("[data-names] [data-more]")).to_have_text("+1 more")

    fill_answer(page, "I’m in", "Meera")
    page.get_by_role("button", name="Send my answer").click()

    expect(page.locator("[data-answered-text]")).to_have_text("You’re in, Meera.")
    expect(page.locator("[data-names] [data-more]")).to_have_text("+2 more")  # at once
    expect(listed).to_have_count(20)
    expect(page.locator(".count-in")).to_have_text("22 in")
    expect(page.locator("[data-maybe]")).to_have_text("Maybe: Dev")
    republished(system, slug, lambda s: s["more_names"] == 2 and len(s["names"]) == 20)
    page = reader.open(slug)
    expect(page.locator("[data-names] [data-more]")).to_have_text("+2 more")
    expect(listed).to_have_count(20)
    reader.shot("many-answers", at=".card-guests")


def test_everything_works_by_keyboard(system: System, phone: Callable[..., Phone]) -> None:
    slug = create(system)
    settled(system, slug)
    reader = phone(has_touch=False, is_mobile=False)
    page = reader.open(slug)
    keys = page.keyboard

    keys.press("Tab")
    expect(page.get_by_role("link", name="Skip to your answer")).to_be_focused()
    keys.press("Enter")
    keys.press("Tab")
    expect(page.get_by_label("I’m in")).to_be_focused()
    keys.press("ArrowRight")  # radio groups move with the arrows
    expect(page.get_by_label("Maybe")).to_be_checked()
    keys.press("Tab")
    expect(page.get_by_label("Your name")).to_be_focused()
    keys.type("Ira")
    keys.press("Tab")
    keys.press("Tab")
    expect(page.get_by_role("button", name="Send my answer")).to_be_focused()
    keys.press("Enter")

    expect(page.locator("[data-answered-text]")).to_have_text("You said maybe, Ira.")
    keys.press("Tab")
    expect(page.get_by_role("button", name="Change my answer")).to_be_focused()
    reader.shot("keyboard-answered", at="#rsvp")


def test_a_network_failure_keeps_what_was_typed_and_a_retry_sends_it(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system)
    settled(system, slug)
    reader = phone()
    page = reader.open(slug)
    page.route("**/api/**", lambda route: route.abort())

    fill_answer(page, "I’m in", "Zoya Khan")
    page.get_by_role("button", name="Send my answer").click()

    expect(page.locator("[data-status]")).to_contain_text("couldn’t reach")
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Zoya Khan")
    expect(page.get_by_label("I’m in")).to_be_checked()
    expect(page.locator("[data-going]")).to_have_text("0")  # the optimistic count was undone
    reader.shot("offline", at="#rsvp")

    page.unroute("**/api/**")
    page.get_by_role("button", name="Try again").click()

    expect(page.locator("[data-answered-text]")).to_have_text("You’re in, Zoya.")
    expect(page.locator("[data-status]")).to_have_text("Thanks — your answer is in.")
    republished(system, slug, lambda s: s["names"] == ["Zoya"])
    reader.shot("offline-retried", at="#rsvp")


# --- closed invites ---------------------------------------------------------------------------


def test_a_cancelled_invite_says_so_and_takes_no_answer(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system, title="Team dinner")
    settled(system, slug)
    cancelled = httpx.delete(f"{system.url}/api/invites/{slug}", headers=system.auth, timeout=10)
    assert cancelled.status_code in (200, 204), cancelled.text
    wait_for(lambda: page_shows(system, slug, "This dinner has been cancelled"), timeout=15)
    reader = phone()

    page = reader.open(slug)

    expect(page.get_by_text("This dinner has been cancelled by Asha.")).to_be_visible()
    expect(page.locator("form")).to_have_count(0)
    expect(page.get_by_role("link", name="Answer the invite")).to_have_count(0)
    expect(
        page.get_by_text("The host cancelled this dinner, so answers are closed.")
    ).to_be_visible()
    reader.shot("cancelled")


def test_a_past_dinner_closes_answers_in_the_page_and_at_the_api(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system)
    settled(system, slug)
    with psycopg.connect(system.database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE invites SET starts_at = now() - interval '1 hour', version = version + 1"
            " WHERE slug = %s",
            (slug,),
        )
    rendered = cli(system, "render", slug)
    assert rendered.returncode == 0, rendered.stderr
    reader, plain = phone(), phone(java_script_enabled=False)

    page = reader.open(slug)

    expect(page.locator("[data-past]")).to_have_text(
        "This dinner has already started, so answers are closed."
    )
    expect(page.locator("[data-rsvp]")).to_be_hidden()
    reader.shot("past", at="#rsvp")

    form = plain.open(slug)
    fill_answer(form, "I’m in", "Late Larry")
    form.get_by_role("button", name="Send my answer").click()
    form.wait_for_url(f"**/i/{slug}#rsvp-error-past")
    expect(form.locator("#rsvp-error-past")).to_be_visible()
    plain.shot("past-no-js", at="#rsvp")


def test_a_full_table_takes_no_more_ins_and_says_so(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system, title="Sunday brunch", party_size=2, close_when_full=True)
    settled(system, slug)
    late = phone()
    late_page = late.open(slug)  # opened while there is still room
    answer(system, slug, "IN", "Ira")
    answer(system, slug, "IN", "Zoya")
    republished(system, slug, lambda s: s["full"] is True)

    fill_answer(late_page, "I’m in", "Kabir")
    late_page.get_by_role("button", name="Send my answer").click()
    expect(late_page.locator("[data-full]")).to_be_visible()  # told by the API, then rsvps.json
    expect(late_page.get_by_label("I’m in")).to_be_disabled()
    expect(late_page.get_by_label("Your name")).to_have_value("Kabir")
    late.shot("full-refused", at="#rsvp")

    reader = phone()
    page = reader.open(slug)
    expect(page.locator("[data-full]")).to_have_text(
        "The table is full. You can still answer maybe or out."
    )
    expect(page.get_by_label("I’m in")).to_be_disabled()
    page.get_by_label("Maybe").check()
    page.get_by_label("Your name").fill("Kabir")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator("[data-answered-text]")).to_have_text("You said maybe, Kabir.")
    reader.shot("full", at="#rsvp")


# --- calendar and sharing ---------------------------------------------------------------------


def test_add_to_calendar_downloads_the_event_and_links_google_calendar(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system)
    settled(system, slug)
    reader = phone()
    page = reader.open(slug)

    with page.expect_download() as caught:
        page.get_by_role("link", name="Add to calendar").click()
    ics = Path(caught.value.path()).read_text()
    served = page.request.get(f"{system.url}/i/{slug}/invite.ics")
    google = page.get_by_role("link", name="Google Calendar").get_attribute("href") or ""

    assert "BEGIN:VEVENT" in ics and "SUMMARY:Asha’s farewell dinner" in ics
    assert served.status == 200
    assert served.headers["content-type"].startswith("text/calendar")
    assert google.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    reader.shot("calendar", at=".card-when")


def test_sharing_links_to_whatsapp_with_the_page_url(
    system: System, phone: Callable[..., Phone]
) -> None:
    slug = create(system)
    settled(system, slug)
    page = phone().open(slug)

    whatsapp = page.get_by_role("link", name="Share on WhatsApp").get_attribute("href") or ""

    assert whatsapp.startswith("https://wa.me/?text=")
    assert slug in whatsapp
    og_image = page.locator('meta[property="og:image"]').get_attribute("content") or ""
    assert page.request.get(og_image).headers["content-type"] == "image/jpeg"


# --- accessibility ----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violation(
    system: System, phone: Callable[..., Phone], scheme: str
) -> None:
    english = create(system)
    hindi = create(system, **HINDI_INVITE)
    for slug in (english, hindi):
        settled(system, slug)
    answer(system, english, "IN", "Meera Rao", guests=1)
    answer(system, english, "MAYBE", "Dev")
    republished(system, english, lambda s: s["going"] == 2)
    # Only for axe's own script: the page's policy admits scripts from our origin alone.
    auditor = phone(color_scheme=scheme, bypass_csp=True)

    for slug in (english, hindi):
        page = auditor.open(slug)
        reveal_everything(page)
        found = axe(page)
        assert found == [], json.dumps(found, indent=2, ensure_ascii=False)
        fill_answer(page, "Maybe", "Kabir")  # the chosen state of the tiles, too
        assert axe(page) == []


def axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                             "wcag22aa", "best-practice"]},
            resultTypes: ["violations"],
        })"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# --- budgets --------------------------------------------------------------------------------


def test_the_page_html_css_and_script_weigh_under_30_kb_compressed(system: System) -> None:
    slug = create(system)
    settled(system, slug)
    gzip = {"Accept-Encoding": "gzip"}

    with httpx.Client(base_url=system.url, headers=gzip, timeout=10) as client:
        html = client.get(f"/i/{slug}")
        script_path = html.text.split('<script src="')[1].split('"')[0]
        script = client.get(script_path)

    assert html.headers["content-encoding"] == script.headers["content-encoding"] == "gzip"
    weight = html.num_bytes_downloaded + script.num_bytes_downloaded
    assert weight <= 30 * 1024, f"{weight} bytes"
