-- A restaurant row is shared by every invite at that place, so it holds only what a provider
-- returned for that place, keyed by the provider's reference. Nothing a creator typed decides
-- it: a made-up Swiggy id with another restaurant's name used to pick the row every other
-- creator with that id got for 30 days (issue 9). A Swiggy id now stays on its invite;
-- enrichment reuses a restaurant that other invites with the id were matched to only when it
-- agrees with this invite's own name and place (workers/enrichment.py).

-- Invites whose restaurant was found through a Swiggy id on a shared row, the path a made-up
-- id could poison, are looked up again under the new rules (the sweep enqueues them).
UPDATE invites i SET enrich_state = 'pending', enrich_attempts = 0, updated_at = now()
FROM restaurants r
WHERE i.restaurant_id = r.id AND r.swiggy_id = i.swiggy_restaurant_id
    AND i.status = 'active' AND i.starts_at > now() - interval '1 day';

-- Rows no provider ever filled in held only a creator's words: nothing to share. (Their
-- invites showed no details from them; the link becomes NULL.)
DELETE FROM restaurants WHERE place_ref IS NULL;

ALTER TABLE restaurants
    DROP COLUMN swiggy_id,
    DROP COLUMN lookup_key,
    DROP COLUMN area,
    DROP COLUMN city,
    ALTER COLUMN place_ref SET NOT NULL;

-- What a provider search for a booking's normalized name|area|city found (NULL: nothing),
-- and when: the same search is not sent again within the reuse window. A function of the
-- search alone, so one creator's entry is what anyone else's search would have found.
CREATE TABLE restaurant_lookups (
    lookup_key    text PRIMARY KEY,
    restaurant_id bigint REFERENCES restaurants (id) ON DELETE CASCADE,
    looked_up_at  timestamptz NOT NULL DEFAULT now()
);

-- Set by enrichment when other invites with this invite's Swiggy id were matched only to
-- restaurants that do not agree with its name and place: the id was not used, and the
-- creator is told (GET /api/invites/{slug}).
ALTER TABLE invites ADD COLUMN swiggy_id_ignored boolean NOT NULL DEFAULT false;

-- The restaurants other invites with a Swiggy id were matched to; `tablefor purge --restaurant`.
CREATE INDEX invites_by_swiggy_id ON invites (swiggy_restaurant_id, restaurant_id)
    WHERE swiggy_restaurant_id IS NOT NULL;
