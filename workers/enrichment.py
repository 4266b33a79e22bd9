"""Enrichment: find the invite's restaurant through the providers, reuse what we know.

A restaurant row is shared by every invite at that place, so nothing a creator sends decides
which row another creator's invite shows (issue 9). Rows are made and matched only by what a
provider returned (its reference for the place), and a row is reused without asking a provider
only when it agrees with this invite's own name, area and city (workers/providers/matching.py):
- the same search within the reuse window (normalized name|area|city) found it;
- or other invites with this invite's Swiggy id were matched to it. An id is a hint, never an
  answer: anyone can send any id. When every restaurant the id was matched to disagrees with
  this invite, the id is set aside (`swiggy_id_ignored`, shown to the creator) and the
  restaurant is looked up by name.
Otherwise providers are tried in order (Google Places, then the keyless Nominatim); the first
good match wins. Retryable provider errors propagate so the queue retries the job with backoff;
final ones end it in a dead letter (see workers/tasks.py).

A row past its provider's deadline (Google's terms: 30 days from the fetch) is never reused:
the place is looked up again, or the row is stripped (workers/expiry.py). Whatever a lookup
records, every invite showing the row owes a publish, and a photo it replaces owes a removal.
"""

from __future__ import annotations

import dataclasses
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
from core.db.pool import Connection, connection, transaction
from core.db.restaurants import Details, Lookup, Recorded, RestaurantRow
from core.domain import EnrichState
from core.metrics import ENRICH
from core.ratelimit import RateLimiter, SharedLimitUnavailable
from core.settings import RateLimit
from workers.providers.base import PhotoCredit, PlaceDetails, PlaceQuery, Provider, ProviderError
from workers.providers.images import encode_variants, safe_photo
from workers.providers.matching import agrees, choose
from workers.snapshot import PHOTO_WIDTHS

log = logging.getLogger("tablefor.worker")


@dataclass(frozen=True, slots=True)
class ProviderSlot:
    provider: Provider
    rate: RateLimit  # shared by every worker process, through Redis
    # The rate must hold for the whole application (a usage policy, not our own caution): while
    # Redis is unreachable the provider pauses instead of each process counting alone.
    shared_only: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    restaurant_id: int | None  # None: no provider knows the place
    looked_up: bool  # False: reused within the window, no provider was called
    swiggy_id_ignored: bool = False
    republish: tuple[int, ...] = ()  # other invites at the restaurant, owing a publish now


@dataclass(frozen=True, slots=True)
class Known:
    """What we know without asking a provider, for one invite."""

    searched: Lookup | None  # the same search, earlier
    searched_row: RestaurantRow | None  # what it found
    # What other invites with the invite's Swiggy id were matched to; and this invite's own
    # earlier match, if its id agreed then (so a later made-up id cannot turn it into a warning).
    by_swiggy_id: list[RestaurantRow]


class Enricher:
    def __init__(
        self,
        slots: Sequence[ProviderSlot],
        *,
        storage: Storage,
        limiter: RateLimiter,
        reuse: timedelta,
        removal_delay: float,
    ) -> None:
        self.slots = tuple(slots)
        self._storage = storage
        self._limiter = limiter
        self._reuse = reuse
        self._removal_delay = removal_delay  # before a replaced photo's files are removed

    async def aclose(self) -> None:
        for slot in self.slots:
            await slot.provider.aclose()

    def is_fresh(self, looked_up_at: datetime | None) -> bool:
        return looked_up_at is not None and datetime.now(UTC) - looked_up_at < self._reuse

    def is_usable(self, row: RestaurantRow) -> bool:
        """Looked up within the reuse window, and its details still within their deadline."""
        unexpired = row.expires_at is None or row.expires_at > datetime.now(UTC)
        return self.is_fresh(row.looked_up_at) and unexpired

    async def enrich(self, pool: AsyncConnectionPool[Connection], invite: InviteRow) -> Outcome:
        """Link the invite to its restaurant, looking it up unless we know it well enough.

        Each database step takes a connection for itself alone: none is held through a provider
        call or a rate-limit wait, so slow providers cannot exhaust the pool.
        """
        query = PlaceQuery(name=invite.restaurant_name, area=invite.area, city=invite.city)
        key = restaurants.lookup_key(query.name, query.area, query.city)
        known = await self._known(pool, invite, key)
        # A stripped row (past its provider's deadline) says nothing either way about the id.
        matched = [row for row in known.by_swiggy_id if row.name is not None]
        agreeing = [row for row in matched if _agrees(query, row)]
        ignored = bool(matched) and not agreeing
        if ignored:
            log.info(
                "swiggy id set aside: its restaurants disagree with the invite",
                extra={"invite_id": invite.id, "swiggy_id": invite.swiggy_restaurant_id},
            )
        reused = self._reusable(query, known, agreeing)
        if reused is not None:
            ENRICH.labels("cache", "reused").inc()
            row = reused if isinstance(reused, RestaurantRow) else None
            return await self._link(pool, invite, row, looked_up=False, swiggy_id_ignored=ignored)
        found = await self._look_up(pool, query)
        row = found.row if found else None
        async with connection(pool) as conn:
            await restaurants.remember_lookup(
                conn, lookup_key=key, restaurant_id=row.id if row else None
            )
        outcome = await self._link(pool, invite, row, looked_up=True, swiggy_id_ignored=ignored)
        others = tuple(i for i in (found.invites if found else ()) if i != invite.id)
        return dataclasses.replace(outcome, republish=others)

    async def refresh(
        self, pool: AsyncConnectionPool[Connection], row: RestaurantRow
    ) -> Recorded | None:
        """The row's place looked up again by its provider's own id, before its deadline.

        None when its provider is not configured any more: the row expires as it stands."""
        slot = next((s for s in self.slots if s.provider.name == row.provider), None)
        if slot is None:
            return None
        await self._wait_turn(slot)
        details = await slot.provider.place(row.place_ref.removeprefix(f"{row.provider}:"))
        return await self._record(pool, slot, row, details)

    async def _known(
        self, pool: AsyncConnectionPool[Connection], invite: InviteRow, key: str
    ) -> Known:
        async with connection(pool) as conn:
            searched = await restaurants.cached_lookup(conn, lookup_key=key)
            row = None
            if searched is not None and searched.restaurant_id is not None:
                row = await restaurants.get(conn, restaurant_id=searched.restaurant_id)
            by_id = []
            if invite.swiggy_restaurant_id is not None:
                by_id = await restaurants.matched_with_swiggy_id(
                    conn, swiggy_id=invite.swiggy_restaurant_id, invite_id=invite.id
                )
                if invite.restaurant_id is not None and not invite.swiggy_id_ignored:
                    own = await restaurants.get(conn, restaurant_id=invite.restaurant_id)
                    by_id += [own] if own is not None else []
        return Known(searched=searched, searched_row=row, by_swiggy_id=by_id)

    def _reusable(
        self, query: PlaceQuery, known: Known, agreeing: list[RestaurantRow]
    ) -> RestaurantRow | Lookup | None:
        """A fresh row that agrees with the invite; a fresh empty search (a Lookup: nothing to
        link); or None: ask the providers."""
        row = known.searched_row
        if row is not None and self.is_usable(row) and _agrees(query, row):
            return row
        fresh = [row for row in agreeing if self.is_usable(row)]
        if fresh:
            return fresh[0]
        searched = known.searched
        if searched is not None and searched.restaurant_id is None:
            return searched if self.is_fresh(searched.looked_up_at) else None
        return None

    async def _look_up(
        self, pool: AsyncConnectionPool[Connection], query: PlaceQuery
    ) -> Recorded | None:
        """The first provider's good match, its row made or refreshed; None if none has one."""
        for slot in self.slots:
            match = await self._search(slot, query)
            if match is None:
                continue
            async with connection(pool) as conn:
                row = await restaurants.claim_place(
                    conn, place_ref=_place_ref(match), name=match.name, provider=match.provider
                )
            if self.is_usable(row):
                return Recorded(row=row, invites=())
            return await self._record(pool, slot, row, match)  # the search said it all
        return None

    async def _record(
        self,
        pool: AsyncConnectionPool[Connection],
        slot: ProviderSlot,
        row: RestaurantRow,
        details: PlaceDetails,
    ) -> Recorded:
        """Store the photo and record the details, kept as long as the provider allows; the
        photo it replaces (read under the row's lock: another lookup may have run meanwhile)
        is owed a removal."""
        fields = await self._with_photo(slot, row, details)
        async with transaction(pool) as conn:
            shown = await restaurants.photo_for_update(conn, restaurant_id=row.id)
            replaced = shown if shown != fields.photo_key else None
            return await restaurants.record_lookup(
                conn,
                restaurant_id=row.id,
                details=fields,
                keep_for=slot.provider.keep_for,
                replaced_photo=layout.photo_prefix(replaced) if replaced else None,
                removal_delay=self._removal_delay,
            )

    async def _search(self, slot: ProviderSlot, query: PlaceQuery) -> PlaceDetails | None:
        await self._wait_turn(slot)
        try:
            match = choose(query, await slot.provider.search(query))
        except ProviderError:
            ENRICH.labels(slot.provider.name, "error").inc()
            raise
        ENRICH.labels(slot.provider.name, "not_found" if match is None else "found").inc()
        return match

    async def _wait_turn(self, slot: ProviderSlot) -> None:
        """The provider's rate; a paused provider is a retryable error (the job comes back)."""
        name = slot.provider.name
        try:
            await self._limiter.wait_turn("provider", name, slot.rate, shared_only=slot.shared_only)
        except SharedLimitUnavailable as error:
            detail = f"paused: {error.detail}"
            raise ProviderError(
                name, detail, retryable=True, retry_after=error.retry_after
            ) from None

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
                    photo_credit=credit.name if credit else None,
                    photo_credit_url=credit.url if credit else None,
                )
        return fields

    async def _store_photo(
        self, slot: ProviderSlot, restaurant_id: int, ref: str
    ) -> tuple[str, int, int] | None:
        """Download, check, re-encode and store one photo; None if it is unusable."""
        await self._wait_turn(slot)
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
            await self._storage.put(layout.stored(key, body, layout.Kind.PHOTO))
        largest = max(variants)
        _, width, height = variants[largest]
        return base, width, height

    async def _link(
        self,
        pool: AsyncConnectionPool[Connection],
        invite: InviteRow,
        restaurant: RestaurantRow | None,
        *,
        looked_up: bool,
        swiggy_id_ignored: bool,
    ) -> Outcome:
        restaurant_id = restaurant.id if restaurant is not None else None
        async with connection(pool) as conn:
            await invite_work.set_restaurant(
                conn,
                invite_id=invite.id,
                restaurant_id=restaurant_id,
                state=EnrichState.DONE,
                swiggy_id_ignored=swiggy_id_ignored,
            )
        return Outcome(restaurant_id, looked_up=looked_up, swiggy_id_ignored=swiggy_id_ignored)


def _agrees(query: PlaceQuery, row: RestaurantRow) -> bool:
    return agrees(query, name=row.name or "", address=row.address)


def _place_ref(item: PlaceDetails) -> str:
    return f"{item.provider}:{item.ref}"


def _credits(details: PlaceDetails) -> list[PhotoCredit | None]:
    credits: list[PhotoCredit | None] = list(details.photo_credits)
    return (credits + [None] * len(details.photo_refs))[: len(details.photo_refs)]
