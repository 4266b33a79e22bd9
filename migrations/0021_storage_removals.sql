-- Objects storage still owes to remove, recorded in the same statement that makes them owed:
-- an OG image replaced by a publish (removed after a grace period, as a page cached a few
-- seconds longer may still show it), or everything under a deleted invite's prefix (removed at
-- once, and once more after the grace period for a publish that was in flight). The sweep runs
-- what is due (workers/removals.py); `attempts` bounds the retries, then `failed_at` parks the
-- row for `tablefor dlq replay`.
CREATE TABLE storage_removals (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invite_id   bigint REFERENCES invites (id) ON DELETE SET NULL,
    slug        text NOT NULL,
    object_key  text,
    prefix      text,
    due_at      timestamptz NOT NULL,
    passes      integer NOT NULL DEFAULT 1 CHECK (passes >= 1),
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text,
    failed_at   timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((object_key IS NULL) <> (prefix IS NULL))
);

CREATE INDEX storage_removals_due ON storage_removals (due_at) WHERE failed_at IS NULL;
CREATE INDEX storage_removals_by_invite ON storage_removals (invite_id);
