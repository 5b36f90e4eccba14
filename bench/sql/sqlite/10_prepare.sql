-- Step 1 of the plain-SQL metrics (docs/metrics.md §1, §7): drop unknown
-- channel/kind rows and duplicate ids, resolve parents, and list the texts
-- to classify (every outbound body) in gt_texts for 20_classify.sql.
-- Input: the canonical table `interactions` (created_at as ISO-8601 UTC
-- text); t = epoch microseconds.
DROP TABLE IF EXISTS m_raw;
DROP TABLE IF EXISTS m_kept;
DROP TABLE IF EXISTS gt_texts;

CREATE TEMP TABLE m_raw AS
SELECT *, row_number() OVER (PARTITION BY id, known ORDER BY t, account_id, coalesce(body, '')) AS dup_rank
FROM (
  SELECT i.*,
         unixepoch(substr(i.created_at, 1, 19)) * 1000000
           + CAST(substr(substr(i.created_at, 21) || '000000', 1, 6) AS INTEGER) AS t,
         i.channel IN ('twitter', 'facebook', 'instagram', 'linkedin', 'other')
           AND i.kind IN ('post', 'share', 'comment', 'reply', 'mention', 'message', 'like', 'lead', 'purchase')
           AS known
  FROM interactions i
);
CREATE INDEX m_raw_id ON m_raw (id);

CREATE TEMP TABLE m_kept AS
SELECT r.id, r.account_id, r.contact_id, r.channel, r.kind, r.inbound, r.automated, r.has_media,
       r.t, r.author_name, r.body, r.value, r.parent_id,
       CASE WHEN r.parent_id IS NULL OR r.parent_id = r.id THEN NULL
            WHEN EXISTS (SELECT 1 FROM m_raw p WHERE p.id = r.parent_id AND p.known AND p.dup_rank = 1)
            THEN r.parent_id END AS parent,
       r.inbound AND NOT r.automated AND r.kind IN ('comment', 'mention', 'message', 'reply') AS needs_ack
FROM m_raw r
WHERE r.known AND r.dup_rank = 1;
CREATE INDEX m_kept_id ON m_kept (id);
CREATE INDEX m_kept_parent ON m_kept (parent);
CREATE INDEX m_kept_thread ON m_kept (account_id, contact_id, channel, kind);

CREATE TEMP TABLE gt_texts AS
SELECT id, body FROM m_kept WHERE NOT inbound;
CREATE INDEX gt_texts_id ON gt_texts (id);
