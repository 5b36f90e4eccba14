-- Compares givetake.score_turns, score_accounts and score_agents over the
-- view named by the psql variable src with the plain-SQL reference
-- (reference.sql); prints the figures and fails (ERROR) on any difference.
-- Times: exact for turns; medians and p90 within 1 s or 1 % (the engine
-- may use a histogram, spec section 3).
SET client_min_messages = warning;
DROP TABLE IF EXISTS ref_t, eng_t, ref_a, eng_a, ref_g, eng_g;
CREATE TEMP TABLE ref_t AS SELECT * FROM cw_ref_turns(:'src');
CREATE TEMP TABLE eng_t AS SELECT * FROM givetake.score_turns(:'src');
CREATE TEMP TABLE ref_a AS SELECT * FROM cw_ref_accounts(:'src');
CREATE TEMP TABLE eng_a AS SELECT * FROM givetake.score_accounts(:'src');
CREATE TEMP TABLE ref_g AS
    SELECT account_id, agent_id, count(*) AS acknowledged,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY time_to_ack_s) AS median_ack_s,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY time_to_ack_s) AS p90_ack_s
    FROM ref_t WHERE status = 'acknowledged' GROUP BY account_id, agent_id;
CREATE TEMP TABLE eng_g AS SELECT * FROM givetake.score_agents(:'src');

CREATE FUNCTION pg_temp.same(a float8, b float8, tol float8) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= tol $$;
CREATE FUNCTION pg_temp.near(a float8, b float8) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= greatest(1, 0.01 * abs(b)) $$;

CREATE TEMP VIEW turn_diffs AS
SELECT coalesce(r.account_id, e.account_id) AS account_id, coalesce(r.turn_id, e.turn_id) AS turn_id,
       r.status AS ref_status, e.status AS eng_status, r.first_ack_id AS ref_ack, e.first_ack_id AS eng_ack,
       r.time_to_ack_s AS ref_tta, e.time_to_ack_s AS eng_tta
FROM ref_t r FULL JOIN eng_t e USING (account_id, turn_id)
WHERE r.turn_id IS NULL OR e.turn_id IS NULL
   OR (r.thread_id, r.contact_id, r.channel, r.started_at, r.inbound_rows, r.status, r.first_ack_id,
       r.agent_id, r.personal, r.appreciative, r.within_sla)
      IS DISTINCT FROM
      (e.thread_id, e.contact_id, e.channel, e.started_at, e.inbound_rows, e.status, e.first_ack_id,
       e.agent_id, e.personal, e.appreciative, e.within_sla)
   OR NOT pg_temp.same(r.time_to_ack_s, e.time_to_ack_s, 1e-6);

-- score_accounts also has rows for channels without turns: zero counts there
CREATE TEMP VIEW account_diffs AS
SELECT e.account_id, e.channel
FROM eng_a e FULL JOIN ref_a r ON r.account_id = e.account_id AND r.channel IS NOT DISTINCT FROM e.channel
WHERE e.account_id IS NULL
   OR (coalesce(r.needs_ack, 0), coalesce(r.pending, 0), coalesce(r.acknowledged, 0))
      IS DISTINCT FROM (e.needs_ack, e.pending, e.acknowledged)
   OR NOT pg_temp.same(r.ack_rate, e.ack_rate, 1e-9)
   OR NOT pg_temp.same(r.personal_rate, e.personal_rate, 1e-9)
   OR NOT pg_temp.same(r.appreciative_rate, e.appreciative_rate, 1e-9)
   OR NOT pg_temp.same(r.sla_rate, e.sla_rate, 1e-9)
   OR NOT pg_temp.near(r.median_ack_s, e.median_ack_s)
   OR NOT pg_temp.near(r.p90_ack_s, e.p90_ack_s);

-- score_agents also has agents whose answers were never a first acknowledgement
CREATE TEMP VIEW agent_diffs AS
SELECT coalesce(e.account_id, r.account_id) AS account_id, coalesce(e.agent_id, r.agent_id) AS agent_id
FROM eng_g e FULL JOIN ref_g r ON r.account_id = e.account_id AND r.agent_id IS NOT DISTINCT FROM e.agent_id
WHERE e.account_id IS NULL
   OR coalesce(r.acknowledged, 0) <> e.acknowledged
   OR NOT pg_temp.near(r.median_ack_s, e.median_ack_s)
   OR NOT pg_temp.near(r.p90_ack_s, e.p90_ack_s);

\echo == turns (engine) by status
SELECT status, count(*) AS turns, sum(inbound_rows) AS inbound_rows, count(agent_id) AS by_agent
FROM eng_t GROUP BY 1 ORDER BY 1;
\echo == score_accounts (engine)
SELECT account_id, account_name, channel, needs_ack, pending, acknowledged,
       round(ack_rate::numeric, 4) AS ack_rate, round(personal_rate::numeric, 4) AS personal,
       round(appreciative_rate::numeric, 4) AS apprec, round(sla_rate::numeric, 4) AS sla,
       median_ack_s, p90_ack_s
FROM eng_a ORDER BY 1, 3 NULLS FIRST;
\echo == score_agents (engine)
SELECT account_id, agent_id, acknowledged, median_ack_s, p90_ack_s,
       round(personal_rate::numeric, 4) AS personal, round(sla_rate::numeric, 4) AS sla
FROM eng_g ORDER BY 1, 2 NULLS LAST;
\echo == differences from the reference (first 10 of each)
SELECT * FROM turn_diffs ORDER BY account_id, turn_id LIMIT 10;
SELECT * FROM account_diffs ORDER BY 1, 2 NULLS FIRST LIMIT 10;
SELECT * FROM agent_diffs ORDER BY 1, 2 NULLS LAST LIMIT 10;
SELECT max(abs(e.median_ack_s - r.median_ack_s)) AS max_median_diff_s,
       max(abs(e.p90_ack_s - r.p90_ack_s)) AS max_p90_diff_s
FROM eng_a e JOIN ref_a r ON r.account_id = e.account_id AND r.channel IS NOT DISTINCT FROM e.channel;
SELECT (SELECT count(*) FROM ref_t) AS turns, (SELECT count(*) FROM turn_diffs) AS turn_diffs,
       (SELECT count(*) FROM eng_a) AS account_rows, (SELECT count(*) FROM account_diffs) AS account_diffs,
       (SELECT count(*) FROM eng_g) AS agent_rows, (SELECT count(*) FROM agent_diffs) AS agent_diffs;
DO $$
BEGIN
    IF EXISTS (SELECT FROM turn_diffs) OR EXISTS (SELECT FROM account_diffs)
       OR EXISTS (SELECT FROM agent_diffs) THEN
        RAISE EXCEPTION 'chatwoot check: the engine differs from the reference (see above)';
    END IF;
END
$$;
