-- Google Maps Platform terms: Places content other than the place ID may not be kept
-- indefinitely (Service Specific Terms, Places API; "Policies and attributions for Places API").
-- Every Google-sourced detail and photo of a restaurant now has a deadline, 30 days from its
-- fetch: workers/expiry.py refreshes what upcoming invites still show, and strips the rest
-- from the row, from storage and from the pages that showed it. The place ID (place_ref) stays.

-- When the row's details (name, address, coordinates, rating, price, links) must be gone, and
-- when its photo (the stored files, their size and credit) must be. NULL: no deadline (OSM
-- data) or nothing held.
ALTER TABLE restaurants
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN photo_expires_at timestamptz,
    -- A stripped row keeps only the provider's reference for the place.
    ALTER COLUMN name DROP NOT NULL;

-- What was fetched before this migration expires 30 days after its last lookup.
UPDATE restaurants SET
    expires_at = COALESCE(looked_up_at, updated_at) + interval '30 days',
    photo_expires_at = CASE
        WHEN photo_key IS NOT NULL THEN COALESCE(looked_up_at, updated_at) + interval '30 days'
    END
WHERE provider = 'google';

CREATE INDEX restaurants_details_expiry ON restaurants (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX restaurants_photo_expiry ON restaurants (photo_expires_at)
    WHERE photo_expires_at IS NOT NULL;

-- A restaurant photo's files are removed like an invite's replaced objects, after the same
-- grace period: a row with a prefix and no slug is a restaurant photo (r/ID/DIGEST-).
ALTER TABLE storage_removals
    ALTER COLUMN slug DROP NOT NULL,
    ADD CONSTRAINT storage_removals_slug_or_prefix CHECK (slug IS NOT NULL OR prefix IS NOT NULL);
