-- Ownership enforced by PostgreSQL too (row-level security).
--
-- The API's connections act as `tablefor_api`, the worker's as `tablefor_worker` (core/db/pool.py
-- asks for the role when it connects); migrations and operator commands keep the owner's role.
-- Roles belong to the whole server: they are created once and shared by its databases.
--
-- `tablefor_api` sees a row only when it belongs to the creator the current transaction acts
-- for (`tablefor.creator_id`, set with set_config(..., true), so it ends with the transaction),
-- or, for a recipient's answer, when it is the invite the answer names (`tablefor.answer_slug`).
-- Who a credential belongs to is asked through the few SECURITY DEFINER functions below, which
-- answer for one hashed secret and nothing else.

DO $$
BEGIN
    CREATE ROLE tablefor_api NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;  -- made by another database's migration on this server
END
$$;

DO $$
BEGIN
    CREATE ROLE tablefor_worker NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

-- The processes connect as the migrator's login (or a login that is a member) and switch role.
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT tablefor_api, tablefor_worker TO %I', current_user);
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'grant tablefor_api and tablefor_worker to the logins of the API and worker';
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO tablefor_api, tablefor_worker', current_schema());
END
$$;

-- --- the current creator, as the policies read it -------------------------------------------

CREATE FUNCTION tablefor_creator() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT NULLIF(current_setting('tablefor.creator_id', true), '')::bigint $$;

CREATE FUNCTION tablefor_answering() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT NULLIF(current_setting('tablefor.answer_slug', true), '') $$;

-- --- privileges ------------------------------------------------------------------------------

GRANT SELECT, INSERT, UPDATE, DELETE ON invites, rsvps TO tablefor_api;
GRANT SELECT, UPDATE, DELETE ON creators TO tablefor_api;
GRANT SELECT, INSERT, UPDATE ON api_tokens, sessions TO tablefor_api;
GRANT INSERT ON sign_in_requests, erasures TO tablefor_api;

GRANT SELECT, INSERT, UPDATE, DELETE
    ON invites, rsvps, restaurants, dead_letters, sign_in_requests, erasures TO tablefor_worker;
GRANT SELECT ON creators TO tablefor_worker;

-- Tables later migrations add are usable by both (a table holding a creator's rows must also
-- enable row-level security and say who sees what, as below).
ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES
    TO tablefor_api, tablefor_worker;
ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO tablefor_api, tablefor_worker;

-- --- policies --------------------------------------------------------------------------------

ALTER TABLE creators ENABLE ROW LEVEL SECURITY;
CREATE POLICY creator_self ON creators TO tablefor_api
    USING (id = tablefor_creator());
CREATE POLICY worker_reads ON creators FOR SELECT TO tablefor_worker USING (true);

ALTER TABLE invites ENABLE ROW LEVEL SECURITY;
CREATE POLICY creator_own ON invites TO tablefor_api
    USING (creator_id = tablefor_creator());
-- A recipient's answer reads and counts on the one invite its URL names.
CREATE POLICY recipient_reads ON invites FOR SELECT TO tablefor_api
    USING (slug = tablefor_answering());
CREATE POLICY recipient_counts ON invites FOR UPDATE TO tablefor_api
    USING (slug = tablefor_answering());
CREATE POLICY worker_all ON invites TO tablefor_worker USING (true) WITH CHECK (true);

-- An answer is visible (and writable) exactly when its invite is.
ALTER TABLE rsvps ENABLE ROW LEVEL SECURITY;
CREATE POLICY through_invite ON rsvps TO tablefor_api
    USING (EXISTS (SELECT 1 FROM invites i WHERE i.id = rsvps.invite_id));
CREATE POLICY worker_all ON rsvps TO tablefor_worker USING (true) WITH CHECK (true);

ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY creator_own ON api_tokens TO tablefor_api
    USING (creator_id = tablefor_creator());

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY creator_own ON sessions TO tablefor_api
    USING (creator_id = tablefor_creator());

ALTER TABLE creator_identities ENABLE ROW LEVEL SECURITY;
CREATE POLICY creator_own ON creator_identities TO tablefor_api
    USING (creator_id = tablefor_creator());

-- Anyone may ask for a link (the API writes the address, reads nothing back).
ALTER TABLE sign_in_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY anyone_asks ON sign_in_requests FOR INSERT TO tablefor_api WITH CHECK (true);
CREATE POLICY worker_all ON sign_in_requests TO tablefor_worker USING (true) WITH CHECK (true);

-- --- who a credential belongs to (SECURITY DEFINER: they read past the policies above) ------
-- Each answers for one hashed secret. EXECUTE is revoked from PUBLIC and given to the API.

CREATE FUNCTION tablefor_token_owner(p_hash bytea)
RETURNS TABLE (token_id bigint, creator_id bigint, expires_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
    WITH found AS (
        SELECT t.id, t.creator_id, t.expires_at, t.last_used_at FROM api_tokens t
        WHERE t.token_hash = p_hash AND t.revoked_at IS NULL
            AND (t.expires_at IS NULL OR t.expires_at > now())
    ), touched AS (  -- "last used" to the minute, without a write on every request
        UPDATE api_tokens t SET last_used_at = now() FROM found
        WHERE t.id = found.id
            AND (found.last_used_at IS NULL OR found.last_used_at < now() - interval '1 minute')
    )
    SELECT id, creator_id, expires_at FROM found
$$;

CREATE FUNCTION tablefor_session_owner(p_hash bytea, p_lifetime_s integer)
RETURNS TABLE (session_id bigint, creator_id bigint, expires_at timestamptz, renewed boolean)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
    WITH found AS (
        SELECT s.id, s.creator_id, s.expires_at, s.last_seen_at FROM sessions s
        WHERE s.secret_hash = p_hash AND s.revoked_at IS NULL AND s.expires_at > now()
    ), touched AS (  -- the sliding expiry, moved at most once a minute
        UPDATE sessions s SET last_seen_at = now(),
            expires_at = now() + make_interval(secs => p_lifetime_s)
        FROM found
        WHERE s.id = found.id AND found.last_seen_at < now() - interval '1 minute'
        RETURNING s.expires_at
    )
    SELECT found.id, found.creator_id,
        COALESCE((SELECT t.expires_at FROM touched t), found.expires_at),
        EXISTS (SELECT 1 FROM touched)
    FROM found
$$;

-- Consumes a sign-in link (once, before it expires) and finds or creates its creator.
CREATE FUNCTION tablefor_sign_in(p_hash bytea)
RETURNS TABLE (creator_id bigint, created boolean, next_path text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
    WITH link AS (
        UPDATE sign_in_requests SET used_at = now()
        WHERE token_hash = p_hash AND used_at IS NULL AND expires_at > now()
        RETURNING email, next_path
    ), creator AS (
        INSERT INTO creators (email) SELECT email FROM link
        ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
        RETURNING id, (xmax = 0) AS created
    )
    SELECT creator.id, creator.created, link.next_path FROM creator, link
$$;

-- The creator of an OpenID Connect subject, created on first sight. A verified e-mail is
-- taken when no other creator has it (accounts are never merged by e-mail).
CREATE FUNCTION tablefor_oidc_owner(p_issuer text, p_subject text, p_email text)
RETURNS TABLE (creator_id bigint, created boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
DECLARE
    found_id bigint;
    made_id bigint;
BEGIN
    SELECT ci.creator_id INTO found_id FROM creator_identities ci
    WHERE ci.issuer = p_issuer AND ci.subject = p_subject;
    IF found_id IS NOT NULL THEN
        IF p_email IS NOT NULL THEN
            UPDATE creators c SET email = p_email
            WHERE c.id = found_id AND c.email IS NULL
                AND NOT EXISTS (SELECT 1 FROM creators o WHERE o.email = p_email);
        END IF;
        RETURN QUERY SELECT found_id, false;
        RETURN;
    END IF;
    BEGIN
        INSERT INTO creators (email) VALUES (p_email) RETURNING id INTO made_id;
    EXCEPTION WHEN unique_violation THEN
        INSERT INTO creators (email) VALUES (NULL) RETURNING id INTO made_id;
    END;
    INSERT INTO creator_identities (issuer, subject, creator_id)
    VALUES (p_issuer, p_subject, made_id)
    ON CONFLICT (issuer, subject) DO NOTHING;
    IF NOT FOUND THEN  -- a concurrent first request made it: keep theirs
        DELETE FROM creators WHERE id = made_id;
        SELECT ci.creator_id INTO found_id FROM creator_identities ci
        WHERE ci.issuer = p_issuer AND ci.subject = p_subject;
        RETURN QUERY SELECT found_id, false;
        RETURN;
    END IF;
    RETURN QUERY SELECT made_id, true;
END
$$;

REVOKE ALL ON FUNCTION tablefor_token_owner(bytea), tablefor_session_owner(bytea, integer),
    tablefor_sign_in(bytea), tablefor_oidc_owner(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tablefor_token_owner(bytea), tablefor_session_owner(bytea, integer),
    tablefor_sign_in(bytea), tablefor_oidc_owner(text, text, text) TO tablefor_api;
