-- score_accounts / score_contacts on hand-made rows. A CRM table with its
-- own names and types is mapped to the spec's columns through a view
-- (int ids, varchar/enum texts, timestamp taken as UTC, numeric value).
SET givetake.lexicon_mode = 'builtin';
SET timezone = 'UTC';
CREATE TYPE crm_kind AS ENUM ('post', 'share', 'comment', 'reply', 'mention', 'message',
                              'like', 'lead', 'purchase');
CREATE TABLE crm_activity (
    activity_id int PRIMARY KEY, org int NOT NULL, person int, in_reply_to int,
    network varchar(20), type crm_kind, direction text, is_bot boolean, media boolean,
    at timestamp NOT NULL, who varchar(80), msg text, amount numeric(10,2));
CREATE VIEW interactions AS
SELECT activity_id AS id, org AS account_id, person AS contact_id, in_reply_to AS parent_id,
       network AS channel, type AS kind, direction = 'in' AS inbound, is_bot AS automated,
       media AS has_media, at AS created_at, who AS author_name, msg AS body, amount AS value
FROM crm_activity;

-- T0 = 2024-03-01 12:00 UTC. Account 10:
INSERT INTO crm_activity VALUES
 -- needs ack; first ack is row 2 after 30 min: personal, appreciative, within 1 h
 (1, 10, 100, NULL, 'twitter', 'mention', 'in', false, false, '2024-03-01 12:00', 'Anna Lee', 'my order is late', NULL),
 (2, 10, 100, 1, 'twitter', 'reply', 'out', false, false, '2024-03-01 12:30', 'Brand',
  'Thanks Anna! Here''s how to track it: open the app, tap Orders, then tap Track.', NULL), -- give (here's how)
 -- needs ack, never answered; 7 h old at as_of (facebook SLA 4 h): unacknowledged
 (3, 10, 101, NULL, 'facebook', 'comment', 'in', false, false, '2024-03-01 13:00', 'Bob', 'hello??', NULL),
 (4, 10, NULL, NULL, 'facebook', 'post', 'out', false, false, '2024-03-01 14:00', 'Brand',
  'Huge sale: 20% off, order now', NULL),                                   -- take post
 (5, 10, NULL, NULL, 'twitter', 'post', 'out', false, true, '2024-03-01 15:00', 'Brand',
  'Tips: how to pick a guide for your team', NULL),                         -- give post, 1 you-word
 -- a direct message answered by a message 2 h later (not within 1 h, not personal)
 (6, 10, 100, NULL, 'twitter', 'message', 'in', false, false, '2024-03-01 16:00', 'Anna Lee', 'hello?', NULL),
 (7, 10, 100, NULL, 'twitter', 'message', 'out', false, false, '2024-03-01 18:00', 'Brand', 'Hi, we are on it', NULL),
 (8, 10, 100, NULL, 'twitter', 'purchase', 'in', false, false, '2024-03-01 19:00', 'Anna Lee', NULL, 49.50),
 -- unknown channel: an anomaly, otherwise ignored (also for the default as_of)
 (9, 10, NULL, NULL, 'myspace', 'post', 'out', false, false, '2024-03-02 08:00', 'Brand', 'sale', NULL),
 -- parent that names no row: an anomaly, kept without parent; latest kept row
 (10, 10, 102, 999, 'twitter', 'like', 'in', false, false, '2024-03-01 20:00', NULL, NULL, NULL),
 -- account 20: a mention 1 minute before as_of (pending), a post with no body
 (21, 20, NULL, NULL, 'twitter', 'post', 'out', NULL, NULL, '2024-03-01 15:00', NULL, NULL, NULL),
 (22, 20, 200, NULL, 'twitter', 'mention', 'in', false, false, '2024-03-01 19:59', NULL, 'hey', NULL);

-- Account 10, all channels, by hand (docs/metrics.md):
--   needs_ack 3 (rows 1,3,6), acknowledged 2 (1,6): ack_rate 2/3, personal 1/2,
--   appreciative 1/2, sla 1/3; times {1800, 7200}: median 1800, p90 7200;
--   posts: give 1 (5), take 1 (4); give_ratio 0.5; me_index: we 1 (7), you 1 (5) -> 0.5;
--   reply_share 2/4 (2,7 of 2,4,5,7); channel_fit 1; contacts 3 (100,101,102);
--   contact 100 treated well and bought after its first needs-ack row, contact 101
--   ignored without conversion: conv_rate_ack 1, conv_rate_ignored 0, lift NULL,
--   value_per_ack_contact 49.5; anomalies 2 (rows 9, 10);
--   health = 100 * (0.3*2/3 + 0.15*0.5 + 0.15/3 + 0.25*min(1, 0.5/0.8) + 0.15*0.5) = 55.625.
-- Account 20: pending 1, every rate NULL, neutral_posts 1 (NULL body), channel_fit 1
--   (a NULL body fits), reply_share 0, health NULL.
SELECT account_id, channel, needs_ack, pending, acknowledged,
       round(ack_rate::numeric, 6) AS ack_rate, personal_rate, appreciative_rate,
       round(sla_rate::numeric, 6) AS sla_rate, median_ack_s, p90_ack_s,
       give_posts, take_posts, neutral_posts, give_ratio, me_index,
       round(reply_share::numeric, 6) AS reply_share, channel_fit, contacts,
       conv_rate_ack, conv_rate_ignored, conversion_lift, value_per_ack_contact,
       give_attributed_leads, round(health::numeric, 6) AS health, anomalies
FROM givetake.score_accounts('interactions')
ORDER BY account_id, channel NULLS FIRST;

-- Trust ledger: as_of = 20:00 (row 10), half-life 90 d = 2160 h, weights 2^(-age_h/2160):
--   contact 100: +2 (row 1, personal + SLA, age 8 h) +0.5 (row 2 give, 7.5 h) +1 (row 6, 4 h)
--   contact 101: -1 (row 3, 7 h); contacts 102 and 200: no event, balance 0, trust 50.
WITH hand(account_id, contact_id, balance) AS (VALUES
    (10::bigint, 100::bigint, 2 * 2 ^ (-8 / 2160.0) + 0.5 * 2 ^ (-7.5 / 2160.0) + 2 ^ (-4 / 2160.0)),
    (10, 101, -(2 ^ (-7 / 2160.0))), (10, 102, 0), (20, 200, 0))
SELECT c.account_id, c.contact_id, abs(c.balance - h.balance) < 1e-9 AS balance_ok,
       c.trust_score, round(50 + 50 * tanh(h.balance / 4)) AS hand_trust,
       c.acknowledged, c.unacknowledged, c.last_interaction_at
FROM givetake.score_contacts('interactions') c JOIN hand h USING (account_id, contact_id)
ORDER BY 1, 2;

-- mean_trust = mean over contacts with an event (100 and 101 only)
SELECT account_id, mean_trust FROM givetake.score_accounts('interactions')
WHERE channel IS NULL ORDER BY 1;

-- explicit as_of: at 14:00 row 3 is 1 h old (< 4 h): pending, out of needs_ack
SELECT needs_ack, pending, acknowledged FROM givetake.score_accounts('interactions', '2024-03-01 14:00+00')
WHERE account_id = 10 AND channel IS NULL;

-- configuration from SQL
SET givetake.sla_twitter = '3h';         -- the 2 h DM answer is now within SLA: 2/3
SELECT round(sla_rate::numeric, 6) FROM givetake.score_accounts('interactions') WHERE account_id = 10 AND channel IS NULL;
SET givetake.sla_facebook = '8h';        -- row 3 (7 h old) becomes pending
SELECT needs_ack, pending FROM givetake.score_accounts('interactions') WHERE account_id = 10 AND channel IS NULL;
RESET givetake.sla_twitter;
RESET givetake.sla_facebook;
SET givetake.health_weights = 'ack_rate=1, personal_rate=0, sla_rate=0, give_ratio=0, me_index=0';
SELECT round(health::numeric, 6) FROM givetake.score_accounts('interactions') WHERE account_id = 10 AND channel IS NULL;
RESET givetake.health_weights;
SET givetake.give_target = 0.5;          -- give component min(1, 0.5/0.5) = 1: health 65
SELECT round(health::numeric, 6) FROM givetake.score_accounts('interactions') WHERE account_id = 10 AND channel IS NULL;
RESET givetake.give_target;
SET givetake.half_life = '8h';           -- contact 101: -2^(-7/8)
SELECT abs(balance + 2 ^ (-7 / 8.0)) < 1e-9 AS half_life_ok FROM givetake.score_contacts('interactions') WHERE contact_id = 101;
RESET givetake.half_life;
SET givetake.health_weights = 'bogus=1';
SET givetake.give_target = 0;
-- an empty user lexicon in replace mode: every post is neutral
SET givetake.lexicon_mode = 'replace';
SELECT give_posts, take_posts, neutral_posts, give_ratio FROM givetake.score_accounts('interactions')
WHERE account_id = 10 AND channel IS NULL;
RESET givetake.lexicon_mode;

-- a table with no rows, a NULL source
CREATE VIEW empty_view AS SELECT * FROM interactions WHERE false;
SELECT count(*) FROM givetake.score_accounts('empty_view');
SELECT count(*) FROM givetake.score_accounts(NULL);
