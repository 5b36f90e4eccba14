-- Step 1 of the plain-SQL metrics (docs/metrics.md §1, §7): drop unknown
-- channel/kind rows and duplicate ids, resolve parents, and list the texts
-- to classify (every outbound body) in gt_texts for 20_classify.sql.
-- Input: the canonical table `interactions`. Times as epoch microseconds.
SET TimeZone = 'UTC';

-- lower() folds every script; GiveTake folds ASCII letters only
CREATE OR REPLACE MACRO gt_ascii_lower(s) AS
  translate(s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz');

CREATE OR REPLACE TEMP TABLE m_raw AS
SELECT i.*, epoch_us(i.created_at) AS t,
       i.channel IN ('twitter', 'facebook', 'instagram', 'linkedin', 'other')
         AND i.kind IN ('post', 'share', 'comment', 'reply', 'mention', 'message', 'like', 'lead', 'purchase')
         AS known
FROM interactions i;

-- duplicate ids: keep the smallest (created_at, account_id, body bytes)
CREATE OR REPLACE TEMP TABLE m_raw AS
SELECT *, row_number() OVER (PARTITION BY id, known ORDER BY t, account_id, coalesce(body, '')) AS dup_rank
FROM m_raw;

CREATE OR REPLACE TEMP TABLE m_kept AS
SELECT r.id, r.account_id, r.contact_id, r.channel, r.kind, r.inbound, r.automated, r.has_media,
       r.t, r.author_name, r.body, r.value, r.parent_id,
       CASE WHEN r.parent_id IS NULL OR r.parent_id = r.id THEN NULL
            WHEN r.parent_id IN (SELECT id FROM m_raw WHERE known AND dup_rank = 1) THEN r.parent_id END AS parent,
       r.inbound AND NOT r.automated AND r.kind IN ('comment', 'mention', 'message', 'reply') AS needs_ack
FROM m_raw r
WHERE r.known AND r.dup_rank = 1;

CREATE OR REPLACE TEMP TABLE gt_texts AS
SELECT id, body FROM m_kept WHERE NOT inbound;
