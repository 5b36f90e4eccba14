-- Step 3 of the plain-SQL metrics: acknowledgement, content, trust, return
-- on giving, health and anomalies per account (channel NULL = all channels)
-- and per account x channel (docs/metrics.md §2-7). Defaults: as_of =
-- latest created_at, SLA twitter 1 h, facebook/instagram 4 h, linkedin/other
-- 24 h, half-life 90 days, give target 0.8, attribution window 30 days.
-- SQLite has no GROUPING SETS: rows are doubled by a join with m_g (g = 0:
-- all channels, g = 1: per channel). regexp_substr() and regexp_replace()
-- are registered from Python.
DROP TABLE IF EXISTS m_g;
DROP TABLE IF EXISTS m_asof;
DROP TABLE IF EXISTS m_cand;
DROP TABLE IF EXISTS m_ack;
DROP TABLE IF EXISTS m_na;
DROP TABLE IF EXISTS m_ev;
DROP TABLE IF EXISTS m_grp;
CREATE INDEX IF NOT EXISTS gt_class_id ON gt_class (id);

CREATE TEMP TABLE m_g AS SELECT 0 AS g UNION ALL SELECT 1;
CREATE TEMP TABLE m_asof AS SELECT max(t) AS as_of FROM m_kept;

-- First acknowledgement of each needs-ack row: a direct reply (parent) or,
-- for a message, the next outbound message without a parent to the same
-- contact on the same channel; smallest (created_at, id) wins.
CREATE TEMP TABLE m_cand AS
SELECT i.id AS iid, o.id AS oid, o.t AS o_at
FROM m_kept i JOIN m_kept o ON o.parent = i.id AND o.account_id = i.account_id
WHERE i.needs_ack AND NOT o.inbound AND NOT o.automated
UNION ALL
SELECT i.id, o.id, o.t
FROM m_kept i JOIN m_kept o
  ON o.account_id = i.account_id AND o.contact_id = i.contact_id AND o.channel = i.channel
 AND o.kind = 'message' AND o.t >= i.t
WHERE i.needs_ack AND i.kind = 'message' AND NOT o.inbound AND NOT o.automated AND o.parent IS NULL;

CREATE TEMP TABLE m_ack AS
SELECT iid, oid, o_at FROM (
  SELECT iid, oid, o_at, row_number() OVER (PARTITION BY iid ORDER BY o_at, oid) AS rn FROM m_cand
) WHERE rn = 1;
CREATE INDEX m_ack_iid ON m_ack (iid);

CREATE TEMP TABLE m_na AS
SELECT i.id, i.account_id, i.contact_id, i.channel, i.t,
       a.oid IS NOT NULL AS acked,
       a.oid IS NULL AND (SELECT as_of FROM m_asof) - i.t < s.sla * 1000000 AS pending,
       max(0, a.o_at - i.t) AS tta_us,
       max(0, a.o_at - i.t) / 1e6 AS tta,
       coalesce(a.o_at < i.t, 0) AS skew,
       coalesce(max(0, a.o_at - i.t) <= s.sla * 1000000, 0) AS within,
       coalesce(i.name IS NOT NULL
                AND ' ' || lower(regexp_replace(o.body, (SELECT pattern FROM gt_regex WHERE name = 'nonword'), ' '))
                    || ' ' LIKE '% ' || lower(i.name) || ' %', 0) AS personal,
       coalesce(c.appreciative, 0) AS appreciative
FROM (SELECT *, regexp_substr(author_name, '[A-Za-z\u0080-\U0010FFFF]{2,}') AS name FROM m_kept WHERE needs_ack) i
JOIN (SELECT 'twitter' AS channel, 3600 AS sla UNION ALL SELECT 'facebook', 14400 UNION ALL
      SELECT 'instagram', 14400 UNION ALL SELECT 'linkedin', 86400 UNION ALL SELECT 'other', 86400) s
  ON s.channel = i.channel
LEFT JOIN m_ack a ON a.iid = i.id
LEFT JOIN m_kept o ON o.id = a.oid
LEFT JOIN gt_class c ON c.id = a.oid;

-- Trust events (§4), each as a fixed-point amount (2^-32 units, like the
-- engine) weighted by 2^(-(as_of - t) / 90 days).
CREATE TEMP TABLE m_ev AS
SELECT account_id, contact_id, channel,
       round(amount * power(2.0, -((SELECT as_of FROM m_asof) - t) / 1e6 / 7776000) * 4294967296) AS fx
FROM (
  SELECT account_id, contact_id, channel, t,
         CASE WHEN acked THEN 1 + 0.5 * within + 0.5 * personal ELSE -1.0 END AS amount
  FROM m_na WHERE contact_id IS NOT NULL AND NOT pending
  UNION ALL
  SELECT o.account_id, o.contact_id, o.channel, o.t, CASE c.label WHEN 'give' THEN 0.5 ELSE -0.5 END
  FROM m_kept o JOIN gt_class c ON c.id = o.id
  WHERE NOT o.inbound AND NOT o.automated AND o.contact_id IS NOT NULL AND c.label <> 'neutral'
);

-- One row per (account, all channels) and (account, channel).
CREATE TEMP TABLE m_grp AS
SELECT DISTINCT account_id, NULL AS channel FROM interactions
UNION
SELECT DISTINCT account_id, channel FROM m_kept
UNION
SELECT DISTINCT account_id, channel FROM m_raw
WHERE dup_rank > 1 OR (NOT known AND channel IN ('twitter', 'facebook', 'instagram', 'linkedin', 'other'));

WITH
ack AS (
  SELECT account_id, CASE WHEN g = 1 THEN channel END AS channel,
         count(*) FILTER (WHERE NOT pending) AS needs_ack,
         count(*) FILTER (WHERE pending) AS pending,
         count(*) FILTER (WHERE acked) AS acknowledged,
         count(*) FILTER (WHERE acked AND personal) AS personal,
         count(*) FILTER (WHERE acked AND appreciative) AS appreciative,
         count(*) FILTER (WHERE acked AND within) AS within
  FROM m_na, m_g GROUP BY 1, 2
),
-- percentile_disc: the value at 1-based rank ceil(p * n)
ranked AS (
  SELECT account_id, channel, tta,
         row_number() OVER (PARTITION BY account_id, channel ORDER BY tta_us) AS rk,
         count(*) OVER (PARTITION BY account_id, channel) AS n
  FROM (SELECT account_id, CASE WHEN g = 1 THEN channel END AS channel, tta, tta_us
        FROM m_na, m_g WHERE acked)
),
pct AS (
  SELECT account_id, channel,
         max(tta) FILTER (WHERE rk = (n + 1) / 2) AS median_ack_s,
         max(tta) FILTER (WHERE rk = (9 * n + 9) / 10) AS p90_ack_s
  FROM ranked GROUP BY account_id, channel
),
content AS (
  SELECT o.account_id, CASE WHEN g = 1 THEN o.channel END AS channel,
         count(*) FILTER (WHERE o.kind IN ('post', 'share') AND c.label = 'give') AS give_posts,
         count(*) FILTER (WHERE o.kind IN ('post', 'share') AND c.label = 'take') AS take_posts,
         count(*) FILTER (WHERE o.kind IN ('post', 'share') AND c.label = 'neutral') AS neutral_posts,
         sum(c.we_words) AS we_words, sum(c.you_words) AS you_words,
         count(*) FILTER (WHERE o.kind IN ('reply', 'comment', 'message')) AS replies,
         count(*) FILTER (WHERE o.kind IN ('post', 'share', 'reply', 'comment', 'message', 'mention')) AS conversational,
         count(*) FILTER (WHERE o.kind = 'post') AS posts,
         count(*) FILTER (WHERE o.kind = 'post' AND CASE o.channel
                            WHEN 'instagram' THEN o.has_media
                            WHEN 'twitter' THEN o.body IS NULL OR length(o.body) <= 280
                            ELSE 1 END) AS fitting
  FROM m_kept o JOIN gt_class c ON c.id = o.id, m_g
  WHERE NOT o.inbound AND NOT o.automated
  GROUP BY 1, 2
),
contacts AS (
  SELECT account_id, CASE WHEN g = 1 THEN channel END AS channel, count(DISTINCT contact_id) AS contacts
  FROM m_kept, m_g WHERE contact_id IS NOT NULL GROUP BY 1, 2
),
bal AS (
  SELECT account_id, contact_id, CASE WHEN g = 1 THEN channel END AS channel,
         sum(fx) / 4294967296.0 AS balance
  FROM m_ev, m_g GROUP BY 1, 2, 3
),
trust AS (
  SELECT account_id, channel, avg(floor(50 + 50 * tanh(balance / 4) + 0.5)) AS mean_trust
  FROM bal GROUP BY account_id, channel
),
-- Return on giving (§5): contact status per channel from that channel's
-- needs-ack rows; conversion events and purchases on any channel.
status AS (
  SELECT account_id, contact_id, CASE WHEN g = 1 THEN channel END AS channel,
         max(acked) AS a, max(NOT acked) AS u, min(t) AS first_at
  FROM m_na, m_g WHERE contact_id IS NOT NULL AND NOT pending
  GROUP BY 1, 2, 3
),
conv AS (
  SELECT account_id, contact_id, max(t) AS last_conv,
         coalesce(sum(value) FILTER (WHERE kind = 'purchase'), 0) AS value
  FROM m_kept WHERE kind IN ('lead', 'purchase') AND contact_id IS NOT NULL
  GROUP BY account_id, contact_id
),
roi AS (
  SELECT s.account_id, s.channel,
         count(*) FILTER (WHERE a AND NOT u) AS well,
         count(*) FILTER (WHERE a AND NOT u AND v.last_conv > s.first_at) AS well_conv,
         sum(coalesce(v.value, 0)) FILTER (WHERE a AND NOT u) AS well_value,
         count(*) FILTER (WHERE u AND NOT a) AS ignored,
         count(*) FILTER (WHERE u AND NOT a AND v.last_conv > s.first_at) AS ignored_conv
  FROM status s LEFT JOIN conv v ON v.account_id = s.account_id AND v.contact_id = s.contact_id
  GROUP BY s.account_id, s.channel
),
engaged AS (
  SELECT DISTINCT p.account_id, r.contact_id, r.t
  FROM m_kept r JOIN m_kept p ON p.id = r.parent
  JOIN gt_class c ON c.id = p.id
  WHERE r.inbound AND r.contact_id IS NOT NULL AND p.kind = 'post' AND NOT p.inbound AND c.label = 'give'
),
leads AS (
  SELECT l.account_id, CASE WHEN g = 1 THEN l.channel END AS channel, count(*) AS leads
  FROM m_kept l, m_g
  WHERE l.kind = 'lead' AND l.contact_id IS NOT NULL
    AND EXISTS (SELECT 1 FROM engaged e
                WHERE e.account_id = l.account_id AND e.contact_id = l.contact_id
                  AND e.t BETWEEN l.t - 2592000000000 AND l.t)
  GROUP BY 1, 2
),
anomaly_rows AS (
  SELECT account_id, CASE WHEN channel IN ('twitter', 'facebook', 'instagram', 'linkedin', 'other')
                          THEN channel END AS channel
  FROM m_raw WHERE NOT known OR dup_rank > 1
  UNION ALL
  SELECT account_id, channel FROM m_kept WHERE parent_id IS NOT NULL AND parent IS NULL
  UNION ALL
  SELECT account_id, channel FROM m_na WHERE skew
),
anomalies AS (
  SELECT account_id, NULL AS channel, count(*) AS n FROM anomaly_rows GROUP BY account_id
  UNION ALL
  SELECT account_id, channel, count(*) FROM anomaly_rows WHERE channel IS NOT NULL GROUP BY account_id, channel
),
scores AS (
  SELECT g.account_id, g.channel,
         coalesce(k.needs_ack, 0) AS needs_ack, coalesce(k.pending, 0) AS pending,
         coalesce(k.acknowledged, 0) AS acknowledged,
         CAST(k.acknowledged AS REAL) / nullif(k.needs_ack, 0) AS ack_rate,
         CAST(k.personal AS REAL) / nullif(k.acknowledged, 0) AS personal_rate,
         CAST(k.appreciative AS REAL) / nullif(k.acknowledged, 0) AS appreciative_rate,
         CAST(k.within AS REAL) / nullif(k.needs_ack, 0) AS sla_rate,
         pc.median_ack_s, pc.p90_ack_s,
         coalesce(t.give_posts, 0) AS give_posts, coalesce(t.take_posts, 0) AS take_posts,
         coalesce(t.neutral_posts, 0) AS neutral_posts,
         CAST(t.give_posts AS REAL) / nullif(t.give_posts + t.take_posts, 0) AS give_ratio,
         CAST(t.we_words AS REAL) / nullif(t.we_words + t.you_words, 0) AS me_index,
         CAST(t.replies AS REAL) / nullif(t.conversational, 0) AS reply_share,
         CAST(t.fitting AS REAL) / nullif(t.posts, 0) AS channel_fit,
         coalesce(ct.contacts, 0) AS contacts,
         tr.mean_trust AS mean_trust,
         CAST(r.well_conv AS REAL) / nullif(r.well, 0) AS conv_rate_ack,
         CAST(r.ignored_conv AS REAL) / nullif(r.ignored, 0) AS conv_rate_ignored,
         r.well_value / nullif(r.well, 0) AS value_per_ack_contact,
         coalesce(l.leads, 0) AS give_attributed_leads,
         coalesce(an.n, 0) AS anomalies
  FROM m_grp g
  LEFT JOIN ack k ON k.account_id = g.account_id AND k.channel IS g.channel
  LEFT JOIN pct pc ON pc.account_id = g.account_id AND pc.channel IS g.channel
  LEFT JOIN content t ON t.account_id = g.account_id AND t.channel IS g.channel
  LEFT JOIN contacts ct ON ct.account_id = g.account_id AND ct.channel IS g.channel
  LEFT JOIN trust tr ON tr.account_id = g.account_id AND tr.channel IS g.channel
  LEFT JOIN roi r ON r.account_id = g.account_id AND r.channel IS g.channel
  LEFT JOIN leads l ON l.account_id = g.account_id AND l.channel IS g.channel
  LEFT JOIN anomalies an ON an.account_id = g.account_id AND an.channel IS g.channel
)
SELECT account_id, channel, needs_ack, pending, acknowledged, ack_rate, personal_rate, appreciative_rate,
       sla_rate, median_ack_s, p90_ack_s, give_posts, take_posts, neutral_posts, give_ratio, me_index,
       reply_share, channel_fit, contacts, mean_trust, conv_rate_ack, conv_rate_ignored,
       CASE WHEN conv_rate_ignored > 0 THEN conv_rate_ack / conv_rate_ignored END AS conversion_lift,
       value_per_ack_contact, give_attributed_leads,
       100 * (coalesce(0.30 * ack_rate, 0) + coalesce(0.15 * personal_rate, 0) + coalesce(0.15 * sla_rate, 0)
              + coalesce(0.25 * min(1, give_ratio / 0.8), 0) + coalesce(0.15 * (1 - me_index), 0))
       / nullif(CASE WHEN ack_rate IS NULL THEN 0 ELSE 0.30 END + CASE WHEN personal_rate IS NULL THEN 0 ELSE 0.15 END
                + CASE WHEN sla_rate IS NULL THEN 0 ELSE 0.15 END + CASE WHEN give_ratio IS NULL THEN 0 ELSE 0.25 END
                + CASE WHEN me_index IS NULL THEN 0 ELSE 0.15 END, 0) AS health,
       anomalies
FROM scores
ORDER BY account_id, channel IS NOT NULL,
         CASE channel WHEN 'twitter' THEN 0 WHEN 'facebook' THEN 1 WHEN 'instagram' THEN 2
                      WHEN 'linkedin' THEN 3 ELSE 4 END;
