-- Creators, their API tokens, restaurants, invites, RSVPs and dead letters.
-- The "to be processed" record of an invite is its own row: `version` counts every change
-- that alters what a recipient reads, `published_version` the last one written to storage,
-- and `enrich_state` says whether enrichment is owed. The row and the debt are one write,
-- so nothing is lost when the queue is down; the sweep turns the debt back into jobs.

CREATE TABLE creators (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email        text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) <= 254),
    display_name text CHECK (length(display_name) <= 60),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    creator_id   bigint NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE,  -- SHA-256 of the token; the token itself is never stored
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

CREATE TABLE restaurants (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    swiggy_id     text UNIQUE CHECK (swiggy_id ~ '^[0-9]{1,20}$'),
    place_ref     text UNIQUE,  -- "<provider>:<provider's id>", e.g. "google:ChIJ…"
    lookup_key    text NOT NULL UNIQUE,  -- normalized name|area|city, for texts with no ids
    name          text NOT NULL,
    area          text,
    city          text,
    address       text,
    latitude      double precision,
    longitude     double precision,
    rating        numeric(2, 1),
    rating_count  integer,
    price_level   text,
    maps_uri      text,
    website       text,
    photo_key     text,  -- storage key of our own re-encoded photo (content-hashed)
    photo_width   integer,
    photo_height  integer,
    photo_credit  text,
    provider      text,
    looked_up_at  timestamptz,  -- last lookup, successful or empty; reuse window starts here
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invites (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug                 text NOT NULL UNIQUE CHECK (slug ~ '^[A-Za-z0-9_-]{12,14}$'),
    creator_id           bigint NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
    restaurant_id        bigint REFERENCES restaurants (id) ON DELETE SET NULL,
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    source               text NOT NULL,
    title                text,
    message              text,
    host_name            text,
    restaurant_name      text NOT NULL,
    area                 text,
    city                 text,
    swiggy_restaurant_id text CHECK (swiggy_restaurant_id ~ '^[0-9]{1,20}$'),
    starts_at            timestamptz NOT NULL,
    timezone             text NOT NULL,
    party_size           integer CHECK (party_size BETWEEN 1 AND 50),
    booking_id           text,
    offer                text,
    enrich_state         text NOT NULL DEFAULT 'pending'
                         CHECK (enrich_state IN ('pending', 'done', 'failed', 'skipped')),
    -- Counted in PostgreSQL, not only in the queue: a job that keeps killing its worker is
    -- re-enqueued by the sweep with fresh queue retries, and must still stop somewhere.
    enrich_attempts      integer NOT NULL DEFAULT 0,
    revision             integer NOT NULL DEFAULT 0,  -- edits to the event itself (for .ics)
    revised_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    published_version    integer NOT NULL DEFAULT 0,
    published_at         timestamptz,
    og_image_key         text,
    og_inputs_hash       text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    cancelled_at         timestamptz
);

-- Keyset pagination of a creator's invites, newest first.
CREATE INDEX invites_by_creator ON invites (creator_id, id DESC);
-- The sweep's two debts stay cheap to find however many invites there are.
CREATE INDEX invites_unpublished ON invites (updated_at) WHERE published_version < version;
CREATE INDEX invites_enrich_pending ON invites (updated_at) WHERE enrich_state = 'pending';
CREATE INDEX invites_by_restaurant ON invites (restaurant_id);

CREATE TABLE rsvps (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invite_id            bigint NOT NULL REFERENCES invites (id) ON DELETE CASCADE,
    participant_key_hash bytea NOT NULL,  -- SHA-256 of the key handed to the person
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    answer               text NOT NULL CHECK (answer IN ('IN', 'MAYBE', 'OUT')),
    guests               integer NOT NULL DEFAULT 0 CHECK (guests BETWEEN 0 AND 10),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (invite_id, participant_key_hash)
);

CREATE TABLE dead_letters (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task        text NOT NULL,
    arguments   jsonb NOT NULL,
    error       text NOT NULL,
    attempts    integer NOT NULL,
    invite_id   bigint REFERENCES invites (id) ON DELETE SET NULL,
    failed_at   timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz
);

CREATE INDEX dead_letters_open ON dead_letters (failed_at) WHERE replayed_at IS NULL;
