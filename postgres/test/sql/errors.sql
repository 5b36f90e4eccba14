-- Errors, never crashes: bad sources get an ERROR naming the column.
CREATE TABLE good (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8);
INSERT INTO good VALUES (1, 1, 2, NULL, 'twitter', 'mention', true, false, false, '2024-01-01 00:00+00', 'Al', 'hi', 0);

CREATE VIEW missing_value AS SELECT id, account_id, contact_id, parent_id, channel, kind, inbound,
    automated, has_media, created_at, author_name, body FROM good;
SELECT * FROM givetake.score_accounts('missing_value');

CREATE VIEW text_time AS SELECT id, account_id, contact_id, parent_id, channel, kind, inbound,
    automated, has_media, created_at::text AS created_at, author_name, body, value FROM good;
SELECT * FROM givetake.score_accounts('text_time');

CREATE VIEW bool_as_int AS SELECT id, account_id, contact_id, parent_id, channel, kind, inbound::int AS inbound,
    automated, has_media, created_at, author_name, body, value FROM good;
SELECT * FROM givetake.score_contacts('bool_as_int');

CREATE VIEW numeric_id AS SELECT id::numeric AS id, account_id, contact_id, parent_id, channel, kind, inbound,
    automated, has_media, created_at, author_name, body, value FROM good;
SELECT * FROM givetake.score_accounts('numeric_id');

-- not a relation that has rows
CREATE INDEX good_id ON good (id);
SELECT * FROM givetake.score_accounts('good_id');
SELECT * FROM givetake.score_accounts('no_such_table');

-- required values
INSERT INTO good VALUES (NULL, 1, 2, NULL, 'twitter', 'mention', true, false, false, '2024-01-01 00:00+00', 'Al', 'hi', 0);
SELECT * FROM givetake.score_accounts('good');
UPDATE good SET id = 2, created_at = 'infinity' WHERE id IS NULL;
SELECT * FROM givetake.score_accounts('good');
SELECT * FROM givetake.score_accounts('good', '-infinity');
-- outside years 1..9999: the library rejects the row and names it
UPDATE good SET created_at = '0100-01-01 00:00+00 BC' WHERE id = 2;
SELECT * FROM givetake.score_accounts('good');
DELETE FROM good WHERE id = 2;

-- an evil table name is just a name
CREATE TABLE victim (x int);
CREATE TABLE "x""; drop table victim; --" AS SELECT * FROM good;
SELECT account_id, channel, needs_ack, pending FROM givetake.score_accounts('"x""; drop table victim; --"');
SELECT to_regclass('victim') IS NOT NULL AS victim_still_there;
CREATE SCHEMA "s""; drop table victim; --";
CREATE TABLE "s""; drop table victim; --"."t""x" AS SELECT * FROM good;
SELECT * FROM givetake.refresh_scores('"s""; drop table victim; --"."t""x"');
SELECT account_id, needs_ack FROM "s""; drop table victim; --".account_scores;
SELECT to_regclass('victim') IS NOT NULL AS victim_still_there;

-- a NULL contact_id / parent_id / flags / value follows the spec (broadcast, no parent, false, 0)
INSERT INTO good VALUES (3, 1, NULL, NULL, 'twitter', 'post', false, NULL, NULL, '2024-01-01 00:10+00', NULL, NULL, NULL);
SELECT account_id, channel, give_posts, take_posts, neutral_posts, contacts, anomalies
FROM givetake.score_accounts('good') ORDER BY channel NULLS FIRST;

-- NULL or unknown channel and kind are anomalies, not errors
INSERT INTO good VALUES (4, 1, 2, NULL, NULL, 'post', false, false, false, '2024-01-01 00:20+00', NULL, NULL, 0),
                        (5, 1, 2, NULL, 'twitter', 'tweet', false, false, false, '2024-01-01 00:20+00', NULL, NULL, 0),
                        (6, 1, 2, NULL, 'TWITTER', 'Mention', true, false, false, '2024-01-01 00:20+00', NULL, NULL, 0);
SELECT account_id, channel, needs_ack, pending, anomalies FROM givetake.score_accounts('good') ORDER BY channel NULLS FIRST;

-- statement_timeout cancels a long bulk call (a 30 M row view, streamed)
CREATE VIEW huge AS SELECT g::bigint AS id, (g % 1000)::bigint AS account_id, NULL::bigint AS contact_id,
    NULL::bigint AS parent_id, 'twitter'::text AS channel, 'post'::text AS kind, false AS inbound,
    false AS automated, false AS has_media, now() AS created_at, NULL::text AS author_name,
    'tips on how to do it'::text AS body, 0::float8 AS value
FROM (SELECT generate_series(1, 30000000) AS g) s;
SET statement_timeout = '300ms';
-- terse: the cancel may land in any pass, each with its own CONTEXT
\set VERBOSITY terse
SELECT count(*) FROM givetake.score_accounts('huge');
\set VERBOSITY default
RESET statement_timeout;
-- the backend is fine afterwards
SELECT count(*) FROM givetake.score_accounts('good');

-- givetake.max_memory: a source that does not fit is scored in groups of
-- accounts (groups.sql), and one account that does not fit by itself in
-- parts of whole contacts and threads (group_split.sql); one whose rows
-- cannot be split (one contact writes them all) stops the call before it
-- outgrows the limit, with an out_of_memory ERROR that names the setting
SHOW givetake.max_memory;
CREATE VIEW one_big_account AS SELECT g::bigint AS id, 7::bigint AS account_id, 7::bigint AS contact_id,
    NULL::bigint AS parent_id, 'twitter'::text AS channel, 'post'::text AS kind, false AS inbound,
    false AS automated, false AS has_media, now() AS created_at, NULL::text AS author_name,
    'tips on how to do it'::text AS body, 0::float8 AS value
FROM generate_series(1, 200000) AS g;
SET givetake.max_memory = '2MB';
DO $$
BEGIN
    PERFORM count(*) FROM givetake.score_accounts('one_big_account');
EXCEPTION WHEN out_of_memory THEN
    RAISE NOTICE 'out_of_memory: %', substring(SQLERRM from 'does not fit in givetake.max_memory');
END $$;
DROP VIEW one_big_account;
SET givetake.max_memory = -1;
SELECT count(*) FROM givetake.score_accounts('good');
RESET givetake.max_memory;
