-- refresh_scores(..., period => 'day' | 'week' | 'month') also replaces
-- period_scores, in the same statement and from the same scoring of the
-- source; without a period it leaves period_scores as it is.
CREATE SCHEMA pp;
CREATE TABLE pp.ix (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8, thread_id bigint, agent_id bigint);
INSERT INTO pp.ix
SELECT g, a, a * 1000 + (g / 4) % 20,
       CASE WHEN r = 1 AND g % 5 <> 0 THEN g - 1 END,
       (ARRAY['twitter', 'facebook', 'instagram', 'linkedin', 'other'])[1 + (g / 4) % 5],
       CASE r WHEN 0 THEN (ARRAY['mention', 'comment', 'message'])[1 + g % 3] WHEN 1 THEN 'reply'
              WHEN 2 THEN 'post' ELSE (ARRAY['like', 'lead', 'purchase'])[1 + g % 3] END,
       r IN (0, 3), g % 17 = 0, g % 3 = 0,
       timestamptz '2024-01-01 00:00+00' + (g / 4) * interval '7 minutes'
         + CASE r WHEN 1 THEN g % 9000 ELSE r * 30 END * interval '1 second',
       (ARRAY['Anna Lee', 'Bob', 'Kim', NULL])[1 + g % 4],
       (ARRAY['Thanks Anna, happy to help!', 'Huge SALE! 20% off, order now',
              'Tips: 5 ways to learn SQL faster', 'We are proud to announce our new product'])[1 + (g / 4) % 4],
       CASE WHEN r = 3 AND g % 3 = 1 THEN 25.0 ELSE 0 END,
       CASE WHEN g % 2 = 0 THEN g / 8 END, CASE WHEN r = 1 THEN g % 3 END
FROM (SELECT g, g % 4 AS r, 1 + (g / 4) % 100 AS a FROM generate_series(1, 20000) g) s;
-- names from an accounts table in the source's schema go to account_name
CREATE TABLE pp.accounts (account_id bigint, name text);
INSERT INTO pp.accounts SELECT a, 'Account ' || a FROM generate_series(1, 100, 7) a;
SET givetake.max_memory = -1;

-- a named period: five counts, period_scores created
SELECT * FROM givetake.refresh_scores('pp.ix', period => 'week');
SELECT (SELECT count(*) FROM pp.account_scores) AS accounts, (SELECT count(*) FROM pp.contact_scores) AS contacts,
       (SELECT count(*) FROM pp.turn_scores) AS turns, (SELECT count(*) FROM pp.agent_scores) AS agents,
       (SELECT count(*) FROM pp.period_scores) AS periods;

-- period_scores holds exactly the rows of score_periods, and the other
-- tables those of their functions (the period does not change them)
SELECT count(*) AS period_differences FROM (
  (SELECT * FROM givetake.score_periods('pp.ix', 'week') EXCEPT ALL SELECT * FROM pp.period_scores)
  UNION ALL (SELECT * FROM pp.period_scores EXCEPT ALL SELECT * FROM givetake.score_periods('pp.ix', 'week'))) d;
SELECT count(*) AS account_differences FROM (
  (SELECT * FROM givetake.score_accounts('pp.ix') EXCEPT ALL SELECT * FROM pp.account_scores)
  UNION ALL (SELECT * FROM pp.account_scores EXCEPT ALL SELECT * FROM givetake.score_accounts('pp.ix'))) d;
SELECT count(*) AS turn_differences FROM (
  (SELECT * FROM givetake.score_turns('pp.ix') EXCEPT ALL SELECT * FROM pp.turn_scores)
  UNION ALL (SELECT * FROM pp.turn_scores EXCEPT ALL SELECT * FROM givetake.score_turns('pp.ix'))) d;
SELECT count(DISTINCT period_start) AS weeks, min(period_start) AS first_week,
       count(*) FILTER (WHERE account_name IS NOT NULL) AS named_rows,
       bool_and(extract(isodow FROM period_start) = 1) AS mondays
FROM pp.period_scores;

-- the columns and types the givetake CLI writes (Schema.periodColumns)
SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) AS period_columns
FROM pg_attribute WHERE attrelid = 'pp.period_scores'::regclass AND attnum > 0 AND NOT attisdropped;

-- the source is read once for the five tables: a view counting the rows
-- it produces shows as many reads with a period as without
CREATE SEQUENCE pp.reads;
CREATE VIEW pp.counted AS SELECT * FROM pp.ix WHERE nextval('pp.reads') > 0;
CREATE SCHEMA ppc;
SELECT * FROM givetake.refresh_scores('pp.counted', NULL, 'ppc', 'week');
SELECT last_value AS rows_read FROM pp.reads;
SELECT count(*) AS period_differences FROM (
  (SELECT * FROM pp.period_scores EXCEPT ALL SELECT * FROM ppc.period_scores)
  UNION ALL (SELECT * FROM ppc.period_scores EXCEPT ALL SELECT * FROM pp.period_scores)) d;

-- a bad period is an ERROR naming it, and changes nothing (the source
-- changed, so a refresh that ran would change every table)
CREATE TEMP TABLE before_accounts AS TABLE pp.account_scores;
CREATE TEMP TABLE before_periods AS TABLE pp.period_scores;
DELETE FROM pp.ix WHERE account_id = 1;
SELECT * FROM givetake.refresh_scores('pp.ix', NULL, NULL, 'fortnight');
SELECT * FROM givetake.refresh_scores('pp.ix', period => '');
SELECT (SELECT count(*) FROM ((TABLE before_accounts EXCEPT ALL TABLE pp.account_scores)
          UNION ALL (TABLE pp.account_scores EXCEPT ALL TABLE before_accounts)) d) AS account_differences,
       (SELECT count(*) FROM ((TABLE before_periods EXCEPT ALL TABLE pp.period_scores)
          UNION ALL (TABLE pp.period_scores EXCEPT ALL TABLE before_periods)) d) AS period_differences;

-- an ERROR while scoring leaves every table as it was
INSERT INTO pp.ix VALUES (90001, 5, 5000, NULL, 'twitter', 'mention', true, false, false, 'infinity', NULL, NULL, 0, NULL, NULL);
\set VERBOSITY terse
SELECT * FROM givetake.refresh_scores('pp.ix', NULL, NULL, 'day');
\set VERBOSITY default
DELETE FROM pp.ix WHERE id = 90001;
SELECT (SELECT count(*) FROM ((TABLE before_accounts EXCEPT ALL TABLE pp.account_scores)
          UNION ALL (TABLE pp.account_scores EXCEPT ALL TABLE before_accounts)) d) AS account_differences,
       (SELECT count(*) FROM ((TABLE before_periods EXCEPT ALL TABLE pp.period_scores)
          UNION ALL (TABLE pp.period_scores EXCEPT ALL TABLE before_periods)) d) AS period_differences;

-- and so does a cancel (statement_timeout) while scoring a large source
CREATE VIEW pp.huge AS SELECT g::bigint AS id, (g % 1000)::bigint AS account_id, NULL::bigint AS contact_id,
    NULL::bigint AS parent_id, 'twitter'::text AS channel, 'post'::text AS kind, false AS inbound,
    false AS automated, false AS has_media, now() AS created_at, NULL::text AS author_name,
    'tips on how to do it'::text AS body, 0::float8 AS value
FROM (SELECT generate_series(1, 30000000) AS g) s;
SET statement_timeout = '300ms';
\set VERBOSITY terse
SELECT * FROM givetake.refresh_scores('pp.huge', NULL, 'pp', 'week');
\set VERBOSITY default
RESET statement_timeout;
SELECT (SELECT count(*) FROM ((TABLE before_accounts EXCEPT ALL TABLE pp.account_scores)
          UNION ALL (TABLE pp.account_scores EXCEPT ALL TABLE before_accounts)) d) AS account_differences,
       (SELECT count(*) FROM ((TABLE before_periods EXCEPT ALL TABLE pp.period_scores)
          UNION ALL (TABLE pp.period_scores EXCEPT ALL TABLE before_periods)) d) AS period_differences;
DROP VIEW pp.huge;

-- without a period (the three-argument call, as before): the four tables
-- are replaced, period_scores is left as it was
SELECT * FROM givetake.refresh_scores('pp.ix', NULL, NULL);
SELECT count(*) FILTER (WHERE account_id = 1) AS account_1_rows FROM pp.account_scores;
SELECT (SELECT count(*) FROM ((TABLE before_periods EXCEPT ALL TABLE pp.period_scores)
          UNION ALL (TABLE pp.period_scores EXCEPT ALL TABLE before_periods)) d) AS period_differences,
       (SELECT count(*) FROM pp.period_scores WHERE account_id = 1) AS account_1_period_rows_kept;

-- another period replaces period_scores (case does not matter), pinned
-- to an as_of like the other tables
SELECT * FROM givetake.refresh_scores('pp.ix', '2024-01-20 00:00+00', 'pp', 'Month');
SELECT count(*) AS period_differences FROM (
  (SELECT * FROM givetake.score_periods('pp.ix', 'month', '2024-01-20 00:00+00') EXCEPT ALL SELECT * FROM pp.period_scores)
  UNION ALL (SELECT * FROM pp.period_scores EXCEPT ALL SELECT * FROM givetake.score_periods('pp.ix', 'month', '2024-01-20 00:00+00'))) d;
SELECT count(*) AS account_differences FROM (
  (SELECT * FROM givetake.score_accounts('pp.ix', '2024-01-20 00:00+00') EXCEPT ALL SELECT * FROM pp.account_scores)
  UNION ALL (SELECT * FROM pp.account_scores EXCEPT ALL SELECT * FROM givetake.score_accounts('pp.ix', '2024-01-20 00:00+00'))) d;

-- in groups of accounts (a source larger than givetake.max_memory): the
-- same period_scores as one pass, and the five tables cost the reads of
-- score_periods alone (one grouped scoring serves them all): the rows the
-- one-pass attempt read before it stopped, then every row once
SELECT * FROM givetake.refresh_scores('pp.ix', period => 'week');
CREATE SCHEMA ppg;
SELECT accounts FROM givetake.refresh_scores('pp.ix', NULL, 'ppg', 'day');
SET givetake.max_memory = '1MB';
SELECT setval('pp.reads', 1, false);
SET client_min_messages = debug1;
SELECT * FROM givetake.refresh_scores('pp.counted', NULL, 'ppg', 'week');
RESET client_min_messages;
CREATE TEMP TABLE refresh_reads AS SELECT last_value AS n FROM pp.reads;
SELECT setval('pp.reads', 1, false);
SELECT count(*) AS period_rows FROM givetake.score_periods('pp.counted', 'week');
SELECT n AS rows_read_by_refresh, last_value AS rows_read_by_score_periods, n = last_value AS same,
       n - (SELECT count(*) FROM pp.ix) AS read_before_grouping
FROM refresh_reads, pp.reads;
SELECT count(*) AS period_differences FROM (
  (SELECT * FROM pp.period_scores EXCEPT ALL SELECT * FROM ppg.period_scores)
  UNION ALL (SELECT * FROM ppg.period_scores EXCEPT ALL SELECT * FROM pp.period_scores)) d;
SELECT (SELECT count(*) FROM (
          (SELECT * FROM pp.account_scores EXCEPT ALL SELECT * FROM ppg.account_scores)
          UNION ALL (SELECT * FROM ppg.account_scores EXCEPT ALL SELECT * FROM pp.account_scores)) d) AS accounts,
       (SELECT count(*) FROM (
          (SELECT * FROM pp.contact_scores EXCEPT ALL SELECT * FROM ppg.contact_scores)
          UNION ALL (SELECT * FROM ppg.contact_scores EXCEPT ALL SELECT * FROM pp.contact_scores)) d) AS contacts,
       (SELECT count(*) FROM (
          (SELECT * FROM pp.turn_scores EXCEPT ALL SELECT * FROM ppg.turn_scores)
          UNION ALL (SELECT * FROM ppg.turn_scores EXCEPT ALL SELECT * FROM pp.turn_scores)) d) AS turns,
       (SELECT count(*) FROM (
          (SELECT * FROM pp.agent_scores EXCEPT ALL SELECT * FROM ppg.agent_scores)
          UNION ALL (SELECT * FROM ppg.agent_scores EXCEPT ALL SELECT * FROM pp.agent_scores)) d) AS agents;
-- a grouped refresh by day, also equal to one pass
SELECT periods > 0 AS wrote_days FROM givetake.refresh_scores('pp.ix', NULL, 'ppg', 'day');
SET givetake.max_memory = -1;
SELECT count(*) AS period_differences FROM (
  (SELECT * FROM givetake.score_periods('pp.ix', 'day') EXCEPT ALL SELECT * FROM ppg.period_scores)
  UNION ALL (SELECT * FROM ppg.period_scores EXCEPT ALL SELECT * FROM givetake.score_periods('pp.ix', 'day'))) d;
RESET givetake.max_memory;

-- the internal variant takes only its refresh token's period
SELECT count(*) FROM givetake._score_periods('pp.ix', 'week', NULL, givetake._refresh_token('day'))
    AS r(account_id bigint);
SELECT count(*) FROM givetake._score_periods('pp.ix', 'week', NULL, givetake._refresh_token())
    AS r(account_id bigint);

-- the one function, documented; three-argument calls resolve to it
SELECT p.oid::regprocedure AS signature, obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented,
       p.provolatile, p.proparallel
FROM pg_proc p WHERE p.proname IN ('refresh_scores', '_score_periods', '_refresh_token')
  AND p.pronamespace = 'givetake'::regnamespace ORDER BY 1::text;

DROP SCHEMA ppg CASCADE;
DROP SCHEMA ppc CASCADE;
DROP SCHEMA pp CASCADE;
