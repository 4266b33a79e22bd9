-- A deleted account's published objects are owed like a deleted invite's: one folder removal
-- per invite in storage_removals (now, and once more after the grace period). The erasures
-- table did the same work apart; what it still owes moves over, and it goes.
INSERT INTO storage_removals (slug, prefix, due_at, passes)
SELECT slug, 'i/' || slug || '/', now(), CASE WHEN passes = 0 THEN 2 ELSE 1 END FROM erasures;
DROP TABLE erasures;
