-- The plan of groups joins the accounts linked by a cross-account
-- reference, whatever the order of the rows: six accounts of 2,100 rows,
-- each larger than half a group (groups of at most 4,096 rows at 1 MB),
-- so the groups are exactly the linked sets. Account 2 answers a row of
-- account 1 that comes later in the table; accounts 3, 4 and 5 share an
-- id (4 is neither the smallest nor the largest); accounts 5 and 6 answer
-- the same missing parent, which links nothing. Groups: {1, 2},
-- {3, 4, 5}, {6}.
CREATE TABLE gl (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8, thread_id bigint, agent_id bigint);
INSERT INTO gl
SELECT a * 100000 + g, a, a * 1000 + (g / 4) % 20,
       CASE WHEN r = 1 THEN a * 100000 + g - 1 END,
       (ARRAY['twitter', 'facebook', 'instagram', 'linkedin', 'other'])[1 + (g / 4) % 5],
       CASE r WHEN 0 THEN 'mention' WHEN 1 THEN 'reply' WHEN 2 THEN 'post' ELSE 'like' END,
       r IN (0, 3), false, g % 3 = 0,
       timestamptz '2024-01-01 00:00+00' + (g / 4) * interval '7 minutes' + r * interval '90 seconds',
       (ARRAY['Anna Lee', 'Bob', 'Kim', NULL])[1 + g % 4],
       (ARRAY['Thanks Anna, happy to help!', 'Huge SALE! 20% off, order now',
              'Tips: 5 ways to learn SQL faster', 'We are proud to announce our new product'])[1 + (g / 4) % 4],
       0, NULL, NULL
FROM generate_series(6, 1, -1) a, generate_series(1, 2100) g, LATERAL (SELECT g % 4 AS r) x
ORDER BY a DESC, g;
UPDATE gl SET parent_id = 100005, kind = 'reply', inbound = false WHERE id = 200010;
UPDATE gl SET id = 999999 WHERE id IN (300050, 400050, 500050);
UPDATE gl SET parent_id = 888888, kind = 'reply', inbound = false WHERE id IN (500070, 600070);

SET givetake.max_memory = -1;
CREATE TEMP TABLE ref_gl_accounts AS SELECT * FROM givetake.score_accounts('gl');
CREATE TEMP TABLE ref_gl_contacts AS SELECT * FROM givetake.score_contacts('gl');
CREATE TEMP TABLE ref_gl_turns AS SELECT * FROM givetake.score_turns('gl');

SET givetake.max_memory = '1MB';
SET client_min_messages = debug1;
SELECT count(*) FROM givetake.score_accounts('gl');
RESET client_min_messages;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_gl_accounts EXCEPT ALL SELECT * FROM givetake.score_accounts('gl'))
  UNION ALL (SELECT * FROM givetake.score_accounts('gl') EXCEPT ALL SELECT * FROM ref_gl_accounts)) d;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_gl_contacts EXCEPT ALL SELECT * FROM givetake.score_contacts('gl'))
  UNION ALL (SELECT * FROM givetake.score_contacts('gl') EXCEPT ALL SELECT * FROM ref_gl_contacts)) d;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_gl_turns EXCEPT ALL SELECT * FROM givetake.score_turns('gl'))
  UNION ALL (SELECT * FROM givetake.score_turns('gl') EXCEPT ALL SELECT * FROM ref_gl_turns)) d;

-- a limit below one partition of the links' table: PostgreSQL's joins
-- find the same links (groups of at most one row: one group per linked
-- set, 3), then the first group does not fit
SET givetake.max_memory = '8kB';
SET client_min_messages = debug1;
DO $$
BEGIN
    PERFORM count(*) FROM givetake.score_accounts('gl');
EXCEPTION WHEN out_of_memory THEN
    RAISE NOTICE 'out_of_memory: %', substring(SQLERRM from 'group 1 of 3');
END $$;
RESET client_min_messages;

-- many accounts (1,200 of 21 rows): the plan's arrays outlive the queries
-- that fill them
CREATE TABLE gm AS SELECT id + k * 10000000 AS id, (account_id - 1) * 200 + (id % 100000) % 200 AS account_id,
    contact_id, NULL::bigint AS parent_id, channel, kind, inbound, automated, has_media, created_at,
    author_name, body, value, thread_id, agent_id
FROM gl, generate_series(0, 1) k;
SET givetake.max_memory = -1;
CREATE TEMP TABLE ref_gm AS SELECT * FROM givetake.score_accounts('gm');
SET givetake.max_memory = '1MB';
SET client_min_messages = debug1;
SELECT count(*) FROM givetake.score_accounts('gm');
RESET client_min_messages;
SELECT count(*) AS differences FROM (
  (SELECT * FROM ref_gm EXCEPT ALL SELECT * FROM givetake.score_accounts('gm'))
  UNION ALL (SELECT * FROM givetake.score_accounts('gm') EXCEPT ALL SELECT * FROM ref_gm)) d;
RESET givetake.max_memory;
DROP TABLE gl, gm;
