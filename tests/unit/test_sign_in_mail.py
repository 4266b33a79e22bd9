"""The sign-in e-mail and the link it carries."""

from __future__ import annotations

from urllib.parse import unquote

from cdn import layout
from renderer.sign_in_mail import render_sign_in_mail


def test_the_link_carries_its_token_and_next_path_in_the_fragment() -> None:
    url = layout.sign_in_link_url("https://tablefor.example", "T0k-en_", "/new?x=1&y=2")

    page, _, fragment = url.partition("#")
    assert page == "https://tablefor.example/signin/link"  # nothing secret reaches a server
    token, next_part = fragment.split("&", 1)
    assert token == "token=T0k-en_"
    assert unquote(next_part.removeprefix("next=")) == "/new?x=1&y=2"
    assert layout.sign_in_link_url("http://h", "t").endswith("#token=t")


def test_the_mail_has_text_and_html_with_the_link_and_its_expiry() -> None:
    link = "https://tablefor.example/signin/link#token=abc&next=%2Fnew"
    mail = render_sign_in_mail(link=link, valid_minutes=15, site="tablefor.example")

    assert mail.subject == "Your Tablefor sign-in link"
    assert link in mail.text and "15 minutes" in mail.text
    assert 'href="https://tablefor.example/signin/link#token=abc&amp;next=%2Fnew"' in mail.html
    assert "15 minutes" in mail.html


def test_the_html_escapes_what_it_shows() -> None:
    mail = render_sign_in_mail(
        link='https://x.example/signin/link#token=a"><script>', valid_minutes=15, site="<b>x</b>"
    )

    assert "<script>" not in mail.html and "<b>x</b>" not in mail.html
    assert "&lt;b&gt;x&lt;/b&gt;" in mail.html
