-- Invite opens, counted at the edge without Python on the read path: Varnish logs each view by
-- a person, the edge's collector (cdn/opens.py) spools it with a salted hash of the viewer,
-- and the worker (workers/opens.py) moves the spool here. Nothing personal is stored: the
-- viewer hash's salt changes every day and is deleted by the edge after that day.

-- Opens and viewers new that day, per invite and day (UTC).
CREATE TABLE invite_open_days (
    invite_id    bigint NOT NULL REFERENCES invites (id) ON DELETE CASCADE,
    day          date NOT NULL,
    opens        bigint NOT NULL DEFAULT 0 CHECK (opens >= 0),
    unique_opens bigint NOT NULL DEFAULT 0 CHECK (unique_opens >= 0),
    PRIMARY KEY (invite_id, day)
);
CREATE INDEX invite_open_days_by_day ON invite_open_days (day);

-- The day's viewers of each invite, to count each once; pruned after two days.
CREATE TABLE invite_viewers (
    invite_id bigint NOT NULL REFERENCES invites (id) ON DELETE CASCADE,
    day       date NOT NULL,
    viewer    bytea NOT NULL CHECK (length(viewer) = 8),
    PRIMARY KEY (invite_id, day, viewer)
);
CREATE INDEX invite_viewers_by_day ON invite_viewers (day);

-- Spool files already counted: a file is counted once even if the worker dies between
-- committing its counts and deleting it.
CREATE TABLE open_batches (
    name        text PRIMARY KEY,
    lines       integer NOT NULL,
    ingested_at timestamptz NOT NULL DEFAULT now()
);

-- How well the pasted booking was read, for `tablefor stats` (NULL: typed in by hand).
ALTER TABLE invites ADD COLUMN parse_outcome text
    CHECK (parse_outcome IN ('complete', 'warnings', 'incomplete'));
