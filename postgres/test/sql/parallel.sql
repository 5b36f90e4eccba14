-- A forced parallel plan computes Partial Aggregates in workers, merged by
-- the COMBINEFUNCs; results equal the serial plan. (percentile_cont cannot
-- be partially aggregated, ack_time_stats can.) A user lexicon row makes
-- the workers load the lexicon themselves.
INSERT INTO givetake.lexicon VALUES ('lorem', 'teaching', 1);
CREATE TABLE par AS
SELECT g AS id, (g % 13)::bigint AS account_id,
       (ARRAY['Here''s how to fix it, a guide for you', 'Huge sale: 20% off, order now',
              'We are proud of our new store', 'lorem for us', 'thanks!', NULL])[1 + g % 6] AS body,
       ((g * 7919) % 86400)::float8 AS secs
FROM generate_series(1, 60000) g;
ANALYZE par;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_result AS
SELECT account_id, givetake.give_ratio(body) AS gr, givetake.me_index(body) AS mi,
       givetake.ack_time_stats(secs) AS ack, givetake.ack_time_percentile(secs, 0.75) AS p75
FROM par GROUP BY account_id;
CREATE TEMP TABLE serial_total AS
SELECT givetake.give_ratio(body) AS gr, givetake.me_index(body) AS mi, givetake.ack_time_stats(secs) AS ack
FROM par;

SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;

EXPLAIN (COSTS OFF)
SELECT givetake.give_ratio(body), givetake.me_index(body), givetake.ack_time_stats(secs) FROM par;

-- grouped, compared with the serial result in one statement: its plan
-- must have a Gather and a Partial aggregate, and workers must have run
CREATE FUNCTION plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; plan text := '';
BEGIN
  FOR r IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
    plan := plan || r || E'\n';
  END LOOP;
  RETURN plan;
END $$;
CREATE VIEW compare AS
WITH p AS (SELECT account_id, givetake.give_ratio(body) AS gr, givetake.me_index(body) AS mi,
                  givetake.ack_time_stats(secs)::text AS ack, givetake.ack_time_percentile(secs, 0.75) AS p75
           FROM par GROUP BY account_id),
     s AS (SELECT account_id, gr, mi, ack::text, p75 FROM serial_result)
SELECT (SELECT count(*) FROM p) AS groups,
       (SELECT count(*) FROM ((SELECT * FROM p EXCEPT SELECT * FROM s)
                              UNION ALL (SELECT * FROM s EXCEPT SELECT * FROM p)) d) AS differences;
SELECT p ~ 'Gather' AS gather, p ~ 'Partial (Hash|Group)?Aggregate' AS partial,
       p ~ 'Workers Launched: [1-9]' AS workers_ran
FROM plan_of('SELECT * FROM compare') p;
-- equal, row for row
SELECT * FROM compare;

-- whole-table aggregates too, and the scalar functions in a parallel scan
SELECT s.gr = p.gr AS same_ratio, s.mi = p.mi AS same_me_index, s.ack::text = p.ack::text AS same_ack
FROM serial_total s,
     (SELECT givetake.give_ratio(body) AS gr, givetake.me_index(body) AS mi,
             givetake.ack_time_stats(secs) AS ack FROM par) p;
SELECT givetake.classify(body), count(*) FROM par GROUP BY 1 ORDER BY 1;

TRUNCATE givetake.lexicon;
