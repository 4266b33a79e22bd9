-- Creator accounts: e-mail sign-in links, browser sessions, named API tokens, OpenID Connect
-- identities, and the debt of erasing a deleted creator's published objects.
-- Every secret (link token, session id, API token) is stored only as its SHA-256.

-- A creator who signs in with OpenID Connect may have no (verified, unused) e-mail address.
ALTER TABLE creators ALTER COLUMN email DROP NOT NULL;

ALTER TABLE api_tokens
    ADD COLUMN name text NOT NULL DEFAULT 'API token' CHECK (length(name) BETWEEN 1 AND 60),
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN last_used_at timestamptz;

CREATE INDEX api_tokens_by_creator ON api_tokens (creator_id) WHERE revoked_at IS NULL;

CREATE TABLE sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    creator_id   bigint NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
    secret_hash  bytea NOT NULL UNIQUE,  -- SHA-256 of the cookie's value
    method       text NOT NULL DEFAULT 'email' CHECK (method IN ('email')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,  -- slides forward while the session is used
    revoked_at   timestamptz
);

CREATE INDEX sessions_by_creator ON sessions (creator_id) WHERE revoked_at IS NULL;

-- One row per "send me a sign-in link". The API writes only the address (the same work for
-- known and unknown addresses); the worker issues the token when it sends the mail, so the
-- token never sits in the queue or in a dead letter.
CREATE TABLE sign_in_requests (
    id          uuid PRIMARY KEY,
    email       text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
    next_path   text CHECK (length(next_path) <= 512),
    token_hash  bytea UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    failed_at   timestamptz,  -- the mail was dead-lettered
    expires_at  timestamptz,
    used_at     timestamptz
);

CREATE INDEX sign_in_requests_unsent ON sign_in_requests (created_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX sign_in_requests_by_age ON sign_in_requests (created_at);

CREATE TABLE creator_identities (
    issuer     text NOT NULL,
    subject    text NOT NULL,
    creator_id bigint NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject)
);

CREATE INDEX creator_identities_by_creator ON creator_identities (creator_id);

-- Published objects owed a deletion (their invite is gone). Written in the transaction that
-- deletes the rows; a worker deletes the objects and purges the edge, in two passes (the
-- second after any publish that was already running has ended), then drops the row.
CREATE TABLE erasures (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       text NOT NULL CHECK (slug ~ '^[A-Za-z0-9_-]{12,14}$'),
    invite_id  bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    due_at     timestamptz NOT NULL DEFAULT now(),
    passes     integer NOT NULL DEFAULT 0
);

CREATE INDEX erasures_due ON erasures (due_at);
