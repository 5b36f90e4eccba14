-- givetake.chatwoot_view over tables with Chatwoot's names and types
-- (test/chatwoot/schema.sql) filled by a deterministic generator
-- (test/chatwoot/generate.sql); the engine's turns against the plain-SQL
-- reference (test/chatwoot/reference.sql) and a hand-checked history.
SET client_min_messages = warning;
SET timezone = 'UTC';
\set ECHO none
\i test/chatwoot/schema.sql
\i test/chatwoot/generate.sql
\i test/chatwoot/reference.sql
\set ECHO all
SELECT chatwoot.generate(1500);

-- What the generator made.
SELECT (SELECT count(*) FROM chatwoot.accounts) AS accounts,
       (SELECT count(*) FROM chatwoot.inboxes) AS inboxes,
       (SELECT count(*) FROM chatwoot.conversations) AS conversations,
       (SELECT count(*) FROM chatwoot.messages) AS messages,
       (SELECT count(*) FROM chatwoot.attachments) AS attachments;
SELECT CASE message_type WHEN 0 THEN 'incoming' WHEN 1 THEN 'outgoing'
                         WHEN 2 THEN 'activity' WHEN 3 THEN 'template' END AS message_type,
       private, coalesce(sender_type, '-') AS sender_type, count(*)
FROM chatwoot.messages GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

SELECT givetake.chatwoot_view('chatwoot');
SELECT givetake.chatwoot_view('chatwoot');   -- again: replaced in place
\d givetake.chatwoot_interactions

-- The view's rows by channel, kind, direction and automation.
SELECT channel, kind, inbound, automated, count(*) AS n, count(agent_id) AS with_agent,
       count(author_name) AS with_name, count(parent_id) AS with_parent,
       count(*) FILTER (WHERE has_media) AS media
FROM givetake.chatwoot_interactions GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
SELECT i.channel_type, c.additional_attributes ->> 'type' AS conversation_type, v.channel, count(*)
FROM givetake.chatwoot_interactions v
JOIN chatwoot.messages m ON m.id = v.id
JOIN chatwoot.inboxes i ON i.id = m.inbox_id
JOIN chatwoot.conversations c ON c.id = m.conversation_id
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
-- agents: outgoing messages per account and user (NULL: bots, automation, the native app)
SELECT account_id, agent_id, automated, count(*)
FROM givetake.chatwoot_interactions WHERE NOT inbound GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

-- Each mapping rule, checked against the Chatwoot tables directly.
WITH v AS (SELECT * FROM givetake.chatwoot_interactions),
     m AS (SELECT m.*, c.contact_id AS conversation_contact, i.channel_type,
                  c.additional_attributes AS conv_attrs
           FROM chatwoot.messages m
           JOIN chatwoot.conversations c ON c.id = m.conversation_id
           JOIN chatwoot.inboxes i ON i.id = m.inbox_id)
SELECT
    (SELECT count(*) FROM v) = (SELECT count(*) FROM m WHERE message_type IN (0, 1) AND NOT private)
        AS one_row_per_incoming_or_outgoing_message,
    NOT EXISTS (SELECT FROM v JOIN m USING (id) WHERE m.private OR m.message_type IN (2, 3))
        AS no_notes_activities_or_templates,
    (SELECT bool_and(v.account_id = m.account_id AND v.thread_id = m.conversation_id
                     AND v.contact_id = m.conversation_contact AND v.inbound = (m.message_type = 0)
                     AND v.created_at = m.created_at AT TIME ZONE 'UTC'
                     AND v.body IS NOT DISTINCT FROM m.content AND v.value = 0)
     FROM v JOIN m USING (id)) AS ids_times_bodies,
    (SELECT bool_and(v.agent_id IS NOT DISTINCT FROM
                     CASE WHEN m.message_type = 1 AND m.sender_type = 'User' THEN m.sender_id END)
     FROM v JOIN m USING (id)) AS agent_is_sending_user,
    (SELECT bool_and(v.automated = (m.message_type = 1 AND (m.sender_type IN ('AgentBot', 'Captain::Assistant')
                                    OR m.content_attributes::jsonb ? 'automation_rule_id'
                                    OR m.additional_attributes ? 'campaign_id')))
     FROM v JOIN m USING (id)) AS automated_is_bot_automation_or_campaign,
    (SELECT bool_and(v.has_media = EXISTS (SELECT FROM chatwoot.attachments a
                                           WHERE a.message_id = v.id AND a.file_type IN (0, 2)))
     FROM v) AS media_is_image_or_video,
    (SELECT bool_and(v.author_name IS NOT DISTINCT FROM CASE WHEN v.inbound THEN nullif(ct.name, '') END)
     FROM v JOIN chatwoot.contacts ct ON ct.id = v.contact_id WHERE v.inbound) AS inbound_name_is_contact,
    (SELECT bool_and((v.kind IN ('mention', 'reply')) = (m.conv_attrs ->> 'type' = 'tweet'))
     FROM v JOIN m USING (id)) AS mention_reply_only_in_tweets,
    (SELECT bool_and(p.thread_id = v.thread_id AND p.created_at <= v.created_at)
     FROM v JOIN v p ON p.id = v.parent_id) AS parents_earlier_in_thread;

-- The engine accepts the view (one row per account and per account x channel).
SELECT account_id, channel
FROM givetake.score_accounts(givetake.chatwoot_view('chatwoot')) ORDER BY 1, 2 NULLS FIRST;

-- The reference's turns and account figures on the generated history.
SELECT status, count(*) AS turns, sum(inbound_rows) AS inbound_rows,
       count(DISTINCT thread_id) AS conversations, count(agent_id) AS by_agent
FROM cw_ref_turns('givetake.chatwoot_interactions') GROUP BY 1 ORDER BY 1;
SELECT account_id, channel, needs_ack, pending, acknowledged, round(ack_rate::numeric, 4) AS ack_rate,
       round(personal_rate::numeric, 4) AS personal_rate,
       round(appreciative_rate::numeric, 4) AS appreciative_rate,
       round(sla_rate::numeric, 4) AS sla_rate, median_ack_s, p90_ack_s
FROM cw_ref_accounts('givetake.chatwoot_interactions') ORDER BY 1, 2 NULLS FIRST;

-- The engine on the same view: every turn as in the reference, and the
-- same account figures (test/chatwoot_check.sh prints any difference).
SELECT count(*) AS turns,
       count(*) FILTER (WHERE (r.thread_id, r.contact_id, r.channel, r.started_at, r.inbound_rows,
                               r.status, r.first_ack_id, r.agent_id, round(r.time_to_ack_s::numeric, 3),
                               r.personal, r.appreciative, r.within_sla)
                              IS NOT DISTINCT FROM
                              (e.thread_id, e.contact_id, e.channel, e.started_at, e.inbound_rows,
                               e.status, e.first_ack_id, e.agent_id, round(e.time_to_ack_s::numeric, 3),
                               e.personal, e.appreciative, e.within_sla)) AS equal
FROM cw_ref_turns('givetake.chatwoot_interactions') r
FULL JOIN givetake.score_turns('givetake.chatwoot_interactions') e USING (account_id, turn_id);
SELECT account_id, account_name, channel, needs_ack, pending, acknowledged,
       round(ack_rate::numeric, 4) AS ack_rate, round(personal_rate::numeric, 4) AS personal_rate,
       round(appreciative_rate::numeric, 4) AS appreciative_rate,
       round(sla_rate::numeric, 4) AS sla_rate, median_ack_s, p90_ack_s
FROM givetake.score_accounts('givetake.chatwoot_interactions') ORDER BY 1, 3 NULLS FIRST;

-- A hand-checked history: the view's rows, then its turns.
\i test/chatwoot/hand.sql
SELECT givetake.chatwoot_view('cw_hand', 'cw_hand');
-- Rows 4 and 7 (activity), 5 (private note) and 14 (template) are left out;
-- 3 (bot), 13 (automation rule) and 16 (campaign) are automated; 17 (sent
-- from the phone app, no sender) is the brand's, by no agent.
SELECT id, contact_id, parent_id, channel, kind, inbound, automated, has_media,
       created_at, author_name, thread_id, agent_id, account_name
FROM cw_hand.chatwoot_interactions ORDER BY id;
-- as_of = 15:00 (row 18). Turns:
--   1: rows 1, 2 (the bot's row 3 ends nothing) -> row 6 after 600 s by agent 1,
--      personal ("Lee", the first name of "Lee Anna") and appreciative ("thanks")
--   2: row 8 (reopened) -> row 9 after 3600 s by agent 2
--   3: row 10 -> row 11 in the same second (inbound first): 0 s, personal ("Bob")
--   4: row 12; the automation's row 13 does not count; 3 h 55 min old on
--      Twitter (target 1 h): unacknowledged
--   5: row 15; the campaign's row 16 does not count -> row 17 after 1200 s, no agent
--   6: row 18 (Instagram, target 4 h), 0 s old: pending
SELECT turn_id, thread_id, contact_id, channel, started_at, inbound_rows, status, first_ack_id,
       agent_id, time_to_ack_s, personal, appreciative, within_sla
FROM cw_ref_turns('cw_hand.chatwoot_interactions') ORDER BY turn_id;
-- Account 1: needs_ack 5 (turns 1-5), pending 1, acknowledged 4: ack_rate 0.8,
--   personal 2/4, appreciative 1/4, sla 4/5; times {0, 600, 1200, 3600}:
--   median 600, p90 3600.
-- other (turns 1, 2, 5): 3 of 3, personal 1/3, appreciative 1/3, sla 1,
--   median 1200, p90 3600. twitter (3, 4): 1 of 2, personal 1, appreciative 0,
--   sla 1/2, median 0, p90 0. instagram (6): pending 1, rates NULL.
SELECT account_id, channel, needs_ack, pending, acknowledged, round(ack_rate::numeric, 4) AS ack_rate,
       round(personal_rate::numeric, 4) AS personal_rate,
       round(appreciative_rate::numeric, 4) AS appreciative_rate,
       round(sla_rate::numeric, 4) AS sla_rate, median_ack_s, p90_ack_s
FROM cw_ref_accounts('cw_hand.chatwoot_interactions') ORDER BY 1, 2 NULLS FIRST;
-- The engine gives the same turns and figures; per agent: users 1, 2 and 3
-- one first acknowledgement each (600, 3600 and 0 s), no agent one (1200 s).
SELECT turn_id, status, first_ack_id, agent_id, time_to_ack_s, personal, appreciative,
       within_sla, due_at
FROM givetake.score_turns('cw_hand.chatwoot_interactions') ORDER BY turn_id;
SELECT account_id, account_name, channel, needs_ack, pending, acknowledged,
       round(ack_rate::numeric, 4) AS ack_rate, round(personal_rate::numeric, 4) AS personal_rate,
       round(appreciative_rate::numeric, 4) AS appreciative_rate,
       round(sla_rate::numeric, 4) AS sla_rate, median_ack_s, p90_ack_s
FROM givetake.score_accounts('cw_hand.chatwoot_interactions') ORDER BY 1, 3 NULLS FIRST;
SELECT account_id, agent_id, acknowledged, median_ack_s, personal_rate, appreciative_rate, sla_rate
FROM givetake.score_agents('cw_hand.chatwoot_interactions') ORDER BY 1, 2 NULLS LAST;

-- Optional columns: without messages.additional_attributes (no campaign
-- marker) and users.display_name the view still builds.
ALTER TABLE cw_hand.messages DROP COLUMN additional_attributes CASCADE;
ALTER TABLE cw_hand.users DROP COLUMN display_name;
SELECT givetake.chatwoot_view('cw_hand', 'cw_hand');
SELECT id, automated, author_name FROM cw_hand.chatwoot_interactions WHERE id IN (6, 16) ORDER BY id;
-- jsonb attributes and timestamptz times are read the same way (the view
-- must be dropped first: PostgreSQL does not retype a column a view uses).
DROP VIEW cw_hand.chatwoot_interactions;
ALTER TABLE cw_hand.messages ALTER content_attributes TYPE jsonb USING content_attributes::jsonb,
    ALTER created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC';
SELECT givetake.chatwoot_view('cw_hand', 'cw_hand');
SELECT count(*) AS n, min(created_at) AS first, max(created_at) AS last, count(parent_id) AS parents,
       count(*) FILTER (WHERE automated) AS automated, count(*) FILTER (WHERE kind = 'mention') AS mentions
FROM cw_hand.chatwoot_interactions;

-- Not a Chatwoot schema: an ERROR naming what is missing.
\set SHOW_CONTEXT never
SELECT givetake.chatwoot_view('no_such_schema');
SELECT givetake.chatwoot_view('chatwoot', 'no_such_schema');
SELECT givetake.chatwoot_view(NULL);
CREATE SCHEMA not_chatwoot;
SELECT givetake.chatwoot_view('not_chatwoot');
CREATE TABLE not_chatwoot.accounts (id int, name text);
SELECT givetake.chatwoot_view('not_chatwoot');
CREATE TABLE not_chatwoot.inboxes (id int, channel_type text);
CREATE TABLE not_chatwoot.contacts (id int, name text);
CREATE TABLE not_chatwoot.conversations (id int, contact_id int, additional_attributes text);
SELECT givetake.chatwoot_view('not_chatwoot');
ALTER TABLE not_chatwoot.conversations ALTER additional_attributes TYPE jsonb USING additional_attributes::jsonb;
CREATE TABLE not_chatwoot.messages (LIKE chatwoot.messages);
ALTER TABLE not_chatwoot.messages DROP COLUMN sender_type;
SELECT givetake.chatwoot_view('not_chatwoot');
DROP SCHEMA not_chatwoot CASCADE;
\set SHOW_CONTEXT errors

-- Quoted names are just names.
CREATE SCHEMA "Chat""woot; DROP TABLE x";
SELECT format('CREATE TABLE %I.%I AS TABLE cw_hand.%I', 'Chat"woot; DROP TABLE x', t, t)
FROM unnest('{accounts,users,agent_bots,inboxes,contacts,conversations,messages,attachments}'::text[]) t
\gexec
SELECT givetake.chatwoot_view('Chat"woot; DROP TABLE x', 'Chat"woot; DROP TABLE x');
SELECT count(*), count(*) FILTER (WHERE automated) AS automated
FROM "Chat""woot; DROP TABLE x".chatwoot_interactions;
DROP SCHEMA "Chat""woot; DROP TABLE x" CASCADE;
