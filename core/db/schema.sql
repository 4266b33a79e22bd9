CREATE TABLE public.api_tokens (
    id bigint NOT NULL,
    creator_id bigint NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone
);

ALTER TABLE public.api_tokens ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.api_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.creators (
    id bigint NOT NULL,
    email text NOT NULL,
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
    CONSTRAINT invites_enrich_state_check CHECK ((enrich_state = ANY (ARRAY['pending'::text, 'done'::text, 'failed'::text, 'skipped'::text]))),
    CONSTRAINT invites_max_answers_check CHECK (((max_answers >= 1) AND (max_answers <= 200))),
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

ALTER TABLE ONLY public.creators
    ADD CONSTRAINT creators_email_key UNIQUE (email);

ALTER TABLE ONLY public.creators
    ADD CONSTRAINT creators_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.dead_letters
    ADD CONSTRAINT dead_letters_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.invites
    ADD CONSTRAINT invites_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.invites
    ADD CONSTRAINT invites_slug_key UNIQUE (slug);

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

ALTER TABLE ONLY public.storage_removals
    ADD CONSTRAINT storage_removals_pkey PRIMARY KEY (id);

CREATE INDEX dead_letters_open ON public.dead_letters USING btree (failed_at) WHERE (replayed_at IS NULL);

CREATE INDEX invites_by_creator ON public.invites USING btree (creator_id, id DESC);

CREATE INDEX invites_by_restaurant ON public.invites USING btree (restaurant_id);

CREATE INDEX invites_by_swiggy_id ON public.invites USING btree (swiggy_restaurant_id, restaurant_id) WHERE (swiggy_restaurant_id IS NOT NULL);

CREATE INDEX invites_enrich_pending ON public.invites USING btree (updated_at) WHERE (enrich_state = 'pending'::text);

CREATE INDEX invites_unpublished ON public.invites USING btree (updated_at) WHERE ((published_version < version) AND (publish_failed_at IS NULL));

CREATE INDEX restaurants_details_expiry ON public.restaurants USING btree (expires_at) WHERE (expires_at IS NOT NULL);

CREATE INDEX restaurants_photo_expiry ON public.restaurants USING btree (photo_expires_at) WHERE (photo_expires_at IS NOT NULL);

CREATE INDEX storage_removals_by_invite ON public.storage_removals USING btree (invite_id);

CREATE INDEX storage_removals_due ON public.storage_removals USING btree (due_at) WHERE (failed_at IS NULL);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_creator_id_fkey FOREIGN KEY (creator_id) REFERENCES public.creators(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.dead_letters
    ADD CONSTRAINT dead_letters_invite_id_fkey FOREIGN KEY (invite_id) REFERENCES public.invites(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.invites
    ADD CONSTRAINT invites_creator_id_fkey FOREIGN KEY (creator_id) REFERENCES public.creators(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.invites
    ADD CONSTRAINT invites_restaurant_id_fkey FOREIGN KEY (restaurant_id) REFERENCES public.restaurants(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.restaurant_lookups
    ADD CONSTRAINT restaurant_lookups_restaurant_id_fkey FOREIGN KEY (restaurant_id) REFERENCES public.restaurants(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.rsvps
    ADD CONSTRAINT rsvps_invite_id_fkey FOREIGN KEY (invite_id) REFERENCES public.invites(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.storage_removals
    ADD CONSTRAINT storage_removals_invite_id_fkey FOREIGN KEY (invite_id) REFERENCES public.invites(id) ON DELETE SET NULL;
