-- Two tables older than the roles (storage removals, 0021; restaurant lookups, 0011) that
-- 0041's grants did not name. The worker pays removals and remembers lookups; the API owes a
-- removal when a creator deletes an invite with everything it published (the same statement
-- deletes the invite, under row-level security). Neither table holds a creator's rows.
GRANT SELECT, INSERT, UPDATE, DELETE ON storage_removals, restaurant_lookups TO tablefor_worker;
GRANT SELECT, INSERT ON storage_removals TO tablefor_api;
DO $$
BEGIN
    EXECUTE format(
        'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO tablefor_api, tablefor_worker',
        current_schema()
    );
END
$$;
