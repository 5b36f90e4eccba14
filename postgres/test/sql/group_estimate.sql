-- A source whose first rows already project it past givetake.max_memory
-- (by the planner's row estimate and the bytes each further row adds) is
-- scored in groups without reading on to the limit; the rows equal one
-- pass. One the projection puts under the limit is scored in one pass.
CREATE TABLE ge (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8, thread_id bigint, agent_id bigint);
INSERT INTO ge
SELECT g, a, a * 1000 + (g / 4) % 20,
       CASE WHEN r = 1 AND g % 5 <> 0 THEN g - 1 END,
       (ARRAY['twitter', 'facebook', 'instagram', 'linkedin', 'other'])[1 + (g / 4) % 5],
       CASE r WHEN 0 THEN 'mention' WHEN 1 THEN 'reply' WHEN 2 THEN 'post' ELSE 'like' END,
       r IN (0, 3), g % 17 = 0, g % 3 = 0,
       timestamptz '2024-01-01 00:00+00' + (g / 4) * interval '1 minute' + r * interval '50 seconds',
       (ARRAY['Anna Lee', 'Bob', 'Kim', NULL])[1 + g % 4],
       (ARRAY['Thanks Anna, happy to help!', 'Huge SALE! 20% off, order now',
              'Tips: 5 ways to learn SQL faster', 'We are proud to announce our new product'])[1 + (g / 4) % 4],
       0, NULL, NULL
FROM (SELECT g, g % 4 AS r, 1 + (g / 4) % 200 AS a FROM generate_series(1, 250000) g) s;
ANALYZE ge;

-- rows in one and not the other, both ways
CREATE FUNCTION pg_temp.differences(a text, b text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM ((SELECT * FROM %s EXCEPT ALL SELECT * FROM %s) '
                 'UNION ALL (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s)) d', a, b, b, a) INTO n;
  RETURN n;
END $$;

SET givetake.max_memory = -1;
CREATE TEMP TABLE ref_ge AS SELECT * FROM givetake.score_accounts('ge');
CREATE TEMP TABLE ref_ge_turns AS SELECT * FROM givetake.score_turns('ge');
SET givetake.max_memory = '8MB';
SET client_min_messages = debug1;
SELECT count(*) FROM givetake.score_accounts('ge');
RESET client_min_messages;
SELECT pg_temp.differences('ref_ge', 'givetake.score_accounts(''ge'')') AS differences;
SELECT pg_temp.differences('ref_ge_turns', 'givetake.score_turns(''ge'')') AS differences;

-- with room for groups of more than 50,000 rows, they are still packed to
-- about 50,000 (a scorer that works in the CPU caches is faster); the
-- source needs about twice the limit, which its first rows tell
SET givetake.max_memory = '24MB';
SET client_min_messages = debug1;
SELECT count(*) FROM givetake.score_accounts('ge');
RESET client_min_messages;
SELECT pg_temp.differences('ref_ge', 'givetake.score_accounts(''ge'')') AS differences;
SELECT pg_temp.differences('ref_ge_turns', 'givetake.score_turns(''ge'')') AS differences;

-- with room for the whole source, the projection lets the pass go on:
-- one pass, no message
SET givetake.max_memory = '128MB';
SET client_min_messages = debug1;
SELECT count(*) FROM givetake.score_accounts('ge');
RESET client_min_messages;
SELECT pg_temp.differences('ref_ge', 'givetake.score_accounts(''ge'')') AS differences;

-- the same rows behind a view the planner takes for 100 rows: the pass
-- reads on to the limit
CREATE FUNCTION ge_rows() RETURNS SETOF ge LANGUAGE plpgsql ROWS 100 AS $$
BEGIN
    RETURN QUERY SELECT * FROM ge;
END $$;
CREATE VIEW ge_small AS SELECT * FROM ge_rows();
SET givetake.max_memory = -1;
CREATE TEMP TABLE ref_ge_small AS SELECT * FROM givetake.score_accounts('ge_small');
SET givetake.max_memory = '8MB';
SET client_min_messages = debug1;
SELECT count(*) FROM givetake.score_accounts('ge_small');
RESET client_min_messages;
SELECT pg_temp.differences('ref_ge_small', 'givetake.score_accounts(''ge_small'')') AS differences;
RESET givetake.max_memory;
DROP VIEW ge_small;
DROP FUNCTION ge_rows();
DROP TABLE ge;
