-- Wrong shapes and types of the scored source: an ERROR naming the column,
-- never a crash or a silent wrong number.
CREATE TABLE src (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8);
INSERT INTO src VALUES (1, 1, 2, NULL, 'twitter', 'mention', true, false, false, '2024-01-01 00:00+00', 'Al', 'hi', 0),
                       (2, 1, 2, 1, 'twitter', 'reply', false, false, false, '2024-01-01 00:05+00', NULL, 'Thanks Al!', 0);
SELECT account_id, channel, needs_ack, acknowledged FROM givetake.score_accounts('src') ORDER BY channel NULLS FIRST;
-- no columns at all
CREATE TABLE empty_shape ();
SELECT * FROM givetake.score_accounts('empty_shape');
-- body of the wrong type
CREATE VIEW bytea_body AS SELECT id, account_id, contact_id, parent_id, channel, kind, inbound, automated,
    has_media, created_at, author_name, convert_to(body, 'UTF8') AS body, value FROM src;
SELECT * FROM givetake.score_accounts('bytea_body');
-- author_name as a number, channel as a number
CREATE VIEW int_author AS SELECT id, account_id, contact_id, parent_id, channel, kind, inbound, automated,
    has_media, created_at, 42 AS author_name, body, value FROM src;
SELECT * FROM givetake.score_accounts('int_author');
CREATE VIEW int_channel AS SELECT id, account_id, contact_id, parent_id, 1 AS channel, kind, inbound, automated,
    has_media, created_at, author_name, body, value FROM src;
SELECT * FROM givetake.score_accounts('int_channel');
-- a date for created_at, a composite for value
CREATE VIEW date_time AS SELECT id, account_id, contact_id, parent_id, channel, kind, inbound, automated,
    has_media, created_at::date AS created_at, author_name, body, value FROM src;
SELECT * FROM givetake.score_accounts('date_time');
CREATE VIEW row_value AS SELECT id, account_id, contact_id, parent_id, channel, kind, inbound, automated,
    has_media, created_at, author_name, body, point(1, 2) AS value FROM src;
SELECT * FROM givetake.score_contacts('row_value');
-- not a table of interactions at all
SELECT count(*) FROM givetake.score_accounts('pg_class');
CREATE SEQUENCE seq;
SELECT * FROM givetake.score_accounts('seq');
-- an empty source has no rows and no error
CREATE TABLE nothing (LIKE src);
SELECT count(*) FROM givetake.score_accounts('nothing');
SELECT count(*) FROM givetake.score_contacts('nothing');
-- extreme ids and values are carried exactly
INSERT INTO src VALUES (9223372036854775807, -9223372036854775808, 9223372036854775807, NULL, 'other', 'purchase',
    true, false, false, '9999-12-31 23:59:59+00', repeat('Z', 10000), repeat('sale ', 10000), 'infinity');
SELECT account_id, channel, anomalies FROM givetake.score_accounts('src') WHERE account_id < 0 ORDER BY channel NULLS FIRST;
