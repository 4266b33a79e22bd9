-- An answer's id as the host sees it (GET/DELETE /api/invites/{slug}/rsvps): random, so it
-- says nothing of how many answers exist anywhere, as the row's own id (a global counter) would.
-- Looked up within one invite's answers only, so the index on (invite_id, ...) serves it.
ALTER TABLE rsvps ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
