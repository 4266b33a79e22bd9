"""The provider chain as configured: Google Places when a key is set, then Nominatim."""

from __future__ import annotations

from core.settings import PlacesSettings, RateLimit
from workers.enrichment import ProviderSlot
from workers.providers.google_places import GooglePlaces
from workers.providers.nominatim import Nominatim

# Google's default quota is 600 requests a minute per method; stay well inside it.
GOOGLE_RATE = RateLimit(limit=5, window=1)
# Nominatim's usage policy (https://operations.osmfoundation.org/policies/nominatim/): an
# absolute maximum of one request per second, for the whole application: every worker process
# together, and none at all while the shared limiter cannot be asked.
NOMINATIM_RATE = RateLimit(limit=1, window=1)


def provider_slots(settings: PlacesSettings) -> list[ProviderSlot]:
    slots = []
    if settings.google_api_key:
        google = GooglePlaces(
            settings.google_api_key, base_url=settings.google_base_url, timeout=settings.timeout
        )
        slots.append(ProviderSlot(google, GOOGLE_RATE))
    if settings.nominatim_base_url:
        nominatim = Nominatim(
            base_url=settings.nominatim_base_url,
            user_agent=settings.nominatim_user_agent,
            timeout=settings.timeout,
        )
        slots.append(ProviderSlot(nominatim, NOMINATIM_RATE, shared_only=True))
    return slots
