-- refresh_scores writes account_scores / contact_scores atomically.
CREATE SCHEMA crm;
CREATE TABLE crm.ix (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8);
INSERT INTO crm.ix VALUES
 (1, 7, 70, NULL, 'linkedin', 'comment', true, false, false, '2024-05-01 09:00+00', 'Kim', 'question', 0),
 (2, 7, 70, 1, 'linkedin', 'reply', false, false, false, '2024-05-01 10:00+00', 'Brand', 'Great question Kim', 0),
 (3, 8, 80, NULL, 'instagram', 'mention', true, false, false, '2024-05-01 09:00+00', 'Lu', 'hi', 0);

-- defaults to the source's schema; tables are created on first use
SELECT * FROM givetake.refresh_scores('crm.ix');
SELECT account_id, channel, needs_ack, acknowledged, personal_rate, appreciative_rate
FROM crm.account_scores ORDER BY account_id, channel NULLS FIRST;
SELECT account_id, contact_id, trust_score, acknowledged, unacknowledged FROM crm.contact_scores ORDER BY 1, 2;

-- the tables hold exactly what score_* return
SELECT count(*) AS differences FROM (
  (SELECT * FROM givetake.score_accounts('crm.ix') EXCEPT SELECT * FROM crm.account_scores)
  UNION ALL (SELECT * FROM crm.account_scores EXCEPT SELECT * FROM givetake.score_accounts('crm.ix'))) d;

-- a failing refresh leaves the previous scores untouched
INSERT INTO crm.ix VALUES (4, 9, 90, NULL, 'twitter', 'mention', true, false, false, 'infinity', NULL, NULL, 0);
SELECT * FROM givetake.refresh_scores('crm.ix');
SELECT count(*) AS accounts_rows, count(*) FILTER (WHERE account_id = 9) AS account_9 FROM crm.account_scores;
SELECT count(*) AS contact_rows FROM crm.contact_scores;

-- a successful one replaces both tables
UPDATE crm.ix SET created_at = '2024-05-01 11:00+00' WHERE id = 4;
SELECT * FROM givetake.refresh_scores('crm.ix');
SELECT account_id, count(*) FROM crm.account_scores GROUP BY 1 ORDER BY 1;

-- an explicit target schema
CREATE SCHEMA reports;
SELECT * FROM givetake.refresh_scores('crm.ix', '2024-05-02 00:00+00', 'reports');
SELECT account_id, channel, needs_ack, pending FROM reports.account_scores ORDER BY account_id, channel NULLS FIRST;
