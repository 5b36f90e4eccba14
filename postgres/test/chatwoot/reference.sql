-- Plain-SQL reference of the acknowledgement turns (spec v2 section 3) for
-- a source whose needs-ack rows all carry a thread_id, as the Chatwoot view
-- does; default settings: ack_unit turn, calendar SLA clock, default
-- targets, as_of = the source's latest created_at. Used to check
-- givetake.score_turns and score_accounts over givetake.chatwoot_view.

-- One row per turn, with the spec's turn columns.
CREATE FUNCTION cw_ref_turns(src regclass)
RETURNS TABLE (account_id bigint, turn_id bigint, thread_id bigint, contact_id bigint,
    channel text, started_at timestamptz, inbound_rows bigint, status text,
    first_ack_id bigint, agent_id bigint, time_to_ack_s float8, personal boolean,
    appreciative boolean, within_sla boolean)
LANGUAGE plpgsql STABLE AS $f$
BEGIN
    RETURN QUERY EXECUTE format($q$
WITH src AS (
    SELECT s.*, s.inbound AND NOT coalesce(s.automated, false)
                AND s.kind IN ('comment', 'mention', 'message', 'reply') AS needs,
           NOT s.inbound AND NOT coalesce(s.automated, false) AS answer
    FROM %s s),
as_of AS (SELECT max(created_at) AS t FROM src),
-- A needs-ack row's turn within its thread: the number of answers before
-- it (at equal created_at the inbound row comes first).
numbered AS (
    SELECT src.*, count(*) FILTER (WHERE answer) OVER (
               PARTITION BY src.account_id, src.thread_id ORDER BY src.created_at, answer, src.id
               ROWS UNBOUNDED PRECEDING) AS seg
    FROM src WHERE src.thread_id IS NOT NULL),
turn_rows AS (SELECT * FROM numbered WHERE needs),
turns AS (
    SELECT r.account_id, r.thread_id, r.seg,
           (array_agg(r.id ORDER BY r.created_at, r.id))[1] AS turn_id,
           min(r.created_at) AS started_at, count(*) AS inbound_rows,
           (array_agg(r.contact_id ORDER BY r.created_at, r.id))[1] AS contact_id,
           (array_agg(r.channel ORDER BY r.created_at, r.id))[1] AS channel,
           (array_agg(r.author_name ORDER BY r.created_at, r.id)
                FILTER (WHERE r.author_name IS NOT NULL))[1] AS author_name
    FROM turn_rows r GROUP BY r.account_id, r.thread_id, r.seg),
-- What acknowledges a turn: an answer in its thread at or after its start,
-- or a direct reply (parent_id) to any of its rows.
candidates AS (
    SELECT t.account_id, t.thread_id, t.seg, a.id, a.created_at
    FROM turns t JOIN numbered a ON a.answer AND a.account_id = t.account_id
                                AND a.thread_id = t.thread_id AND a.created_at >= t.started_at
    UNION ALL
    SELECT r.account_id, r.thread_id, r.seg, a.id, a.created_at
    FROM turn_rows r JOIN src a ON a.answer AND a.account_id = r.account_id
                               AND a.parent_id = r.id AND a.parent_id <> a.id),
first_ack AS (
    SELECT DISTINCT ON (c.account_id, c.thread_id, c.seg) c.account_id, c.thread_id, c.seg, c.id
    FROM candidates c ORDER BY c.account_id, c.thread_id, c.seg, c.created_at, c.id),
judged AS (
    SELECT t.*, a.id AS ack_id, a.agent_id AS ack_agent, a.body AS ack_body,
           CASE WHEN a.id IS NOT NULL
                THEN greatest(0, extract(epoch FROM a.created_at - t.started_at))::float8 END AS tta,
           CASE t.channel WHEN 'twitter' THEN 3600 WHEN 'facebook' THEN 14400
                          WHEN 'instagram' THEN 14400 ELSE 86400 END AS target
    FROM turns t
    LEFT JOIN first_ack f USING (account_id, thread_id, seg)
    LEFT JOIN src a ON a.id = f.id AND a.account_id = f.account_id)
SELECT j.account_id, j.turn_id, j.thread_id, j.contact_id, j.channel, j.started_at, j.inbound_rows,
       CASE WHEN j.ack_id IS NOT NULL THEN 'acknowledged'
            WHEN extract(epoch FROM (SELECT t FROM as_of) - j.started_at) < j.target THEN 'pending'
            ELSE 'unacknowledged' END,
       j.ack_id, j.ack_agent, j.tta,
       CASE WHEN j.ack_id IS NOT NULL THEN givetake.is_personal(j.ack_body, j.author_name) END,
       CASE WHEN j.ack_id IS NOT NULL THEN givetake.is_appreciative(j.ack_body) END,
       CASE WHEN j.ack_id IS NOT NULL THEN j.tta <= j.target END
FROM judged j$q$, src);
END
$f$;

-- The acknowledgement columns of score_accounts: per account (channel
-- NULL) and per account x channel that has turns.
CREATE FUNCTION cw_ref_accounts(src regclass)
RETURNS TABLE (account_id bigint, channel text, needs_ack bigint, pending bigint,
    acknowledged bigint, ack_rate float8, personal_rate float8, appreciative_rate float8,
    sla_rate float8, median_ack_s float8, p90_ack_s float8)
LANGUAGE sql STABLE AS $f$
    SELECT t.account_id, t.channel,
           count(*) FILTER (WHERE t.status <> 'pending'),
           count(*) FILTER (WHERE t.status = 'pending'),
           count(*) FILTER (WHERE t.status = 'acknowledged'),
           (count(*) FILTER (WHERE t.status = 'acknowledged'))::float8
               / nullif(count(*) FILTER (WHERE t.status <> 'pending'), 0),
           (count(*) FILTER (WHERE t.personal))::float8
               / nullif(count(*) FILTER (WHERE t.status = 'acknowledged'), 0),
           (count(*) FILTER (WHERE t.appreciative))::float8
               / nullif(count(*) FILTER (WHERE t.status = 'acknowledged'), 0),
           (count(*) FILTER (WHERE t.within_sla))::float8
               / nullif(count(*) FILTER (WHERE t.status <> 'pending'), 0),
           percentile_disc(0.5) WITHIN GROUP (ORDER BY t.time_to_ack_s)
               FILTER (WHERE t.status = 'acknowledged'),
           percentile_disc(0.9) WITHIN GROUP (ORDER BY t.time_to_ack_s)
               FILTER (WHERE t.status = 'acknowledged')
    FROM cw_ref_turns(src) t
    GROUP BY GROUPING SETS ((t.account_id), (t.account_id, t.channel))
$f$;
