-- A source larger than givetake.max_memory is scored in groups of
-- accounts, one scorer at a time: the rows equal one pass over it,
-- including a reply whose parent is in another account, an id shared by
-- two accounts, and a latest row the scorer drops (its as_of is then
-- found group by group).
CREATE TABLE gx (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8, thread_id bigint, agent_id bigint);
INSERT INTO gx
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
-- account 101 answers a mention of account 2; account 102 repeats id 10 (account 3)
INSERT INTO gx VALUES
 (30001, 101, 101000, 5, 'twitter', 'reply', false, false, false, '2024-01-02 00:00+00', 'Brand', 'Thanks Bob!', 0, NULL, 1),
 (10, 102, 102000, NULL, 'twitter', 'mention', true, false, false, '2024-01-03 00:00+00', 'Bob', 'hello?', 0, NULL, NULL);

-- one pass
SET givetake.max_memory = -1;
CREATE TEMP TABLE ref_accounts AS SELECT * FROM givetake.score_accounts('gx');
CREATE TEMP TABLE ref_contacts AS SELECT * FROM givetake.score_contacts('gx');
CREATE TEMP TABLE ref_turns AS SELECT * FROM givetake.score_turns('gx');
CREATE TEMP TABLE ref_agents AS SELECT * FROM givetake.score_agents('gx');
CREATE TEMP TABLE ref_periods AS SELECT * FROM givetake.score_periods('gx', 'week');
CREATE TEMP TABLE ref_pinned AS SELECT * FROM givetake.score_accounts('gx', '2024-03-01 00:00+00');
SELECT count(*) AS accounts, count(DISTINCT account_id) AS distinct_accounts FROM ref_accounts;

-- in groups
SET givetake.max_memory = '1MB';
SET client_min_messages = debug1;
SELECT count(*) FROM givetake.score_accounts('gx');
RESET client_min_messages;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_accounts EXCEPT ALL SELECT * FROM givetake.score_accounts('gx'))
  UNION ALL (SELECT * FROM givetake.score_accounts('gx') EXCEPT ALL SELECT * FROM ref_accounts)) d;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_contacts EXCEPT ALL SELECT * FROM givetake.score_contacts('gx'))
  UNION ALL (SELECT * FROM givetake.score_contacts('gx') EXCEPT ALL SELECT * FROM ref_contacts)) d;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_turns EXCEPT ALL SELECT * FROM givetake.score_turns('gx'))
  UNION ALL (SELECT * FROM givetake.score_turns('gx') EXCEPT ALL SELECT * FROM ref_turns)) d;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_agents EXCEPT ALL SELECT * FROM givetake.score_agents('gx'))
  UNION ALL (SELECT * FROM givetake.score_agents('gx') EXCEPT ALL SELECT * FROM ref_agents)) d;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_periods EXCEPT ALL SELECT * FROM givetake.score_periods('gx', 'week'))
  UNION ALL (SELECT * FROM givetake.score_periods('gx', 'week') EXCEPT ALL SELECT * FROM ref_periods)) d;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_pinned EXCEPT ALL SELECT * FROM givetake.score_accounts('gx', '2024-03-01 00:00+00'))
  UNION ALL (SELECT * FROM givetake.score_accounts('gx', '2024-03-01 00:00+00') EXCEPT ALL SELECT * FROM ref_pinned)) d;

-- a work_mem of few file buffers (16 buckets at 64kB): buckets larger than
-- a group holds, so most groups are split, with the same rows (gx four
-- times over)
CREATE TEMP TABLE gy AS
SELECT id + k * 100000 AS id, account_id + k * 1000 AS account_id, contact_id + k * 10000000 AS contact_id,
       parent_id + k * 100000 AS parent_id, channel, kind, inbound, automated, has_media, created_at,
       author_name, body, value, thread_id, agent_id
FROM gx, generate_series(0, 3) k;
SET givetake.max_memory = -1;
CREATE TEMP TABLE ref_gy_accounts AS SELECT * FROM givetake.score_accounts('gy');
CREATE TEMP TABLE ref_gy_turns AS SELECT * FROM givetake.score_turns('gy');
SET givetake.max_memory = '1MB';
SET work_mem = '64kB';
SET client_min_messages = debug1;
SELECT count(*) FROM givetake.score_accounts('gy');
RESET client_min_messages;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_gy_accounts EXCEPT ALL SELECT * FROM givetake.score_accounts('gy'))
  UNION ALL (SELECT * FROM givetake.score_accounts('gy') EXCEPT ALL SELECT * FROM ref_gy_accounts)) d;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_gy_turns EXCEPT ALL SELECT * FROM givetake.score_turns('gy'))
  UNION ALL (SELECT * FROM givetake.score_turns('gy') EXCEPT ALL SELECT * FROM ref_gy_turns)) d;
RESET work_mem;

-- refresh_scores in groups writes the same tables
CREATE SCHEMA grouped;
SELECT * FROM givetake.refresh_scores('gx', NULL, 'grouped');
SELECT (SELECT count(*) FROM (
          (SELECT * FROM ref_accounts EXCEPT ALL SELECT * FROM grouped.account_scores)
          UNION ALL (SELECT * FROM grouped.account_scores EXCEPT ALL SELECT * FROM ref_accounts)) d) AS accounts,
       (SELECT count(*) FROM (
          (SELECT * FROM ref_contacts EXCEPT ALL SELECT * FROM grouped.contact_scores)
          UNION ALL (SELECT * FROM grouped.contact_scores EXCEPT ALL SELECT * FROM ref_contacts)) d) AS contacts,
       (SELECT count(*) FROM (
          (SELECT * FROM ref_turns EXCEPT ALL SELECT * FROM grouped.turn_scores)
          UNION ALL (SELECT * FROM grouped.turn_scores EXCEPT ALL SELECT * FROM ref_turns)) d) AS turns,
       (SELECT count(*) FROM (
          (SELECT * FROM ref_agents EXCEPT ALL SELECT * FROM grouped.agent_scores)
          UNION ALL (SELECT * FROM grouped.agent_scores EXCEPT ALL SELECT * FROM ref_agents)) d) AS agents;

-- refresh_scores pinned to an as_of, in one pass over the groups (one
-- plan of groups serves the four tables)
SET client_min_messages = debug1;
SELECT accounts FROM givetake.refresh_scores('gx', '2024-03-01 00:00+00', 'grouped');
RESET client_min_messages;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_pinned EXCEPT ALL SELECT * FROM grouped.account_scores)
  UNION ALL (SELECT * FROM grouped.account_scores EXCEPT ALL SELECT * FROM ref_pinned)) d;

-- the latest row is of an unknown channel (dropped): the as_of is still
-- the latest kept row's
INSERT INTO gx VALUES (40001, 50, 50000, NULL, 'fax', 'mention', true, false, false, '2025-01-01 00:00+00',
                       NULL, 'hello', 0, NULL, NULL);
SET givetake.max_memory = -1;
CREATE TEMP TABLE ref_dropped AS SELECT * FROM givetake.score_accounts('gx');
SET givetake.max_memory = '1MB';
SET client_min_messages = debug1;
SELECT count(*) FROM givetake.score_accounts('gx');
RESET client_min_messages;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_dropped EXCEPT ALL SELECT * FROM givetake.score_accounts('gx'))
  UNION ALL (SELECT * FROM givetake.score_accounts('gx') EXCEPT ALL SELECT * FROM ref_dropped)) d;
SET client_min_messages = debug1;
SELECT accounts FROM givetake.refresh_scores('gx', NULL, 'grouped');
RESET client_min_messages;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_dropped EXCEPT ALL SELECT * FROM grouped.account_scores)
  UNION ALL (SELECT * FROM grouped.account_scores EXCEPT ALL SELECT * FROM ref_dropped)) d;

-- an ERROR while the rows are read into the group files (the last row
-- has an infinite created_at) leaves the tables as they were, and the
-- next call scores again
INSERT INTO gx VALUES (40002, 7, 7000, NULL, 'twitter', 'mention', true, false, false, 'infinity',
                       NULL, 'hello', 0, NULL, NULL);
\set VERBOSITY terse
SELECT accounts FROM givetake.refresh_scores('gx', NULL, 'grouped');
\set VERBOSITY default
DELETE FROM gx WHERE id = 40002;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_dropped EXCEPT ALL SELECT * FROM grouped.account_scores)
  UNION ALL (SELECT * FROM grouped.account_scores EXCEPT ALL SELECT * FROM ref_dropped)) d;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_dropped EXCEPT ALL SELECT * FROM givetake.score_accounts('gx'))
  UNION ALL (SELECT * FROM givetake.score_accounts('gx') EXCEPT ALL SELECT * FROM ref_dropped)) d;

-- an account larger than the limit by itself: an out_of_memory ERROR
-- naming the setting
SET givetake.max_memory = '16kB';
DO $$
BEGIN
    PERFORM count(*) FROM givetake.score_accounts('gx');
EXCEPTION WHEN out_of_memory THEN
    RAISE NOTICE 'out_of_memory: %', substring(SQLERRM from 'givetake.max_memory');
END $$;

-- statement_timeout stops the planning of a large source
CREATE VIEW gx_huge AS SELECT g::bigint AS id, (g % 1000)::bigint AS account_id, NULL::bigint AS contact_id,
    NULL::bigint AS parent_id, 'twitter'::text AS channel, 'post'::text AS kind, false AS inbound,
    false AS automated, false AS has_media, now() AS created_at, NULL::text AS author_name,
    'tips on how to do it'::text AS body, 0::float8 AS value
FROM (SELECT generate_series(1, 30000000) AS g) s;
SET givetake.max_memory = '1MB';
SET statement_timeout = '500ms';
\set VERBOSITY terse
SELECT count(*) FROM givetake.score_accounts('gx_huge');
\set VERBOSITY default
RESET statement_timeout;
RESET givetake.max_memory;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_dropped EXCEPT ALL SELECT * FROM givetake.score_accounts('gx'))) d;
DROP VIEW gx_huge;
DROP TABLE gx CASCADE;
DROP SCHEMA grouped CASCADE;
