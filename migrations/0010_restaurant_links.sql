-- Only http(s) website and maps links are stored: a `javascript:` or `data:` link from a
-- provider would become an href on every page that shows the restaurant. The provider clients
-- drop other links (workers/providers/google_places.py), the page checks them again where they
-- become hrefs (renderer/links.py), and the table refuses them. Links stored before are cleared.
UPDATE restaurants SET website = NULL WHERE website !~* '^https?://[^/[:space:]]';
UPDATE restaurants SET maps_uri = NULL WHERE maps_uri !~* '^https?://[^/[:space:]]';
ALTER TABLE restaurants
    ADD CONSTRAINT restaurants_website_http CHECK (website ~* '^https?://[^/[:space:]]'),
    ADD CONSTRAINT restaurants_maps_uri_http CHECK (maps_uri ~* '^https?://[^/[:space:]]');
