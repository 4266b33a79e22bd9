"""The sign-in e-mail: plain text and HTML, from the link and how long it stays valid."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True, slots=True)
class SignInMail:
    subject: str
    text: str
    html: str


def render_sign_in_mail(*, link: str, valid_minutes: int, site: str) -> SignInMail:
    """`site` is the host people know the service by (shown, never linked separately)."""
    text = (
        f"Sign in to Tablefor ({site})\n"
        "\n"
        "Open this link to sign in:\n"
        f"{link}\n"
        "\n"
        f"It works once, within {valid_minutes} minutes.\n"
        "If you did not ask to sign in, ignore this e-mail: nothing happens without the link.\n"
    )
    html = (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        "<title>Sign in to Tablefor</title></head>\n"
        '<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1c1917">\n'
        f"<p>Sign in to Tablefor ({escape(site)}):</p>\n"
        f'<p><a href="{escape(link, quote=True)}" style="display: inline-block; padding: 10px 18px;'
        ' background: #b45309; color: #ffffff; border-radius: 6px; text-decoration: none">'
        "Sign in</a></p>\n"
        f"<p>Or paste this address into your browser:<br>{escape(link)}</p>\n"
        f"<p>The link works once, within {valid_minutes} minutes. If you did not ask to sign in, "
        "ignore this e-mail: nothing happens without the link.</p>\n"
        "</body></html>\n"
    )
    return SignInMail(subject="Your Tablefor sign-in link", text=text, html=html)
