-- Publishing holds no connection while it renders, writes storage and purges: it leases the
-- invite instead (core/db/invite_work.py). A lease whose holder stopped renewing it (a killed
-- worker) lapses by itself.
ALTER TABLE invites ADD COLUMN publish_lease uuid;
ALTER TABLE invites ADD COLUMN publish_lease_until timestamptz;
