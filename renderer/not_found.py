"""The static 404 page the origin serves for any unknown invite or file."""

from __future__ import annotations

from renderer.page import Templates, content_security_policy


def render_not_found(templates: Templates, *, public_url: str) -> bytes:
    css = templates.page_css
    return templates.render(
        "not_found.html.j2",
        {"inline_css": css, "csp": content_security_policy(css), "public_url": public_url},
    )
