-- A publish that fails for good (its job used every attempt, or its runs kept dying) is
-- recorded on the invite: the sweep and later publish requests leave it alone until an
-- operator replays its dead letter (`tablefor dlq replay`) or the creator edits the invite.
-- `publish_starts` counts the runs since the last recorded publish, so that runs rescued from
-- dead workers cannot go on for ever either.
ALTER TABLE invites ADD COLUMN publish_failed_at timestamptz;
ALTER TABLE invites ADD COLUMN publish_starts integer NOT NULL DEFAULT 0;

DROP INDEX invites_unpublished;
CREATE INDEX invites_unpublished ON invites (updated_at)
    WHERE published_version < version AND publish_failed_at IS NULL;
