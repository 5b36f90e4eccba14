-- Step 1 of the plain-SQL metrics (docs/metrics.md §1, §7): drop unknown
-- channel/kind rows and duplicate ids, resolve parents, and list the texts
-- to classify (every outbound body) in gt_texts for 20_classify.sql.
-- Input: the canonical table `interactions`.
SET TIME ZONE 'UTC';

DROP TABLE IF EXISTS m_raw, m_kept, gt_texts;

CREATE TEMP TABLE m_raw AS
SELECT i.*,
       i.channel IN ('twitter', 'facebook', 'instagram', 'linkedin', 'other')
         AND i.kind IN ('post', 'share', 'comment', 'reply', 'mention', 'message', 'like', 'lead', 'purchase')
         AS known,
       -- duplicate ids: keep the smallest (created_at, account_id, body bytes)
       row_number() OVER (PARTITION BY i.id,
                            i.channel IN ('twitter', 'facebook', 'instagram', 'linkedin', 'other')
                            AND i.kind IN ('post', 'share', 'comment', 'reply', 'mention', 'message', 'like',
                                           'lead', 'purchase')
                          ORDER BY i.created_at, i.account_id, coalesce(i.body, '') COLLATE "C") AS dup_rank
FROM interactions i;

CREATE TEMP TABLE m_kept AS
SELECT r.id, r.account_id, r.contact_id, r.channel, r.kind, r.inbound, r.automated, r.has_media,
       r.created_at, r.author_name, r.body, r.value, r.parent_id,
       CASE WHEN r.parent_id IS NULL OR r.parent_id = r.id THEN NULL
            WHEN EXISTS (SELECT 1 FROM m_raw p WHERE p.id = r.parent_id AND p.known AND p.dup_rank = 1)
            THEN r.parent_id END AS parent,
       r.inbound AND NOT r.automated AND r.kind IN ('comment', 'mention', 'message', 'reply') AS needs_ack
FROM m_raw r
WHERE r.known AND r.dup_rank = 1;
CREATE INDEX ON m_kept (id);
CREATE INDEX ON m_kept (parent);
ANALYZE m_kept;

CREATE TEMP TABLE gt_texts AS
SELECT id, body FROM m_kept WHERE NOT inbound;
