-- A photo's credit links to its author's profile when Google gives one (authorAttributions
-- uri): "Policies and attributions for Places API" asks for the author's name and link. Only
-- http(s) links, like the other links a provider gives (migrations/0010).
ALTER TABLE restaurants
    ADD COLUMN photo_credit_url text
        CONSTRAINT restaurants_photo_credit_url_http
        CHECK (photo_credit_url ~* '^https?://[^/[:space:]]');
