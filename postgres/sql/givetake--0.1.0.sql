-- GiveTake 0.1.0. Every number is computed by libgivetake; see
-- docs/metrics.md for their meaning and docs/postgres.md for this API.
\echo Use "CREATE EXTENSION givetake" to load this file. \quit

-- ---- Configuration data ---------------------------------------------------

-- The lexicon table's CHECK: true, or an ERROR with libgivetake's reason
-- (blank phrase, phrase over 256 bytes in UTF-8, unknown <pattern>, weight
-- outside 0..1000, text not convertible to UTF-8), so that the table holds
-- exactly the rows the library accepts.
CREATE FUNCTION givetake._check_cue(phrase text, category text, weight float8) RETURNS boolean
    AS 'MODULE_PATHNAME', 'gt_pg_check_cue' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION givetake._check_cue(text, text, float8) IS
    'CHECK of givetake.lexicon: raises the library''s reason for a cue it rejects (internal)';

-- User cues. givetake.lexicon_mode decides how they combine with the
-- built-in lexicon: extend (default), replace or builtin (table ignored).
CREATE TABLE givetake.lexicon (
    phrase   text PRIMARY KEY,
    category text NOT NULL CONSTRAINT lexicon_category_known CHECK (category IN ('teaching',
        'helping', 'crediting', 'inviting', 'responsibility', 'give', 'selling', 'self_promotion',
        'take', 'negation')),
    weight   float8 NOT NULL CONSTRAINT lexicon_weight_0_to_1000 CHECK (weight >= 0 AND weight <= 1000),
    CONSTRAINT lexicon_cue_accepted CHECK (givetake._check_cue(phrase, category, weight))
);
COMMENT ON TABLE givetake.lexicon IS
    'User lexicon: phrase, category, weight (0 disables a built-in cue); combined per givetake.lexicon_mode';
SELECT pg_catalog.pg_extension_config_dump('givetake.lexicon', '');

-- One row; bumped by every change of givetake.lexicon so that backends
-- know when to recompile their cached lexicon (transactional, unlike a
-- sequence, so a rolled-back change cannot leave a stale cache behind).
CREATE TABLE givetake.lexicon_state (
    version bigint NOT NULL
);
INSERT INTO givetake.lexicon_state VALUES (0);
COMMENT ON TABLE givetake.lexicon_state IS 'Change counter of givetake.lexicon (internal)';
REVOKE ALL ON givetake.lexicon_state FROM PUBLIC;
GRANT SELECT ON givetake.lexicon, givetake.lexicon_state TO PUBLIC;

CREATE FUNCTION givetake._lexicon_bump() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
AS $$
BEGIN
    UPDATE givetake.lexicon_state SET version = version + 1;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION givetake._lexicon_bump() IS 'Trigger: invalidates cached lexicons (internal)';
REVOKE ALL ON FUNCTION givetake._lexicon_bump() FROM PUBLIC;

CREATE TRIGGER lexicon_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON givetake.lexicon
    FOR EACH STATEMENT EXECUTE FUNCTION givetake._lexicon_bump();

-- ---- Per-text functions ----------------------------------------------------

CREATE FUNCTION givetake.version() RETURNS text
    AS 'MODULE_PATHNAME', 'gt_pg_version' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION givetake.version() IS 'Version of the linked libgivetake';

-- These read givetake.lexicon (unless lexicon_mode = builtin): STABLE.
CREATE FUNCTION givetake.classify(text) RETURNS text
    AS 'MODULE_PATHNAME', 'gt_pg_classify' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION givetake.classify(text) IS
    'give, take or neutral: give if give_score - take_score >= 1, take if take_score - give_score >= 1';

-- The built-in lexicon only, whatever the table and lexicon_mode say.
CREATE FUNCTION givetake.classify_builtin(text) RETURNS text
    AS 'MODULE_PATHNAME', 'gt_pg_classify_builtin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION givetake.classify_builtin(text) IS
    'classify with the built-in lexicon only; IMMUTABLE, so usable in indexes and shipped by postgres_fdw';

CREATE FUNCTION givetake.give_score(text) RETURNS float8
    AS 'MODULE_PATHNAME', 'gt_pg_give_score' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION givetake.give_score(text) IS 'Sum of the weights of the give cues that fire in the text';

CREATE FUNCTION givetake.take_score(text) RETURNS float8
    AS 'MODULE_PATHNAME', 'gt_pg_take_score' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION givetake.take_score(text) IS 'Sum of the weights of the take cues that fire in the text';

CREATE FUNCTION givetake.explain(body text,
        OUT cue text, OUT category text, OUT weight float8, OUT "offset" int, OUT length int)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'gt_pg_explain' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION givetake.explain(text) IS
    'Every give/take cue that fired: matched text, category, weight, byte offset and byte length';

CREATE FUNCTION givetake.first_name(author_name text) RETURNS text
    AS 'MODULE_PATHNAME', 'gt_pg_first_name' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION givetake.first_name(text) IS
    'First run of at least 2 letters in a display name, or NULL';

CREATE FUNCTION givetake.is_personal(reply text, author_name text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'gt_pg_is_personal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION givetake.is_personal(text, text) IS
    'True when the reply contains the author''s first name as a word; false when either is NULL';

CREATE FUNCTION givetake.is_appreciative(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'gt_pg_is_appreciative' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION givetake.is_appreciative(text) IS
    'True for thank*/appreciat*/grateful*/thx/good catch/great question/great point; false for NULL';

CREATE FUNCTION givetake.parse_lexicon(content text,
        OUT phrase text, OUT category text, OUT weight float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'gt_pg_parse_lexicon' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION givetake.parse_lexicon(text) IS
    'Cues of a lexicon file (phrase<TAB>category<TAB>weight lines), e.g. to INSERT INTO givetake.lexicon';

CREATE FUNCTION givetake.active_lexicon(OUT phrase text, OUT category text, OUT weight float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'gt_pg_active_lexicon' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION givetake.active_lexicon() IS
    'Every cue in force under givetake.lexicon_mode, in load order';

-- ---- Aggregates ------------------------------------------------------------

-- Transition states are plain bytea values with a versioned little-endian
-- layout (docs/postgres.md, "Aggregate states"), not `internal`: parallel
-- workers pass them as they are, and Citus pushes the aggregates down to
-- its workers and combines their states on the coordinator. Called as an
-- aggregate, the functions update the state in place. Every function
-- checks a state's layout first: a malformed bytea is an ERROR.

CREATE FUNCTION givetake._text_accum(bytea, text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gt_pg_text_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION givetake._text_combine(bytea, bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gt_pg_text_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION givetake._give_ratio_final(bytea) RETURNS float8
    AS 'MODULE_PATHNAME', 'gt_pg_give_ratio_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION givetake._me_index_final(bytea) RETURNS float8
    AS 'MODULE_PATHNAME', 'gt_pg_me_index_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION givetake._text_accum(bytea, text) IS
    'give_ratio/me_index transition: classifies the text into the counts state (internal)';
COMMENT ON FUNCTION givetake._text_combine(bytea, bytea) IS
    'give_ratio/me_index combine: adds two counts states (internal)';
COMMENT ON FUNCTION givetake._give_ratio_final(bytea) IS 'give_ratio final: give / (give + take) of a counts state (internal)';
COMMENT ON FUNCTION givetake._me_index_final(bytea) IS 'me_index final: we / (we + you) of a counts state (internal)';

-- Both share one transition state: a query using both classifies once.
CREATE AGGREGATE givetake.give_ratio(text) (
    SFUNC = givetake._text_accum, STYPE = bytea, SSPACE = 52,
    FINALFUNC = givetake._give_ratio_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = givetake._text_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE givetake.give_ratio(text) IS
    'give / (give + take) over the classified texts; NULL when none is give or take';

CREATE AGGREGATE givetake.me_index(text) (
    SFUNC = givetake._text_accum, STYPE = bytea, SSPACE = 52,
    FINALFUNC = givetake._me_index_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = givetake._text_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE givetake.me_index(text) IS
    'we-words / (we-words + you-words) over the texts; NULL when there are none';

CREATE TYPE givetake.ack_summary AS (n bigint, median_s float8, p90_s float8);
COMMENT ON TYPE givetake.ack_summary IS 'Result of ack_time_stats: count, median and p90 in seconds';

CREATE FUNCTION givetake._ack_accum(bytea, float8) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gt_pg_ack_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION givetake._ack_accum(bytea, interval) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gt_pg_ack_accum_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION givetake._ack_accum_p(bytea, float8, float8) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gt_pg_ack_accum_p' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION givetake._ack_combine(bytea, bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gt_pg_ack_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION givetake._ack_stats_final(bytea) RETURNS givetake.ack_summary
    AS 'MODULE_PATHNAME', 'gt_pg_ack_stats_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION givetake._ack_percentile_final(bytea) RETURNS float8
    AS 'MODULE_PATHNAME', 'gt_pg_ack_percentile_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION givetake._ack_accum(bytea, float8) IS
    'ack_time_stats transition: adds a time in seconds to the histogram state (internal)';
COMMENT ON FUNCTION givetake._ack_accum(bytea, interval) IS
    'ack_time_stats transition: adds an interval (its epoch seconds) to the histogram state (internal)';
COMMENT ON FUNCTION givetake._ack_accum_p(bytea, float8, float8) IS
    'ack_time_percentile transition: adds a time in seconds and records p (internal)';
COMMENT ON FUNCTION givetake._ack_combine(bytea, bytea) IS
    'ack_time_* combine: adds two histogram states (internal)';
COMMENT ON FUNCTION givetake._ack_stats_final(bytea) IS
    'ack_time_stats final: (n, median_s, p90_s) of a histogram state (internal)';
COMMENT ON FUNCTION givetake._ack_percentile_final(bytea) IS
    'ack_time_percentile final: percentile p of a histogram state (internal)';

-- SSPACE: times of up to a day fill 1024 buckets (8224 bytes).
CREATE AGGREGATE givetake.ack_time_stats(seconds float8) (
    SFUNC = givetake._ack_accum, STYPE = bytea, SSPACE = 8224,
    FINALFUNC = givetake._ack_stats_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = givetake._ack_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE givetake.ack_time_stats(float8) IS
    '(n, median_s, p90_s) of times to acknowledge in seconds, from a mergeable histogram (within 1 s or 1 %)';

CREATE AGGREGATE givetake.ack_time_stats(time_to_ack interval) (
    SFUNC = givetake._ack_accum, STYPE = bytea, SSPACE = 8224,
    FINALFUNC = givetake._ack_stats_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = givetake._ack_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE givetake.ack_time_stats(interval) IS
    '(n, median_s, p90_s) of times to acknowledge, from a mergeable histogram (within 1 s or 1 %)';

CREATE AGGREGATE givetake.ack_time_percentile(seconds float8, p float8) (
    SFUNC = givetake._ack_accum_p, STYPE = bytea, SSPACE = 8224,
    FINALFUNC = givetake._ack_percentile_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = givetake._ack_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE givetake.ack_time_percentile(float8, float8) IS
    'percentile_disc(p) of times to acknowledge in seconds, from a mergeable histogram (within 1 s or 1 %)';

-- ---- Business hours ---------------------------------------------------------

-- The time between two instants during which a schedule is open (spec
-- section 3b). Zone rules are PostgreSQL's; a local time in a spring gap
-- is the first instant after it, one that exists twice the first of them.
CREATE FUNCTION givetake.business_seconds("from" timestamptz, "to" timestamptz,
        time_zone text DEFAULT 'UTC', hours text DEFAULT NULL, holidays date[] DEFAULT '{}')
    RETURNS float8
    AS 'MODULE_PATHNAME', 'gt_pg_business_seconds'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION givetake.business_seconds(timestamptz, timestamptz, text, text, date[]) IS
    'Business seconds between two instants under a schedule (zone, hours like ''Mon-Fri 09:00-17:00'', holidays)';

-- Business schedules. Lookup for a turn of account a on channel c: row
-- (a, c), else (a, NULL), else (NULL, c), else (NULL, NULL); with none
-- the account is always open in UTC. hours NULL = always open (the zone
-- still sets local dates for holidays and periods).
CREATE TABLE givetake.schedules (
    account_id bigint NULL,
    channel    text NULL CHECK (channel IN ('twitter', 'facebook', 'instagram', 'linkedin', 'other')),
    time_zone  text NOT NULL DEFAULT 'UTC',
    hours      text NULL,
    holidays   date[] NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX schedules_key ON givetake.schedules (account_id, channel) NULLS NOT DISTINCT;
COMMENT ON TABLE givetake.schedules IS
    'Business hours per account (and account x channel; NULL = every one): IANA zone, hours text, holiday dates';
SELECT pg_catalog.pg_extension_config_dump('givetake.schedules', '');
GRANT SELECT ON givetake.schedules TO PUBLIC;

-- Reject a bad schedule when it is written, naming the row.
CREATE FUNCTION givetake._schedules_check() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM givetake.business_seconds(now(), now(), NEW.time_zone, NEW.hours, NEW.holidays);
    RETURN NEW;
EXCEPTION WHEN invalid_parameter_value THEN
    RAISE EXCEPTION 'givetake.schedules (account_id %, channel %): %',
        coalesce(NEW.account_id::text, 'NULL'), coalesce(NEW.channel, 'NULL'),
        regexp_replace(SQLERRM, '^givetake: schedule of business_seconds: ', '')
        USING ERRCODE = 'invalid_parameter_value';
END
$$;
CREATE TRIGGER schedules_check BEFORE INSERT OR UPDATE ON givetake.schedules
    FOR EACH ROW EXECUTE FUNCTION givetake._schedules_check();

-- ---- Bulk scoring ----------------------------------------------------------

CREATE FUNCTION givetake.score_accounts(source regclass, as_of timestamptz DEFAULT NULL)
    RETURNS TABLE (account_id bigint, channel text, needs_ack bigint, pending bigint,
        acknowledged bigint, ack_rate float8, personal_rate float8, appreciative_rate float8,
        sla_rate float8, median_ack_s float8, p90_ack_s float8, median_ack_business_s float8,
        p90_ack_business_s float8, give_posts bigint,
        take_posts bigint, neutral_posts bigint, give_ratio float8, me_index float8,
        reply_share float8, channel_fit float8, contacts bigint, mean_trust float8,
        conv_rate_ack float8, conv_rate_ignored float8, conversion_lift float8,
        value_per_ack_contact float8, give_attributed_leads bigint, health float8,
        anomalies bigint, account_name text)
    AS 'MODULE_PATHNAME', 'gt_pg_score_accounts'
    LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 1000;
COMMENT ON FUNCTION givetake.score_accounts(regclass, timestamptz) IS
    'Spec section 7 rows per account (channel NULL = all channels) and per account x channel, in one pass over source';

CREATE FUNCTION givetake.score_contacts(source regclass, as_of timestamptz DEFAULT NULL)
    RETURNS TABLE (account_id bigint, contact_id bigint, balance float8, trust_score int,
        acknowledged bigint, unacknowledged bigint, last_interaction_at timestamptz)
    AS 'MODULE_PATHNAME', 'gt_pg_score_contacts'
    LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10000;
COMMENT ON FUNCTION givetake.score_contacts(regclass, timestamptz) IS
    'Trust ledger rows per account x contact, in one pass over source';

CREATE FUNCTION givetake.score_turns(source regclass, as_of timestamptz DEFAULT NULL)
    RETURNS TABLE (account_id bigint, turn_id bigint, thread_id bigint, contact_id bigint,
        channel text, started_at timestamptz, inbound_rows bigint, status text,
        first_ack_id bigint, agent_id bigint, time_to_ack_s float8,
        business_time_to_ack_s float8, personal boolean, appreciative boolean,
        within_sla boolean, due_at timestamptz, account_name text)
    AS 'MODULE_PATHNAME', 'gt_pg_score_turns'
    LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10000;
COMMENT ON FUNCTION givetake.score_turns(regclass, timestamptz) IS
    'One row per turn (a customer''s needs-ack rows in a thread up to the answer); pending ones by due_at are the at-risk list';

CREATE FUNCTION givetake.score_agents(source regclass, as_of timestamptz DEFAULT NULL)
    RETURNS TABLE (account_id bigint, agent_id bigint, acknowledged bigint,
        median_ack_s float8, p90_ack_s float8, median_ack_business_s float8,
        p90_ack_business_s float8, personal_rate float8, appreciative_rate float8,
        sla_rate float8, give_posts bigint, take_posts bigint, give_ratio float8,
        me_index float8, account_name text)
    AS 'MODULE_PATHNAME', 'gt_pg_score_agents'
    LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 100;
COMMENT ON FUNCTION givetake.score_agents(regclass, timestamptz) IS
    'One row per account x agent_id (NULL: rows without an agent) that sent a first acknowledgement or an outbound row';

CREATE FUNCTION givetake.score_periods(source regclass, period text, as_of timestamptz DEFAULT NULL)
    RETURNS TABLE (account_id bigint, period_start date, needs_ack bigint, pending bigint,
        acknowledged bigint, ack_rate float8, personal_rate float8, appreciative_rate float8,
        sla_rate float8, median_ack_s float8, p90_ack_s float8, median_ack_business_s float8,
        p90_ack_business_s float8, give_posts bigint, take_posts bigint, neutral_posts bigint,
        give_ratio float8, me_index float8, reply_share float8, channel_fit float8,
        conv_rate_ack float8, conv_rate_ignored float8, conversion_lift float8,
        value_per_ack_contact float8, give_attributed_leads bigint, health float8,
        anomalies bigint, account_name text)
    AS 'MODULE_PATHNAME', 'gt_pg_score_periods'
    LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 1000;
COMMENT ON FUNCTION givetake.score_periods(regclass, text, timestamptz) IS
    'The account rows per account x day, week (ISO, from Monday) or month in the account''s time zone';

-- refresh_scores scores its source once: these variants share one scored
-- source between the calls that pass the same token (internal). The token
-- carries the refresh's period, so whichever call scores the source first
-- scores the period rows too.
CREATE FUNCTION givetake._refresh_token(period text DEFAULT NULL) RETURNS bigint
    AS 'MODULE_PATHNAME', 'gt_pg_refresh_token' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION givetake._refresh_token(text) IS
    'A token unique in this backend, for one refresh with period day, week, month or NULL (internal)';
CREATE FUNCTION givetake._score_accounts(source regclass, as_of timestamptz, token bigint)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'gt_pg_score_accounts' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION givetake._score_contacts(source regclass, as_of timestamptz, token bigint)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'gt_pg_score_contacts' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION givetake._score_turns(source regclass, as_of timestamptz, token bigint)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'gt_pg_score_turns' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION givetake._score_agents(source regclass, as_of timestamptz, token bigint)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'gt_pg_score_agents' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION givetake._score_accounts(regclass, timestamptz, bigint) IS
    'score_accounts sharing the scored source of one refresh token (internal)';
COMMENT ON FUNCTION givetake._score_contacts(regclass, timestamptz, bigint) IS
    'score_contacts sharing the scored source of one refresh token (internal)';
COMMENT ON FUNCTION givetake._score_turns(regclass, timestamptz, bigint) IS
    'score_turns sharing the scored source of one refresh token (internal)';
COMMENT ON FUNCTION givetake._score_agents(regclass, timestamptz, bigint) IS
    'score_agents sharing the scored source of one refresh token (internal)';
-- period must be the token's (an ERROR otherwise).
CREATE FUNCTION givetake._score_periods(source regclass, period text, as_of timestamptz, token bigint)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'gt_pg_score_periods' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION givetake._score_periods(regclass, text, timestamptz, bigint) IS
    'score_periods sharing the scored source of one refresh token with that period (internal)';

-- The score tables have exactly the columns of these functions' results:
-- one definition, shared with the givetake CLI (which writes the same
-- tables; see docs/postgres.md). Creates <schema>.<tab> from fn's result
-- columns when missing, adds columns an older version lacked, and returns
-- the column list for INSERT and the column definitions of fn's result.
-- Callers hold the score-table advisory lock.
CREATE FUNCTION givetake._score_table(target_schema name, tab name, fn regprocedure,
        OUT cols text, OUT coldefs text)
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    col record;
BEGIN
    cols := '';
    coldefs := '';
    FOR col IN
        SELECT u.name, format_type(u.typ, NULL) AS typ
        FROM pg_proc p, unnest(p.proargnames, p.proallargtypes, p.proargmodes)
             WITH ORDINALITY AS u(name, typ, mode, ord)
        WHERE p.oid = fn AND u.mode = 't' ORDER BY u.ord
    LOOP
        cols := cols || CASE WHEN cols = '' THEN '' ELSE ', ' END || quote_ident(col.name);
        coldefs := coldefs || CASE WHEN coldefs = '' THEN '' ELSE ', ' END
                   || quote_ident(col.name) || ' ' || col.typ;
    END LOOP;
    IF to_regclass(format('%I.%I', target_schema, tab)) IS NULL THEN
        EXECUTE format('CREATE TABLE %I.%I (%s)', target_schema, tab, coldefs);
    END IF;
    FOR col IN
        SELECT u.name, format_type(u.typ, NULL) AS typ
        FROM pg_proc p, unnest(p.proargnames, p.proallargtypes, p.proargmodes)
             WITH ORDINALITY AS u(name, typ, mode, ord)
        WHERE p.oid = fn AND u.mode = 't'
          AND NOT EXISTS (SELECT FROM pg_attribute
                          WHERE attrelid = format('%I.%I', target_schema, tab)::regclass
                            AND attname = u.name AND NOT attisdropped)
        ORDER BY u.ord
    LOOP
        EXECUTE format('ALTER TABLE %I.%I ADD COLUMN %I %s', target_schema, tab, col.name, col.typ);
    END LOOP;
END
$$;
COMMENT ON FUNCTION givetake._score_table(name, name, regprocedure) IS
    'Creates or completes a score table from a score function''s result columns (internal)';

-- Writes <target_schema>.account_scores, .contact_scores, .turn_scores and
-- .agent_scores, and with a period (day, week or month) .period_scores
-- (created when missing; default schema: the source's). All are replaced
-- in one statement from one scoring of the source, so they share a
-- snapshot and an ERROR or cancel leaves the previous scores untouched;
-- readers keep seeing them until commit. Without a period, period_scores
-- is left as it is. Creating and altering the tables is serialised by an
-- advisory lock, so concurrent first refreshes of a new schema queue up.
-- One function with period DEFAULT NULL (not an overload beside the
-- three-argument one, which would make every call ambiguous): calls
-- with one to three arguments work as before.
CREATE FUNCTION givetake.refresh_scores(source regclass, as_of timestamptz DEFAULT NULL,
        target_schema name DEFAULT NULL, period text DEFAULT NULL, OUT accounts bigint,
        OUT contacts bigint, OUT turns bigint, OUT agents bigint, OUT periods bigint)
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    schema name := coalesce(target_schema,
        (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid = source));
    a record;
    c record;
    t record;
    g record;
    p record;
    periods_cte text := '';
    periods_count text := 'NULL::bigint';
    -- an unknown period is an ERROR here, before any table is touched
    token bigint := givetake._refresh_token(period);
BEGIN
    IF source IS NULL THEN
        RAISE EXCEPTION 'givetake.refresh_scores: source must not be NULL';
    END IF;
    -- The same key as the givetake CLI ("givetake" in ASCII).
    PERFORM pg_advisory_xact_lock(7451617236577512293);
    a := givetake._score_table(schema, 'account_scores', 'givetake.score_accounts(regclass, timestamptz)');
    c := givetake._score_table(schema, 'contact_scores', 'givetake.score_contacts(regclass, timestamptz)');
    t := givetake._score_table(schema, 'turn_scores', 'givetake.score_turns(regclass, timestamptz)');
    g := givetake._score_table(schema, 'agent_scores', 'givetake.score_agents(regclass, timestamptz)');
    IF period IS NULL THEN
        -- Self-conflicting but reader-compatible: concurrent refreshes queue up.
        EXECUTE format('LOCK TABLE %1$I.account_scores, %1$I.contact_scores, %1$I.turn_scores, '
                       '%1$I.agent_scores IN SHARE ROW EXCLUSIVE MODE', schema);
    ELSE
        p := givetake._score_table(schema, 'period_scores',
                                   'givetake.score_periods(regclass, text, timestamptz)');
        EXECUTE format('LOCK TABLE %1$I.account_scores, %1$I.contact_scores, %1$I.turn_scores, '
                       '%1$I.agent_scores, %1$I.period_scores IN SHARE ROW EXCLUSIVE MODE', schema);
        periods_cte := format($p$,
        del_p AS (DELETE FROM %1$I.period_scores),
        ins_p AS (INSERT INTO %1$I.period_scores (%2$s)
                  SELECT %2$s FROM givetake._score_periods($1, $4, $2, $3) AS r(%3$s) RETURNING 1)$p$,
            schema, p.cols, p.coldefs);
        periods_count := '(SELECT count(*) FROM ins_p)';
    END IF;
    EXECUTE format($f$WITH
        del_a AS (DELETE FROM %1$I.account_scores),
        del_c AS (DELETE FROM %1$I.contact_scores),
        del_t AS (DELETE FROM %1$I.turn_scores),
        del_g AS (DELETE FROM %1$I.agent_scores),
        ins_a AS (INSERT INTO %1$I.account_scores (%2$s)
                  SELECT %2$s FROM givetake._score_accounts($1, $2, $3) AS r(%6$s) RETURNING 1),
        ins_c AS (INSERT INTO %1$I.contact_scores (%3$s)
                  SELECT %3$s FROM givetake._score_contacts($1, $2, $3) AS r(%7$s) RETURNING 1),
        ins_t AS (INSERT INTO %1$I.turn_scores (%4$s)
                  SELECT %4$s FROM givetake._score_turns($1, $2, $3) AS r(%8$s) RETURNING 1),
        ins_g AS (INSERT INTO %1$I.agent_scores (%5$s)
                  SELECT %5$s FROM givetake._score_agents($1, $2, $3) AS r(%9$s) RETURNING 1)%10$s
        SELECT (SELECT count(*) FROM ins_a), (SELECT count(*) FROM ins_c),
               (SELECT count(*) FROM ins_t), (SELECT count(*) FROM ins_g), %11$s$f$,
        schema, a.cols, c.cols, t.cols, g.cols, a.coldefs, c.coldefs, t.coldefs, g.coldefs,
        periods_cte, periods_count)
        USING source, as_of, token, period INTO accounts, contacts, turns, agents, periods;
END
$$;
COMMENT ON FUNCTION givetake.refresh_scores(regclass, timestamptz, name, text) IS
    'Atomically replaces account_scores, contact_scores, turn_scores and agent_scores (in target_schema, default: the source''s schema), and with period (day, week or month) period_scores; without one period_scores is left as it is';

-- ---- Chatwoot mapping ------------------------------------------------------
-- A view with the spec's columns over a Chatwoot database (docs/chatwoot.md):
-- one row per incoming or outgoing message that is not a private note;
-- conversations are threads, senders are agents, bots and automation are
-- automated. Checked against the named schema first, so a database that is
-- not Chatwoot gets an ERROR naming the missing table or column.

CREATE FUNCTION givetake.chatwoot_view(chatwoot_schema text DEFAULT 'public',
        target_schema name DEFAULT 'givetake')
    RETURNS regclass
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ints  CONSTANT regtype[] := '{smallint,integer,bigint}';
    texts CONSTANT regtype[] := '{text,character varying,character}';
    jsons CONSTANT regtype[] := '{json,jsonb}';
    times CONSTANT regtype[] := '{timestamp without time zone,timestamp with time zone}';
    -- table, column, accepted types, required
    wanted CONSTANT text[][] := ARRAY[
        ['accounts', 'id', 'int', 'y'], ['accounts', 'name', 'text', 'y'],
        ['inboxes', 'id', 'int', 'y'], ['inboxes', 'channel_type', 'text', 'y'],
        ['contacts', 'id', 'int', 'y'], ['contacts', 'name', 'text', 'y'],
        ['conversations', 'id', 'int', 'y'], ['conversations', 'contact_id', 'int', 'y'],
        ['conversations', 'additional_attributes', 'json', 'y'],
        ['messages', 'id', 'int', 'y'], ['messages', 'account_id', 'int', 'y'],
        ['messages', 'inbox_id', 'int', 'y'], ['messages', 'conversation_id', 'int', 'y'],
        ['messages', 'message_type', 'int', 'y'], ['messages', 'private', 'bool', 'y'],
        ['messages', 'created_at', 'time', 'y'], ['messages', 'content', 'text', 'y'],
        ['messages', 'content_attributes', 'json', 'y'],
        ['messages', 'sender_type', 'text', 'y'], ['messages', 'sender_id', 'int', 'y'],
        ['messages', 'additional_attributes', 'json', 'n'],
        ['users', 'id', 'int', 'y'], ['users', 'name', 'text', 'y'],
        ['users', 'display_name', 'text', 'n'],
        ['agent_bots', 'id', 'int', 'y'], ['agent_bots', 'name', 'text', 'y'],
        ['attachments', 'message_id', 'int', 'y'], ['attachments', 'file_type', 'int', 'y']];
    w text[];
    rel regclass;
    typ regtype;
    found_cols text[] := '{}';
    created_at_expr text;
    campaign_expr text := 'false';
    agent_name_expr text := 'u.name';
    view_oid regclass;
BEGIN
    IF chatwoot_schema IS NULL OR target_schema IS NULL THEN
        RAISE EXCEPTION 'givetake.chatwoot_view: chatwoot_schema and target_schema must not be NULL';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = chatwoot_schema) THEN
        RAISE EXCEPTION 'givetake.chatwoot_view: schema "%" does not exist', chatwoot_schema
            USING ERRCODE = 'invalid_schema_name',
                  HINT = 'Pass the schema that holds Chatwoot''s tables (usually public).';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = target_schema) THEN
        RAISE EXCEPTION 'givetake.chatwoot_view: target schema "%" does not exist', target_schema
            USING ERRCODE = 'invalid_schema_name';
    END IF;
    FOREACH w SLICE 1 IN ARRAY wanted LOOP
        SELECT c.oid INTO rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = chatwoot_schema AND c.relname = w[1] AND c.relkind IN ('r', 'p', 'v', 'm', 'f');
        IF rel IS NULL THEN
            RAISE EXCEPTION 'givetake.chatwoot_view: table "%.%" does not exist', chatwoot_schema, w[1]
                USING ERRCODE = 'undefined_table',
                      HINT = 'chatwoot_schema must name the schema of a Chatwoot database (tables accounts, inboxes, contacts, conversations, messages, users, agent_bots, attachments).';
        END IF;
        -- a domain counts as its base type
        SELECT (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END)::regtype INTO typ
        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = rel AND a.attname = w[2] AND a.attnum > 0 AND NOT a.attisdropped;
        IF typ IS NULL THEN
            IF w[4] = 'y' THEN
                RAISE EXCEPTION 'givetake.chatwoot_view: column "%" of table "%.%" does not exist',
                        w[2], chatwoot_schema, w[1]
                    USING ERRCODE = 'undefined_column',
                          HINT = 'The mapping reads Chatwoot''s current schema (db/schema.rb); is this a Chatwoot database?';
            END IF;
            CONTINUE;
        END IF;
        IF NOT typ = ANY (CASE w[3] WHEN 'int' THEN ints WHEN 'text' THEN texts WHEN 'json' THEN jsons
                                    WHEN 'time' THEN times ELSE '{boolean}'::regtype[] END) THEN
            RAISE EXCEPTION 'givetake.chatwoot_view: column "%" of table "%.%" has type %, expected %',
                    w[2], chatwoot_schema, w[1], typ,
                    CASE w[3] WHEN 'int' THEN 'an integer type' WHEN 'text' THEN 'a text type'
                              WHEN 'json' THEN 'json or jsonb' WHEN 'time' THEN 'a timestamp'
                              ELSE 'boolean' END
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        found_cols := found_cols || (w[1] || '.' || w[2]);
        IF w[1] = 'messages' AND w[2] = 'created_at' THEN
            -- Rails stores UTC in timestamp without time zone
            created_at_expr := CASE WHEN typ = 'timestamp without time zone'::regtype
                                    THEN '(m.created_at AT TIME ZONE ''UTC'')' ELSE 'm.created_at' END;
        END IF;
    END LOOP;
    IF 'messages.additional_attributes' = ANY (found_cols) THEN
        campaign_expr := '(m.additional_attributes ->> ''campaign_id'') IS NOT NULL';
    END IF;
    IF 'users.display_name' = ANY (found_cols) THEN
        agent_name_expr := 'coalesce(nullif(btrim(u.display_name), ''''), u.name)';
    END IF;

    EXECUTE format($v$CREATE OR REPLACE VIEW %2$I.chatwoot_interactions AS
SELECT m.id::bigint AS id,
       m.account_id::bigint AS account_id,
       c.contact_id::bigint AS contact_id,
       -- looked up only for the few messages that reply to another one
       CASE WHEN (m.content_attributes ->> 'in_reply_to') ~ '^[0-9]{1,18}$' THEN
           (SELECT p.id::bigint FROM %1$I.messages p
            WHERE p.id = (m.content_attributes ->> 'in_reply_to')::bigint
              AND p.account_id = m.account_id AND p.message_type IN (0, 1)
              AND p.private IS NOT TRUE) END AS parent_id,
       CASE i.channel_type
           WHEN 'Channel::TwitterProfile' THEN 'twitter'
           WHEN 'Channel::FacebookPage' THEN
               CASE WHEN c.additional_attributes ->> 'type' = 'instagram_direct_message'
                    THEN 'instagram' ELSE 'facebook' END
           WHEN 'Channel::Instagram' THEN 'instagram'
           ELSE 'other' END AS channel,
       CASE WHEN i.channel_type = 'Channel::TwitterProfile' AND c.additional_attributes ->> 'type' = 'tweet'
            THEN CASE WHEN m.message_type = 0
                       AND coalesce(m.content_attributes ->> 'in_reply_to',
                                    m.content_attributes ->> 'in_reply_to_external_id') IS NULL
                      THEN 'mention' ELSE 'reply' END
            ELSE 'message' END AS kind,
       m.message_type = 0 AS inbound,
       m.message_type = 1
         AND coalesce(m.sender_type NOT IN ('User', 'Contact')
                      OR (m.content_attributes ->> 'automation_rule_id') IS NOT NULL
                      OR %3$s, false) AS automated,
       media.message_id IS NOT NULL AS has_media,
       %4$s AS created_at,
       (CASE WHEN m.message_type = 0 THEN nullif(btrim(ct.name), '')
             WHEN m.sender_type = 'User' THEN %5$s
             WHEN m.sender_type = 'AgentBot' THEN b.name END)::text AS author_name,
       m.content::text AS body,
       0::float8 AS value,
       m.conversation_id::bigint AS thread_id,
       CASE WHEN m.message_type = 1 AND m.sender_type = 'User' THEN m.sender_id::bigint END AS agent_id,
       acc.name::text AS account_name
FROM %1$I.messages m
LEFT JOIN %1$I.conversations c ON c.id = m.conversation_id
LEFT JOIN %1$I.inboxes i ON i.id = m.inbox_id
LEFT JOIN %1$I.accounts acc ON acc.id = m.account_id
LEFT JOIN %1$I.contacts ct ON m.message_type = 0
     AND ct.id = CASE WHEN m.sender_type = 'Contact' THEN m.sender_id ELSE c.contact_id END
LEFT JOIN %1$I.users u ON m.sender_type = 'User' AND u.id = m.sender_id
LEFT JOIN %1$I.agent_bots b ON m.sender_type = 'AgentBot' AND b.id = m.sender_id
-- images and videos (also Instagram stories, reels and posts)
LEFT JOIN (SELECT DISTINCT a.message_id FROM %1$I.attachments a
           WHERE a.file_type IN (0, 2, 7, 9, 10, 11)) media ON media.message_id = m.id
WHERE m.message_type IN (0, 1) AND m.private IS NOT TRUE$v$,
        chatwoot_schema, target_schema, campaign_expr, created_at_expr, agent_name_expr);
    view_oid := format('%I.chatwoot_interactions', target_schema)::regclass;
    EXECUTE format('COMMENT ON VIEW %s IS %L', view_oid,
        format('GiveTake interactions over the Chatwoot tables in schema %s (givetake.chatwoot_view)',
               quote_ident(chatwoot_schema)));
    RETURN view_oid;
END
$$;
COMMENT ON FUNCTION givetake.chatwoot_view(text, name) IS
    '(Re)creates <target_schema>.chatwoot_interactions, the spec''s columns over a Chatwoot schema, and returns it';
