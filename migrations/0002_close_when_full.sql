-- A creator may close answers once the table is full: IN answers stop at the party size.
ALTER TABLE invites ADD COLUMN close_when_full boolean NOT NULL DEFAULT false;
