-- The Chatwoot tables that givetake.chatwoot_view reads, in schema chatwoot,
-- with Chatwoot's column names and types (db/schema.rb, Rails 7.1: string =
-- character varying, datetime precision nil = timestamp, datetime = timestamp(6)),
-- the columns the mapping needs plus a few of the others.
CREATE SCHEMA chatwoot;

CREATE TABLE chatwoot.accounts (
    id serial PRIMARY KEY,
    name character varying NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    locale integer DEFAULT 0,
    domain character varying(100),
    support_email character varying(100),
    feature_flags bigint DEFAULT 0 NOT NULL,
    auto_resolve_duration integer,
    limits jsonb DEFAULT '{}',
    custom_attributes jsonb DEFAULT '{}',
    status integer DEFAULT 0);

CREATE TABLE chatwoot.users (
    id serial PRIMARY KEY,
    provider character varying DEFAULT 'email' NOT NULL,
    uid character varying DEFAULT '' NOT NULL,
    encrypted_password character varying DEFAULT '' NOT NULL,
    name character varying NOT NULL,
    display_name character varying,
    email character varying,
    tokens json,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    pubsub_token character varying,
    availability integer DEFAULT 0,
    ui_settings jsonb DEFAULT '{}',
    custom_attributes jsonb DEFAULT '{}',
    type character varying,
    message_signature text);

CREATE TABLE chatwoot.agent_bots (
    id bigserial PRIMARY KEY,
    name character varying,
    description character varying,
    outgoing_url character varying,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL,
    account_id bigint,
    bot_type integer DEFAULT 0,
    bot_config jsonb DEFAULT '{}');

CREATE TABLE chatwoot.inboxes (
    id serial PRIMARY KEY,
    channel_id integer NOT NULL,
    account_id integer NOT NULL,
    name character varying NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    channel_type character varying,
    enable_auto_assignment boolean DEFAULT true,
    greeting_enabled boolean DEFAULT false,
    greeting_message character varying,
    email_address character varying,
    working_hours_enabled boolean DEFAULT false,
    out_of_office_message character varying,
    timezone character varying DEFAULT 'UTC',
    csat_survey_enabled boolean DEFAULT false,
    allow_messages_after_resolved boolean DEFAULT true,
    lock_to_single_conversation boolean DEFAULT false NOT NULL);

CREATE TABLE chatwoot.contacts (
    id serial PRIMARY KEY,
    name character varying DEFAULT '',
    email character varying,
    phone_number character varying,
    account_id integer NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    additional_attributes jsonb DEFAULT '{}',
    identifier character varying,
    custom_attributes jsonb DEFAULT '{}',
    last_activity_at timestamp without time zone,
    contact_type integer DEFAULT 0,
    middle_name character varying DEFAULT '',
    last_name character varying DEFAULT '',
    blocked boolean DEFAULT false NOT NULL);

CREATE TABLE chatwoot.conversations (
    id serial PRIMARY KEY,
    account_id integer NOT NULL,
    inbox_id integer NOT NULL,
    status integer DEFAULT 0 NOT NULL,
    assignee_id integer,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    contact_id bigint,
    display_id integer NOT NULL,
    contact_last_seen_at timestamp without time zone,
    agent_last_seen_at timestamp without time zone,
    additional_attributes jsonb DEFAULT '{}',
    contact_inbox_id bigint,
    uuid uuid DEFAULT gen_random_uuid() NOT NULL,
    identifier character varying,
    last_activity_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    team_id bigint,
    campaign_id bigint,
    snoozed_until timestamp without time zone,
    custom_attributes jsonb DEFAULT '{}',
    first_reply_created_at timestamp without time zone,
    priority integer,
    waiting_since timestamp(6) without time zone);

CREATE TABLE chatwoot.messages (
    id serial PRIMARY KEY,
    content text,
    account_id integer NOT NULL,
    inbox_id integer NOT NULL,
    conversation_id integer NOT NULL,
    message_type integer NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    private boolean DEFAULT false NOT NULL,
    status integer DEFAULT 0,
    source_id character varying,
    content_type integer DEFAULT 0 NOT NULL,
    content_attributes json DEFAULT '{}',
    sender_type character varying,
    sender_id bigint,
    external_source_ids jsonb DEFAULT '{}',
    additional_attributes jsonb DEFAULT '{}',
    processed_message_content text,
    sentiment jsonb DEFAULT '{}');
CREATE INDEX index_messages_on_conversation_id ON chatwoot.messages (conversation_id);

CREATE TABLE chatwoot.attachments (
    id serial PRIMARY KEY,
    file_type integer DEFAULT 0,
    external_url character varying,
    coordinates_lat double precision DEFAULT 0.0,
    coordinates_long double precision DEFAULT 0.0,
    message_id integer NOT NULL,
    account_id integer NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    fallback_title character varying,
    extension character varying,
    meta jsonb DEFAULT '{}');
CREATE INDEX index_attachments_on_message_id ON chatwoot.attachments (message_id);
