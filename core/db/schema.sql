CREATE FUNCTION public.tablefor_answering() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('tablefor.answer_slug', true), '') $$;

CREATE FUNCTION public.tablefor_creator() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('tablefor.creator_id', true), '')::bigint $$;

CREATE FUNCTION public.tablefor_oidc_owner(p_issuer text, p_subject text, p_email text) RETURNS TABLE(creator_id bigint, created boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO '$user', 'public'
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

CREATE FUNCTION public.tablefor_session_owner(p_hash bytea, p_lifetime_s integer) RETURNS TABLE(session_id bigint, creator_id bigint, expires_at timestamp with time zone, renewed boolean)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO '$user', 'public'
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

CREATE FUNCTION public.tablefor_sign_in(p_hash bytea) RETURNS TABLE(creator_id bigint, created boolean, next_path text)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO '$user', 'public'
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

CREATE FUNCTION public.tablefor_token_owner(p_hash bytea) RETURNS TABLE(token_id bigint, creator_id bigint, expires_at timestamp with time zone)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO '$user', 'public'
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

CREATE TABLE public.api_tokens (
    id bigint NOT NULL,
    creator_id bigint NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    name text DEFAULT 'API token'::text NOT NULL,
    expires_at timestamp with time zone,
    last_used_at timestamp with time zone,
    CONSTRAINT api_tokens_name_check CHECK (((length(name) >= 1) AND (length(name) <= 60)))
);

ALTER TABLE public.api_tokens ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.api_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.creator_identities (
    issuer text NOT NULL,
    subject text NOT NULL,
    creator_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.creators (
    id bigint NOT NULL,
    email text,
    display_name text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT creators_display_name_check CHECK ((length(display_name) <= 60)),
    CONSTRAINT creators_email_check CHECK (((email = lower(email)) AND (length(email) <= 254)))
);

ALTER TABLE public.creators ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.creators_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.dead_letters (
    id bigint NOT NULL,
    task text NOT NULL,
    arguments jsonb NOT NULL,
    error text NOT NULL,
    attempts integer NOT NULL,
    invite_id bigint,
    failed_at timestamp with time zone DEFAULT now() NOT NULL,
    replayed_at timestamp with time zone
);

ALTER TABLE public.dead_letters ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.dead_letters_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.invite_open_days (
    invite_id bigint NOT NULL,
    day date NOT NULL,
    opens bigint DEFAULT 0 NOT NULL,
    unique_opens bigint DEFAULT 0 NOT NULL,
    CONSTRAINT invite_open_days_opens_check CHECK ((opens >= 0)),
    CONSTRAINT invite_open_days_unique_opens_check CHECK ((unique_opens >= 0))
);

CREATE TABLE public.invite_viewers (
    invite_id bigint NOT NULL,
    day date NOT NULL,
    viewer bytea NOT NULL,
    CONSTRAINT invite_viewers_viewer_check CHECK ((length(viewer) = 8))
);

CREATE TABLE public.invites (
    id bigint NOT NULL,
    slug text NOT NULL,
    creator_id bigint NOT NULL,
    restaurant_id bigint,
    status text DEFAULT 'active'::text NOT NULL,
    source text NOT NULL,
    title text,
    message text,
    host_name text,
    restaurant_name text NOT NULL,
    area text,
    city text,
    swiggy_restaurant_id text,
    starts_at timestamp with time zone NOT NULL,
    timezone text NOT NULL,
    party_size integer,
    booking_id text,
    offer text,
    enrich_state text DEFAULT 'pending'::text NOT NULL,
    enrich_attempts integer DEFAULT 0 NOT NULL,
    revision integer DEFAULT 0 NOT NULL,
    revised_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    published_version integer DEFAULT 0 NOT NULL,
    published_at timestamp with time zone,
    og_image_key text,
    og_inputs_hash text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    cancelled_at timestamp with time zone,
    close_when_full boolean DEFAULT false NOT NULL,
    publish_lease uuid,
    publish_lease_until timestamp with time zone,
    swiggy_id_ignored boolean DEFAULT false NOT NULL,
    publish_failed_at timestamp with time zone,
    publish_starts integer DEFAULT 0 NOT NULL,
    max_answers integer,
    parse_outcome text,
    CONSTRAINT invites_enrich_state_check CHECK ((enrich_state = ANY (ARRAY['pending'::text, 'done'::text, 'failed'::text, 'skipped'::text]))),
    CONSTRAINT invites_max_answers_check CHECK (((max_answers >= 1) AND (max_answers <= 200))),
    CONSTRAINT invites_parse_outcome_check CHECK ((parse_outcome = ANY (ARRAY['complete'::text, 'warnings'::text, 'incomplete'::text]))),
    CONSTRAINT invites_party_size_check CHECK (((party_size >= 1) AND (party_size <= 50))),
    CONSTRAINT invites_slug_check CHECK ((slug ~ '^[A-Za-z0-9_-]{12,14}$'::text)),
    CONSTRAINT invites_status_check CHECK ((status = ANY (ARRAY['active'::text, 'cancelled'::text]))),
    CONSTRAINT invites_swiggy_restaurant_id_check CHECK ((swiggy_restaurant_id ~ '^[0-9]{1,20}$'::text))
);

ALTER TABLE public.invites ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.invites_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.open_batches (
    name text NOT NULL,
    lines integer NOT NULL,
    ingested_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.restaurant_lookups (
    lookup_key text NOT NULL,
    restaurant_id bigint,
    looked_up_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.restaurants (
    id bigint NOT NULL,
    place_ref text NOT NULL,
    name text,
    address text,
    latitude double precision,
    longitude double precision,
    rating numeric(2,1),
    rating_count integer,
    price_level text,
    maps_uri text,
    website text,
    photo_key text,
    photo_width integer,
    photo_height integer,
    photo_credit text,
    provider text,
    looked_up_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    photo_expires_at timestamp with time zone,
    photo_credit_url text,
    CONSTRAINT restaurants_maps_uri_http CHECK ((maps_uri ~* '^https?://[^/[:space:]]'::text)),
    CONSTRAINT restaurants_photo_credit_url_http CHECK ((photo_credit_url ~* '^https?://[^/[:space:]]'::text)),
    CONSTRAINT restaurants_website_http CHECK ((website ~* '^https?://[^/[:space:]]'::text))
);

ALTER TABLE public.restaurants ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.restaurants_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.rsvps (
    id bigint NOT NULL,
    invite_id bigint NOT NULL,
    participant_key_hash bytea NOT NULL,
    name text NOT NULL,
    answer text NOT NULL,
    guests integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    CONSTRAINT rsvps_answer_check CHECK ((answer = ANY (ARRAY['IN'::text, 'MAYBE'::text, 'OUT'::text]))),
    CONSTRAINT rsvps_guests_check CHECK (((guests >= 0) AND (guests <= 10))),
    CONSTRAINT rsvps_name_check CHECK (((length(name) >= 1) AND (length(name) <= 60)))
);

ALTER TABLE public.rsvps ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.rsvps_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.schema_migrations (
    version text NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.sessions (
    id bigint NOT NULL,
    creator_id bigint NOT NULL,
    secret_hash bytea NOT NULL,
    method text DEFAULT 'email'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    CONSTRAINT sessions_method_check CHECK ((method = 'email'::text))
);

ALTER TABLE public.sessions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.sessions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.sign_in_requests (
    id uuid NOT NULL,
    email text NOT NULL,
    next_path text,
    token_hash bytea,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    failed_at timestamp with time zone,
    expires_at timestamp with time zone,
    used_at timestamp with time zone,
    CONSTRAINT sign_in_requests_email_check CHECK (((email = lower(email)) AND (length(email) <= 254))),
    CONSTRAINT sign_in_requests_next_path_check CHECK ((length(next_path) <= 512))
);

CREATE TABLE public.storage_removals (
    id bigint NOT NULL,
    invite_id bigint,
    slug text,
    object_key text,
    prefix text,
    due_at timestamp with time zone NOT NULL,
    passes integer DEFAULT 1 NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    failed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT storage_removals_check CHECK (((object_key IS NULL) <> (prefix IS NULL))),
    CONSTRAINT storage_removals_passes_check CHECK ((passes >= 1)),
    CONSTRAINT storage_removals_slug_or_prefix CHECK (((slug IS NOT NULL) OR (prefix IS NOT NULL)))
);

ALTER TABLE public.storage_removals ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.storage_removals_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);

ALTER TABLE ONLY public.creator_identities
    ADD CONSTRAINT creator_identities_pkey PRIMARY KEY (issuer, subject);

ALTER TABLE ONLY public.creators
    ADD CONSTRAINT creators_email_key UNIQUE (email);

ALTER TABLE ONLY public.creators
    ADD CONSTRAINT creators_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.dead_letters
    ADD CONSTRAINT dead_letters_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.invite_open_days
    ADD CONSTRAINT invite_open_days_pkey PRIMARY KEY (invite_id, day);

ALTER TABLE ONLY public.invite_viewers
    ADD CONSTRAINT invite_viewers_pkey PRIMARY KEY (invite_id, day, viewer);

ALTER TABLE ONLY public.invites
    ADD CONSTRAINT invites_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.invites
    ADD CONSTRAINT invites_slug_key UNIQUE (slug);

ALTER TABLE ONLY public.open_batches
    ADD CONSTRAINT open_batches_pkey PRIMARY KEY (name);

ALTER TABLE ONLY public.restaurant_lookups
    ADD CONSTRAINT restaurant_lookups_pkey PRIMARY KEY (lookup_key);

ALTER TABLE ONLY public.restaurants
    ADD CONSTRAINT restaurants_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.restaurants
    ADD CONSTRAINT restaurants_place_ref_key UNIQUE (place_ref);

ALTER TABLE ONLY public.rsvps
    ADD CONSTRAINT rsvps_invite_id_participant_key_hash_key UNIQUE (invite_id, participant_key_hash);

ALTER TABLE ONLY public.rsvps
    ADD CONSTRAINT rsvps_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_secret_hash_key UNIQUE (secret_hash);

ALTER TABLE ONLY public.sign_in_requests
    ADD CONSTRAINT sign_in_requests_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.sign_in_requests
    ADD CONSTRAINT sign_in_requests_token_hash_key UNIQUE (token_hash);

ALTER TABLE ONLY public.storage_removals
    ADD CONSTRAINT storage_removals_pkey PRIMARY KEY (id);

CREATE INDEX api_tokens_by_creator ON public.api_tokens USING btree (creator_id) WHERE (revoked_at IS NULL);

CREATE INDEX creator_identities_by_creator ON public.creator_identities USING btree (creator_id);

CREATE INDEX dead_letters_open ON public.dead_letters USING btree (failed_at) WHERE (replayed_at IS NULL);

CREATE INDEX invite_open_days_by_day ON public.invite_open_days USING btree (day);

CREATE INDEX invite_viewers_by_day ON public.invite_viewers USING btree (day);

CREATE INDEX invites_by_creator ON public.invites USING btree (creator_id, id DESC);

CREATE INDEX invites_by_restaurant ON public.invites USING btree (restaurant_id);

CREATE INDEX invites_by_swiggy_id ON public.invites USING btree (swiggy_restaurant_id, restaurant_id) WHERE (swiggy_restaurant_id IS NOT NULL);

CREATE INDEX invites_enrich_pending ON public.invites USING btree (updated_at) WHERE (enrich_state = 'pending'::text);

CREATE INDEX invites_unpublished ON public.invites USING btree (updated_at) WHERE ((published_version < version) AND (publish_failed_at IS NULL));

CREATE INDEX restaurants_details_expiry ON public.restaurants USING btree (expires_at) WHERE (expires_at IS NOT NULL);

CREATE INDEX restaurants_photo_expiry ON public.restaurants USING btree (photo_expires_at) WHERE (photo_expires_at IS NOT NULL);

CREATE INDEX sessions_by_creator ON public.sessions USING btree (creator_id) WHERE (revoked_at IS NULL);

CREATE INDEX sign_in_requests_by_age ON public.sign_in_requests USING btree (created_at);

CREATE INDEX sign_in_requests_unsent ON public.sign_in_requests USING btree (created_at) WHERE ((sent_at IS NULL) AND (failed_at IS NULL));

CREATE INDEX storage_removals_by_invite ON public.storage_removals USING btree (invite_id);

CREATE INDEX storage_removals_due ON public.storage_removals USING btree (due_at) WHERE (failed_at IS NULL);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_creator_id_fkey FOREIGN KEY (creator_id) REFERENCES public.creators(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.creator_identities
    ADD CONSTRAINT creator_identities_creator_id_fkey FOREIGN KEY (creator_id) REFERENCES public.creators(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.dead_letters
    ADD CONSTRAINT dead_letters_invite_id_fkey FOREIGN KEY (invite_id) REFERENCES public.invites(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.invite_open_days
    ADD CONSTRAINT invite_open_days_invite_id_fkey FOREIGN KEY (invite_id) REFERENCES public.invites(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.invite_viewers
    ADD CONSTRAINT invite_viewers_invite_id_fkey FOREIGN KEY (invite_id) REFERENCES public.invites(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.invites
    ADD CONSTRAINT invites_creator_id_fkey FOREIGN KEY (creator_id) REFERENCES public.creators(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.invites
    ADD CONSTRAINT invites_restaurant_id_fkey FOREIGN KEY (restaurant_id) REFERENCES public.restaurants(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.restaurant_lookups
    ADD CONSTRAINT restaurant_lookups_restaurant_id_fkey FOREIGN KEY (restaurant_id) REFERENCES public.restaurants(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.rsvps
    ADD CONSTRAINT rsvps_invite_id_fkey FOREIGN KEY (invite_id) REFERENCES public.invites(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_creator_id_fkey FOREIGN KEY (creator_id) REFERENCES public.creators(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.storage_removals
    ADD CONSTRAINT storage_removals_invite_id_fkey FOREIGN KEY (invite_id) REFERENCES public.invites(id) ON DELETE SET NULL;

CREATE POLICY anyone_asks ON public.sign_in_requests FOR INSERT TO tablefor_api WITH CHECK (true);

ALTER TABLE public.api_tokens ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.creator_identities ENABLE ROW LEVEL SECURITY;

CREATE POLICY creator_own ON public.api_tokens TO tablefor_api USING ((creator_id = public.tablefor_creator()));

CREATE POLICY creator_own ON public.creator_identities TO tablefor_api USING ((creator_id = public.tablefor_creator()));

CREATE POLICY creator_own ON public.invites TO tablefor_api USING ((creator_id = public.tablefor_creator()));

CREATE POLICY creator_own ON public.sessions TO tablefor_api USING ((creator_id = public.tablefor_creator()));

CREATE POLICY creator_self ON public.creators TO tablefor_api USING ((id = public.tablefor_creator()));

ALTER TABLE public.creators ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.invites ENABLE ROW LEVEL SECURITY;

CREATE POLICY recipient_counts ON public.invites FOR UPDATE TO tablefor_api USING ((slug = public.tablefor_answering()));

CREATE POLICY recipient_reads ON public.invites FOR SELECT TO tablefor_api USING ((slug = public.tablefor_answering()));

ALTER TABLE public.rsvps ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.sessions ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.sign_in_requests ENABLE ROW LEVEL SECURITY;

CREATE POLICY through_invite ON public.rsvps TO tablefor_api USING ((EXISTS ( SELECT 1
   FROM public.invites i
  WHERE (i.id = rsvps.invite_id))));

CREATE POLICY worker_all ON public.invites TO tablefor_worker USING (true) WITH CHECK (true);

CREATE POLICY worker_all ON public.rsvps TO tablefor_worker USING (true) WITH CHECK (true);

CREATE POLICY worker_all ON public.sign_in_requests TO tablefor_worker USING (true) WITH CHECK (true);

CREATE POLICY worker_reads ON public.creators FOR SELECT TO tablefor_worker USING (true);
