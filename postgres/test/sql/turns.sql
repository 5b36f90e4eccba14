-- Turns, agents, ack_unit and account names (spec sections 3 and 7),
-- every expected value worked by hand in the comments.
CREATE SCHEMA conv;
CREATE TABLE conv.ix (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8,
    thread_id bigint, agent_id bigint);
INSERT INTO conv.ix VALUES
 -- Thread 77: three customer comments, then agent 7 answers 300 s after
 -- the first. One turn of 3 rows; the first named row (11) gives "Maya".
 (10, 1, 5, NULL, 'facebook', 'comment', true, false, false, '2024-05-01 10:00:00+00', NULL, 'hello?', 0, 77, NULL),
 (11, 1, 5, NULL, 'facebook', 'comment', true, false, false, '2024-05-01 10:01:40+00', 'Maya Ito', 'anyone?', 0, 77, NULL),
 (12, 1, 5, NULL, 'facebook', 'comment', true, false, false, '2024-05-01 10:03:20+00', 'Rob Ito', 'my order', 0, 77, NULL),
 (13, 1, 5, NULL, 'facebook', 'reply', false, false, false, '2024-05-01 10:05:00+00', NULL, 'Sorry Maya, thanks for waiting', 0, 77, 7),
 -- A DM thread (no thread_id): two messages, answered 600 s after the
 -- first by agent 8, without the name.
 (20, 1, 6, NULL, 'twitter', 'message', true, false, false, '2024-05-01 11:00:00+00', 'Kim', 'hi', 0, NULL, NULL),
 (21, 1, 6, NULL, 'twitter', 'message', true, false, false, '2024-05-01 11:05:00+00', 'Kim', 'hello?', 0, NULL, NULL),
 (22, 1, 6, NULL, 'twitter', 'message', false, false, false, '2024-05-01 11:10:00+00', NULL, 'Here you go', 0, NULL, 8),
 -- An unanswered mention at as_of (the latest row): pending, due 1 h later.
 (30, 1, 9, NULL, 'twitter', 'mention', true, false, false, '2024-05-01 11:30:00+00', 'Lee', 'ping', 0, NULL, NULL),
 -- A give post by agent 8.
 (40, 1, NULL, NULL, 'twitter', 'post', false, false, false, '2024-05-01 09:00:00+00', NULL,
  'Here''s how to fix it: a guide with tips', 0, NULL, 8);
CREATE TABLE conv.accounts (account_id bigint, name text);
INSERT INTO conv.accounts VALUES (1, 'Acme Outdoor');

-- Turn 10: 3 rows, 300 s, personal, thanks, in SLA, due 10:00 + 4 h.
-- Turn 20: 2 rows, 600 s, not personal, no thanks, in SLA (1 h), due 12:00.
-- Turn 30: pending, due 12:30; acknowledgement columns null.
SET timezone = 'UTC';
SELECT turn_id, thread_id, contact_id, channel, started_at, inbound_rows, status, first_ack_id,
       agent_id, time_to_ack_s, business_time_to_ack_s, personal, appreciative, within_sla, due_at,
       account_name
FROM givetake.score_turns('conv.ix') ORDER BY turn_id;

-- The at-risk list: pending turns by due_at.
SELECT turn_id, due_at FROM givetake.score_turns('conv.ix') WHERE status = 'pending' ORDER BY due_at;

-- Accounts aggregate the turns: 2 needing ack (both acknowledged), 1
-- pending; personal 1/2, thanks 1/2; median of {300, 600} = 300, p90 = 600.
SELECT channel, needs_ack, pending, acknowledged, ack_rate, personal_rate, appreciative_rate,
       sla_rate, median_ack_s, p90_ack_s, median_ack_business_s, p90_ack_business_s, account_name
FROM givetake.score_accounts('conv.ix') ORDER BY channel NULLS FIRST;

-- Agents: 7 sent one first acknowledgement (300 s, personal, thanks); 8
-- one (600 s) and the give post; its bodies have one you-word: me_index 0.
SELECT agent_id, acknowledged, median_ack_s, p90_ack_s, median_ack_business_s, personal_rate,
       appreciative_rate, sla_rate, give_posts, take_posts, give_ratio, me_index, account_name
FROM givetake.score_agents('conv.ix') ORDER BY agent_id NULLS FIRST;

-- ack_unit = row: every needs-ack row on its own (v1). Rows 10, 11, 12 are
-- answered after 300, 200, 100 s, rows 20, 21 after 600, 300 s: median
-- (rank 3 of 5) 300, p90 (rank 5) 600; only row 11 ("Maya") is personal.
SET givetake.ack_unit = row;
SELECT needs_ack, pending, acknowledged, personal_rate, median_ack_s, p90_ack_s
FROM givetake.score_accounts('conv.ix') WHERE channel IS NULL;
SELECT count(*) AS turns, sum(inbound_rows) AS rows FROM givetake.score_turns('conv.ix');
RESET givetake.ack_unit;
SET givetake.ack_unit = sentence;

-- A source without thread_id/agent_id still scores (all null): the
-- comments are then three single-row turns (no reply has them as parent),
-- still pending under facebook's 4 h at as_of; the DM thread is derived
-- as before; the answer has no agent, so one null-agent row.
CREATE VIEW conv.v1 AS SELECT id, account_id, contact_id, parent_id, channel, kind, inbound,
    automated, has_media, created_at, author_name, body, value FROM conv.ix;
SELECT turn_id, thread_id, status, inbound_rows, agent_id FROM givetake.score_turns('conv.v1') ORDER BY turn_id;
SELECT agent_id, acknowledged FROM givetake.score_agents('conv.v1');

-- An account_name column wins over the accounts table.
CREATE VIEW conv.named AS SELECT *, 'Acme (view)'::text AS account_name FROM conv.ix;
SELECT DISTINCT account_name FROM givetake.score_accounts('conv.named');

-- refresh_scores writes all four tables.
SELECT * FROM givetake.refresh_scores('conv.ix');
SELECT turn_id, status FROM conv.turn_scores ORDER BY turn_id;
SELECT agent_id, acknowledged FROM conv.agent_scores ORDER BY agent_id;

-- refresh_scores reads its source once for all four tables: a view that
-- counts the rows it produces shows 9 rows read, not 4 x 9.
CREATE SEQUENCE conv.reads;
CREATE VIEW conv.counted AS SELECT * FROM conv.ix WHERE nextval('conv.reads') > 0;
SELECT * FROM givetake.refresh_scores('conv.counted', NULL, 'conv');
SELECT last_value AS rows_read FROM conv.reads;
-- (each public function call is one pass of its own: 9 more)
SELECT count(*) AS turns FROM givetake.score_turns('conv.counted');
SELECT last_value AS rows_read FROM conv.reads;
-- The four tables still equal the four functions.
SELECT (SELECT count(*) FROM ((TABLE conv.turn_scores) EXCEPT (SELECT * FROM givetake.score_turns('conv.ix'))) d) AS turn_diff,
       (SELECT count(*) FROM ((TABLE conv.agent_scores) EXCEPT (SELECT * FROM givetake.score_agents('conv.ix'))) d) AS agent_diff,
       (SELECT count(*) FROM ((TABLE conv.contact_scores) EXCEPT (SELECT * FROM givetake.score_contacts('conv.ix'))) d) AS contact_diff;
-- Two refreshes in one transaction each score afresh.
BEGIN;
INSERT INTO conv.ix VALUES (50, 1, 9, 30, 'twitter', 'reply', false, false, false, '2024-05-01 11:40:00+00', NULL, 'Lee, on it', 0, NULL, 8);
SELECT * FROM givetake.refresh_scores('conv.ix');
SELECT turn_id, status, first_ack_id FROM conv.turn_scores WHERE turn_id = 30;
ROLLBACK;
