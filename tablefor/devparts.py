"""Parts only `tablefor dev` needs: the fake Places service when no Google key is set, the
edge's Debian packages, and a note of the dev edge for commands run beside it."""

from __future__ import annotations

import json
import os
from types import TracebackType

from tablefor.settings import Settings

# Not a secret: the key the local fake expects. Real keys come only from the environment.
FAKE_PLACES_KEY = "dev-fake-places-key"


class DevPlaces:
    """Runs the local fake Google Places (and Nominatim) server unless a real key is set."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._server: object | None = None
        self.base_url: str | None = None

    def __enter__(self) -> DevPlaces:
        if self._settings.places.google_api_key is None:
            from tablefor.fakes.places import FakePlacesServer

            server = FakePlacesServer(api_key=FAKE_PLACES_KEY)
            self.base_url = server.start()
            self._server = server
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.stop()  # type: ignore[attr-defined]

    def export(self) -> None:
        if self.base_url is None:
            return
        os.environ["GOOGLE_PLACES_API_KEY"] = FAKE_PLACES_KEY
        os.environ["GOOGLE_PLACES_BASE_URL"] = self.base_url
        os.environ["NOMINATIM_BASE_URL"] = self.base_url


def note_dev_edge(settings: Settings, varnish_url: str) -> None:
    path = settings.data_dir / "dev-edge.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"varnish_url": varnish_url}))


def forget_dev_edge(settings: Settings) -> None:
    (settings.data_dir / "dev-edge.json").unlink(missing_ok=True)
