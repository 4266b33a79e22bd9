"""Enrichment: find the invite's restaurant through the providers, reuse what we know.

Providers are tried in order (Google Places, then the keyless Nominatim); the first good match
wins. A restaurant looked up within the reuse window (same Swiggy id, same name and place, or
same provider place) is not looked up again. Retryable provider errors propagate so the queue
retries the job with backoff; final ones end it in a dead letter (see workers/tasks.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import msgspec
from psycopg_pool import AsyncConnectionPool

from cdn import layout
from cdn.storage.base import Storage
from core.db import invite_work, restaurants
from core.db.invites import InviteRow
from core.db.pool import Connection, connection
from core.db.restaurants import Details, RestaurantRow
from core.domain import EnrichState
from core.metrics import ENRICH
from core.ratelimit import RateLimiter
from core.settings import RateLimit
from workers.providers.base import Candidate, PlaceDetails, PlaceQuery, Provider, ProviderError
from workers.providers.images import encode_variants, safe_photo
from workers.providers.matching import choose
from workers.snapshot import PHOTO_WIDTHS

log = logging.getLogger("tablefor.worker")


@dataclass(frozen=True, slots=True)
class ProviderSlot:
    provider: Provider
    rate: RateLimit  # shared by every worker process, through Redis


@dataclass(frozen=True, slots=True)
class Outcome:
    restaurant_id: int
    looked_up: bool  # False: reused within the window, no provider was called


class Enricher:
    def __init__(
        self,
        slots: Sequence[ProviderSlot],
        *,
        storage: Storage,
        limiter: RateLimiter,
        reuse: timedelta,
    ) -> None:
        self.slots = tuple(slots)
        self._storage = storage
        self._limiter = limiter
        self._reuse = reuse

    async def aclose(self) -> None:
        for slot in self.slots:
            await slot.provider.aclose()

    def is_fresh(self, row: RestaurantRow) -> bool:
        return row.looked_up_at is not None and datetime.now(UTC) - row.looked_up_at < self._reuse

    async def enrich(self, pool: AsyncConnectionPool[Connection], invite: InviteRow) -> Outcome:
        """Link the invite to its restaurant, looking it up unless we know it well enough.

        Each database step takes a connection for itself alone: none is held through a provider
        call or a rate-limit wait, so slow providers cannot exhaust the pool.
        """
        async with connection(pool) as conn:
            restaurant = await restaurants.find_or_create(
                conn,
                swiggy_id=invite.swiggy_restaurant_id,
                name=invite.restaurant_name,
                area=invite.area,
                city=invite.city,
            )
        if self.is_fresh(restaurant):
            ENRICH.labels("cache", "reused").inc()
            return await self._link(pool, invite, restaurant, looked_up=False)
        query = PlaceQuery(name=invite.restaurant_name, area=invite.area, city=invite.city)
        for slot in self.slots:
            match = await self._search(slot, query)
            if match is None:
                continue
            async with connection(pool) as conn:
                known = await restaurants.by_place_ref(conn, place_ref=_place_ref(match))
            if known is not None and self.is_fresh(known):
                return await self._link(pool, invite, known, looked_up=False)
            target = known or restaurant
            details = await self._with_photo(slot, target, await self._details(slot, match))
            async with connection(pool) as conn:
                recorded = await restaurants.record_lookup(
                    conn, restaurant_id=target.id, details=details
                )
            return await self._link(pool, invite, recorded, looked_up=True)
        async with connection(pool) as conn:
            await restaurants.mark_looked_up(conn, restaurant_id=restaurant.id)
        return await self._link(pool, invite, restaurant, looked_up=True)

    async def _search(self, slot: ProviderSlot, query: PlaceQuery) -> Candidate | None:
        await self._limiter.wait_turn("provider", slot.provider.name, slot.rate)
        try:
            match = choose(query, await slot.provider.search(query))
        except ProviderError:
            ENRICH.labels(slot.provider.name, "error").inc()
            raise
        ENRICH.labels(slot.provider.name, "not_found" if match is None else "found").inc()
        return match

    async def _details(self, slot: ProviderSlot, match: Candidate) -> PlaceDetails:
        await self._limiter.wait_turn("provider", slot.provider.name, slot.rate)
        return await slot.provider.details(match)

    async def _with_photo(
        self, slot: ProviderSlot, target: RestaurantRow, details: PlaceDetails
    ) -> Details:
        fields = Details(
            name=details.name,
            address=details.address,
            latitude=details.latitude,
            longitude=details.longitude,
            rating=details.rating,
            rating_count=details.rating_count,
            price_level=details.price_level,
            maps_uri=details.maps_uri,
            website=details.website,
            provider=details.provider,
            place_ref=_place_ref(details),
        )
        for ref, credit in zip(details.photo_refs, _credits(details), strict=True):
            stored = await self._store_photo(slot, target.id, ref)
            if stored is not None:
                base, width, height = stored
                return msgspec.structs.replace(
                    fields,
                    photo_key=base,
                    photo_width=width,
                    photo_height=height,
                    photo_credit=credit,
                )
        return fields

    async def _store_photo(
        self, slot: ProviderSlot, restaurant_id: int, ref: str
    ) -> tuple[str, int, int] | None:
        """Download, check, re-encode and store one photo; None if it is unusable."""
        await self._limiter.wait_turn("provider", slot.provider.name, slot.rate)
        try:
            raw = await slot.provider.photo(ref, max_width=PHOTO_WIDTHS[-1])
        except ProviderError as error:
            if error.retryable:
                raise
            log.warning(
                "photo refused", extra={"provider": slot.provider.name, "error": str(error)}
            )
            return None
        photo = safe_photo(raw, min_width=PHOTO_WIDTHS[0])
        if photo is None:
            log.warning("photo unusable", extra={"provider": slot.provider.name})
            return None
        variants = encode_variants(photo, PHOTO_WIDTHS)
        base = layout.photo_base(restaurant_id, raw)
        for width, (body, _, _) in variants.items():
            key = layout.photo_key(base, width)
            await self._storage.put(layout.stored(key, body, layout.Kind.IMMUTABLE))
        largest = max(variants)
        _, width, height = variants[largest]
        return base, width, height

    async def _link(
        self,
        pool: AsyncConnectionPool[Connection],
        invite: InviteRow,
        restaurant: RestaurantRow,
        *,
        looked_up: bool,
    ) -> Outcome:
        async with connection(pool) as conn:
            await invite_work.set_restaurant(
                conn, invite_id=invite.id, restaurant_id=restaurant.id, state=EnrichState.DONE
            )
        return Outcome(restaurant.id, looked_up=looked_up)


def _place_ref(item: Candidate | PlaceDetails) -> str:
    return f"{item.provider}:{item.ref}"


def _credits(details: PlaceDetails) -> list[str | None]:
    credits: list[str | None] = list(details.photo_credits)
    return (credits + [None] * len(details.photo_refs))[: len(details.photo_refs)]
