"""The invite's OG image: drawn again only when what it shows changes (not for RSVPs).

Restaurant photos are turned once into an OG-ready background (cropped, shaded, 1200×630; see
renderer/og_photo.py) and stored beside the photo, so each card only decodes it, draws the text
and encodes. A background is prepared on first use, so a design change needs no backfill run.
"""

from __future__ import annotations

import asyncio
import hashlib

import msgspec

from cdn import layout
from renderer import attribution, words
from renderer.og_image import OgCard, render_og_image
from renderer.og_photo import OG_PHOTO_DESIGN, prepare_og_photo
from workers.deps import Publisher
from workers.snapshot import Snapshot, largest_photo_key

# Bump when the card's design changes, so every invite's image is drawn again.
OG_DESIGN = "og-2"


def og_card(snapshot: Snapshot) -> OgCard:
    invite = snapshot.invite
    return OgCard(
        title=invite.title,
        host_name=invite.host_name,
        restaurant_name=invite.restaurant.name,
        locality=words.locality(invite),
        when=words.when_short(invite),
        party=words.party_words(invite.party_size),
        cancelled=invite.cancelled,
        seed=f"{invite.restaurant.name}|{invite.slug}",
        credit=attribution.image_credit(invite.restaurant),  # the photo is the background
    )


async def og_image(deps: Publisher, snapshot: Snapshot) -> tuple[str, str]:
    """The OG image's storage key and the hash of what it shows."""
    card = og_card(snapshot)
    photo_key = largest_photo_key(snapshot.restaurant)
    inputs = msgspec.json.encode([OG_DESIGN, OG_PHOTO_DESIGN, card, photo_key])
    og_hash = hashlib.sha256(inputs).hexdigest()
    row = snapshot.row
    if row.og_inputs_hash == og_hash and row.og_image_key:
        return row.og_image_key, og_hash
    background = await _background(deps, photo_key) if photo_key else None
    if background is None:  # the designed fallback: no photo to credit
        card = msgspec.structs.replace(card, credit=None)
    image = await asyncio.to_thread(render_og_image, card, fonts=deps.fonts, background=background)
    key = layout.og_image_key(row.slug, image)
    keys = (layout.images_key(row.slug),)  # how the edge is told when the image is removed
    stored = layout.stored(key, image, layout.Kind.IMMUTABLE, keys, freshness=deps.freshness)
    await deps.storage.put(stored)
    return key, og_hash


async def _background(deps: Publisher, photo_key: str) -> bytes | None:
    key = layout.og_background_key(photo_key, OG_PHOTO_DESIGN)
    stored = await deps.storage.get(key)
    if stored is not None:
        return stored
    photo = await deps.storage.get(photo_key)
    if photo is None:
        return None  # the designed fallback, rather than failing the publish
    prepared = await asyncio.to_thread(prepare_og_photo, photo)
    made_of_the_photo = layout.stored(key, prepared, layout.Kind.PHOTO, freshness=deps.freshness)
    await deps.storage.put(made_of_the_photo)
    return prepared
