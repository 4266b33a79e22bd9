"""renderer/links.py: only absolute http(s) links with a host pass."""

from __future__ import annotations

import pytest

from renderer.links import MAX_LINK_CHARS, web_link


@pytest.mark.parametrize(
    "link",
    [
        "https://toit.example",
        "http://toit.example/menu?x=1#top",
        "HTTPS://Toit.Example/",
        "https://maps.google.com/?cid=12345",
        "https://[2001:db8::1]:8443/x",
    ],
)
def test_http_links_are_kept_as_they_are(link: str) -> None:
    assert web_link(link) == link


@pytest.mark.parametrize(
    "link",
    [
        None,
        "",
        "javascript:alert(document.domain)",
        "JAVASCRIPT:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        " javascript:alert(1)",
        "\x01javascript:alert(1)",
        "https://toit.example/\u2028",
        "//evil.example/x",
        "/relative/path",
        "https:alert(1)",
        "https:///no-host",
        "ftp://toit.example/menu.pdf",
        "https://[::1/broken",
        "https://toit.example/" + "a" * MAX_LINK_CHARS,
    ],
)
def test_anything_else_is_dropped(link: str | None) -> None:
    assert web_link(link) is None
