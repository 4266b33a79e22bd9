"""The page HTML and the .ics of fixed invites, byte for byte against files kept in the repo.

A change to a template, the stylesheet or the renderer shows up here as a readable diff.
Regenerate the files after a deliberate change with one command: `make golden`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from renderer.ics import render_ics
from renderer.model import Invite
from renderer.page import render_page
from renderer.rsvps_json import render_rsvps_json
from tests.support.invites import LINKS, OG, SITE, load_templates, make_invite, make_restaurant

GOLDEN = Path(__file__).parent / "golden"
TEMPLATES = load_templates()

INVITES: dict[str, Callable[[], Invite]] = {
    "enriched": make_invite,
    "plain": lambda: make_invite(
        title=None,
        message=None,
        host_name=None,
        party_size=None,
        answers=(),
        restaurant=make_restaurant(address=None, rating=None, rating_count=None, photo=None),
    ),
    "cancelled": lambda: make_invite(cancelled=True, revision=2),
    "escaped": lambda: make_invite(
        title="<script>alert(1)</script> & friends",
        message='Bring "snacks"\n<img src=x onerror=alert(1)>',
        host_name="Eve <b>",
    ),
}


def render(name: str, kind: str) -> bytes:
    invite = INVITES[name]()
    if kind == "html":
        return render_page(invite, site=SITE, og=OG, links=LINKS, templates=TEMPLATES)
    if kind == "ics":
        return render_ics(invite, page_url=LINKS.page)
    return render_rsvps_json(invite)


@pytest.mark.parametrize("kind", ["html", "ics", "json"])
@pytest.mark.parametrize("name", sorted(INVITES))
def test_rendering_matches_the_golden_file(
    name: str, kind: str, request: pytest.FixtureRequest
) -> None:
    path = GOLDEN / f"{name}.{kind}"
    rendered = render(name, kind)
    if request.config.getoption("update_golden"):
        path.write_bytes(rendered)
    assert path.exists(), f"{path.name} is missing; run `make golden`"
    expected = path.read_bytes()
    if rendered != expected:
        # A line diff reads better than two byte strings.
        assert rendered.decode().splitlines() == expected.decode().splitlines()
        assert rendered == expected
