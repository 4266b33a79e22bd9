"""Parts only `tablefor dev` needs: the fake Places service when no Google key is set, a local
SMTP server that prints sign-in links when no SMTP server is set, and a note of the dev edge
for commands run beside it (`tablefor purge`, `tablefor render`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from core.settings import Settings

# Not a secret: the key the local fake expects. Real keys come only from the environment.
FAKE_PLACES_KEY = "dev-fake-places-key"
_DEV_EDGE_FILE = "dev-edge.json"


@contextmanager
def dev_places(environ: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """The environment the parts need for places: the local fake Google Places (and
    Nominatim) server unless a real key is set; it runs until the block ends."""
    if environ.get("GOOGLE_PLACES_API_KEY"):
        yield {}
        return
    try:
        from devkit.fake_places.server import FakePlacesServer
    except ImportError:  # an installed wheel has no dev kit: Nominatim alone, then
        yield {}
        return
    server = FakePlacesServer(api_key=FAKE_PLACES_KEY)
    base_url = server.start()
    try:
        yield {
            "GOOGLE_PLACES_API_KEY": FAKE_PLACES_KEY,
            "GOOGLE_PLACES_BASE_URL": base_url,
            "NOMINATIM_BASE_URL": base_url,
        }
    finally:
        server.stop()


DEV_MAIL_FROM = "Tablefor (dev) <signin@tablefor.invalid>"


@contextmanager
def dev_mail(environ: Mapping[str, str], say: Callable[[str], None]) -> Iterator[dict[str, str]]:
    """The environment the parts need for mail: a local SMTP server that catches every mail
    and `say`s each sign-in link (the console is the inbox), unless TABLEFOR_SMTP_URL is set."""
    if environ.get("TABLEFOR_SMTP_URL"):
        yield {}
        return
    try:
        from devkit.mail import CaughtMail, MailCatcher
    except ImportError:  # an installed wheel has no dev kit: sign-in mails then dead-letter
        yield {}
        return

    def announce(mail: CaughtMail) -> None:
        to = ", ".join(mail.recipients)
        say(
            f"sign-in link for {to}: {mail.link}" if mail.link else f"mail for {to}: {mail.subject}"
        )

    catcher = MailCatcher(on_mail=announce)
    url = catcher.start()
    try:
        yield {"TABLEFOR_SMTP_URL": url, "TABLEFOR_MAIL_FROM": DEV_MAIL_FROM}
    finally:
        catcher.stop()


def note_dev_edge(settings: Settings, varnish_url: str) -> None:
    path = settings.data_dir / _DEV_EDGE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"varnish_url": varnish_url}))


def forget_dev_edge(settings: Settings) -> None:
    (settings.data_dir / _DEV_EDGE_FILE).unlink(missing_ok=True)


def dev_edge_url(settings: Settings) -> str | None:
    """The edge of a `tablefor dev` running on this data dir, if one is."""
    try:
        url = json.loads((settings.data_dir / _DEV_EDGE_FILE).read_text())["varnish_url"]
    except (FileNotFoundError, ValueError, KeyError):
        return None
    return str(url)
