-- The aggregates' transition states are plain bytea values with a fixed,
-- versioned layout: what they hold, partial aggregation over them
-- (parallel workers, partitions, two levels as Citus runs it) giving the
-- single-level answers, and malformed states as clear errors.
SET givetake.lexicon_mode = 'builtin';

-- bytea states (a pseudo-type such as internal would keep Citus from
-- splitting them), all with a combine function, all parallel safe
SELECT p.oid::regprocedure AS aggregate, format_type(a.aggtranstype, NULL) AS stype,
       a.aggcombinefn <> 0 AS has_combine, a.aggserialfn = 0 AS no_serialfunc, p.proparallel
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'givetake'::regnamespace ORDER BY 1::text;

-- Aggregates over givetake's own functions that stop at the state (as
-- Citus's worker_partial_agg does) and that combine states and finish (as
-- its coord_combine_agg does).
CREATE AGGREGATE st_text(text) (SFUNC = givetake._text_accum, STYPE = bytea,
    COMBINEFUNC = givetake._text_combine, PARALLEL = SAFE);
CREATE AGGREGATE st_ack(float8) (SFUNC = givetake._ack_accum, STYPE = bytea,
    COMBINEFUNC = givetake._ack_combine, PARALLEL = SAFE);
CREATE AGGREGATE st_ack_p(float8, float8) (SFUNC = givetake._ack_accum_p, STYPE = bytea,
    COMBINEFUNC = givetake._ack_combine, PARALLEL = SAFE);
CREATE AGGREGATE st_give_ratio(bytea) (SFUNC = givetake._text_combine, STYPE = bytea,
    FINALFUNC = givetake._give_ratio_final);
CREATE AGGREGATE st_me_index(bytea) (SFUNC = givetake._text_combine, STYPE = bytea,
    FINALFUNC = givetake._me_index_final);
CREATE AGGREGATE st_ack_stats(bytea) (SFUNC = givetake._ack_combine, STYPE = bytea,
    FINALFUNC = givetake._ack_stats_final);
CREATE AGGREGATE st_ack_percentile(bytea) (SFUNC = givetake._ack_combine, STYPE = bytea,
    FINALFUNC = givetake._ack_percentile_final);
-- States built byte by byte in SQL: a little-endian integer of `width`
-- bytes, a float8 in little-endian order, a text state and a histogram.
CREATE FUNCTION st_le(v bigint, width int) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$ SELECT decode(string_agg(lpad(to_hex((v >> (8 * i)) & 255), 2, '0'), '' ORDER BY i), 'hex')
   FROM generate_series(0, width - 1) i $$;
CREATE FUNCTION st_f8(v float8) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$ SELECT decode(string_agg(substr(encode(float8send(v), 'hex'), 2 * j + 1, 2), '' ORDER BY j DESC), 'hex')
   FROM generate_series(0, 7) j $$;
CREATE FUNCTION st_tx(give bigint, take bigint, neutral bigint, we bigint, you bigint,
                      version int DEFAULT 1) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$ SELECT 'GTTX'::bytea || st_le(version, 4) || st_le(give, 8) || st_le(take, 8) || st_le(neutral, 8)
          || st_le(we, 8) || st_le(you, 8) $$;
CREATE FUNCTION st_hist(nbuckets int, n bigint, p float8, counts bigint[],
                        reserved int DEFAULT 0, version int DEFAULT 1) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$ SELECT 'GTAH'::bytea || st_le(version, 4) || st_le(nbuckets, 4) || st_le(reserved, 4) || st_le(n, 8)
          || st_f8(p) || coalesce((SELECT string_agg(st_le(c, 8), ''::bytea ORDER BY o)
                                   FROM unnest(counts) WITH ORDINALITY u(c, o)), '') $$;

-- Layout of the text state: "GTTX", version 1, then give, take, neutral,
-- we-words, you-words as little-endian int64 (here 1, 1, 1, 2, 1).
WITH s AS (SELECT st_text(b) AS s
           FROM (VALUES ('Here''s how to fix it, a guide for you'), ('Huge sale: 20% off, order now'),
                        ('We love our customers'), (NULL)) v(b))
SELECT s, s = st_tx(1, 1, 1, 2, 1) AS as_documented FROM s;
-- Layout of the histogram state: "GTAH", version 1, nbuckets, 0, n, p
-- (float8), then nbuckets counts. Below 64 s a bucket is a second, and
-- the first value makes room for 64 buckets.
WITH s AS (SELECT st_ack_p(x, 0.5) AS s FROM (VALUES (1.2), (1.9), (5), (NULL)) v(x))
SELECT substr(s, 1, 32) AS header, length(s),
       s = st_hist(64, 3, 0.5, (SELECT array_agg(CASE i WHEN 1 THEN 2 WHEN 5 THEN 1 ELSE 0 END ORDER BY i)
                                FROM generate_series(0, 63) i)) AS as_documented,
       givetake._ack_percentile_final(s) AS p50
FROM s;
-- a state holding only NULL inputs: header only
SELECT st_ack(x) FROM (VALUES (NULL::float8)) v(x);
-- empty input: no state at all, and the finals give the empty answers
SELECT st_text(b) IS NULL AS no_state, givetake.give_ratio(b), (givetake.ack_time_stats(b::float8)).*
FROM (VALUES (NULL::text)) v(b) WHERE false;

-- ---- Two levels, as Citus runs them ----------------------------------------
CREATE TABLE st_rows AS
SELECT g AS id, (g % 11) AS account_id, (g % 7) AS grp,
       (ARRAY['Here''s how to fix it, a guide for you', 'Huge sale: 20% off, order now',
              'We are proud of our new store', 'thanks!', NULL])[1 + g % 5] AS body,
       ((g::bigint * 7919) % 200000)::float8 + (g % 13) / 10.0 AS secs
FROM generate_series(1, 30000) g;
ANALYZE st_rows;
-- states per account, shipped as text (Citus sends byteaout and reads
-- byteain), combined: the same answers as one level over all rows
CREATE TEMP TABLE st_one AS
SELECT grp, givetake.give_ratio(body) AS gr, givetake.me_index(body) AS mi,
       givetake.ack_time_stats(secs)::text AS stats, givetake.ack_time_percentile(secs, 0.9) AS p90
FROM st_rows GROUP BY grp;
CREATE TEMP TABLE st_two AS
SELECT grp, st_give_ratio(ts::text::bytea) AS gr, st_me_index(ts::text::bytea) AS mi,
       st_ack_stats(hs::text::bytea)::text AS stats, st_ack_percentile(hp::text::bytea) AS p90
FROM (SELECT account_id, grp, st_text(body) AS ts, st_ack(secs) AS hs, st_ack_p(secs, 0.9) AS hp
      FROM st_rows GROUP BY account_id, grp) per_account
GROUP BY grp;
SELECT (SELECT count(*) FROM st_one) AS groups,
       (SELECT count(*) FROM ((TABLE st_one EXCEPT TABLE st_two) UNION ALL (TABLE st_two EXCEPT TABLE st_one)) d)
       AS differences;
SELECT * FROM st_one ORDER BY grp LIMIT 2;
-- the combined text state is byte for byte the single-level one
SELECT (SELECT st_text(body) FROM st_rows) =
       (SELECT givetake._text_combine(givetake._text_combine(NULL, a.s), b.s)
        FROM (SELECT st_text(body) AS s FROM st_rows WHERE id % 2 = 0) a,
             (SELECT st_text(body) AS s FROM st_rows WHERE id % 2 = 1) b) AS same_bytes;

-- ---- Partitions: partial aggregates per partition, combined ----------------
CREATE TABLE st_part (LIKE st_rows) PARTITION BY HASH (account_id);
CREATE TABLE st_part_0 PARTITION OF st_part FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE st_part_1 PARTITION OF st_part FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE st_part_2 PARTITION OF st_part FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO st_part SELECT * FROM st_rows;
ANALYZE st_part;
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF)
SELECT grp, givetake.give_ratio(body), givetake.ack_time_percentile(secs, 0.9) FROM st_part GROUP BY grp;
CREATE TEMP TABLE st_parts AS
SELECT grp, givetake.give_ratio(body) AS gr, givetake.me_index(body) AS mi,
       givetake.ack_time_stats(secs)::text AS stats, givetake.ack_time_percentile(secs, 0.9) AS p90
FROM st_part GROUP BY grp;
SELECT count(*) AS differences
FROM ((TABLE st_one EXCEPT TABLE st_parts) UNION ALL (TABLE st_parts EXCEPT TABLE st_one)) d;
RESET enable_partitionwise_aggregate;

-- ---- Parallel workers: states cross the Gather as bytea --------------------
CREATE TABLE st_big AS
SELECT g AS id, (g % 97) AS account_id, ((g::bigint * 104729) % 3000000)::float8 / 7 AS secs,
       make_interval(secs => (g % 5000)::float8) AS span
FROM generate_series(1, 200000) g;
ANALYZE st_big;
CREATE TEMP TABLE st_serial AS
SELECT givetake.ack_time_percentile(secs, 0.9) AS p90, givetake.ack_time_percentile(secs, 0.01) AS p01,
       givetake.ack_time_stats(secs)::text AS stats, givetake.ack_time_stats(span)::text AS span_stats
FROM st_big;
CREATE TEMP TABLE st_serial_grouped AS
SELECT account_id, givetake.ack_time_percentile(secs, 0.5) AS p50, givetake.ack_time_stats(span)::text AS span_stats
FROM st_big GROUP BY account_id;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT givetake.ack_time_percentile(secs, 0.9), givetake.ack_time_stats(span) FROM st_big;
CREATE FUNCTION st_plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; plan text := '';
BEGIN
  FOR r IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
    plan := plan || r || E'\n';
  END LOOP;
  RETURN plan;
END $$;
CREATE VIEW st_parallel AS
SELECT givetake.ack_time_percentile(secs, 0.9) AS p90, givetake.ack_time_percentile(secs, 0.01) AS p01,
       givetake.ack_time_stats(secs)::text AS stats, givetake.ack_time_stats(span)::text AS span_stats
FROM st_big;
CREATE VIEW st_parallel_grouped AS
SELECT account_id, givetake.ack_time_percentile(secs, 0.5) AS p50, givetake.ack_time_stats(span)::text AS span_stats
FROM st_big GROUP BY account_id;
SELECT q, p ~ 'Gather' AS gather, p ~ 'Partial (Hash|Group)?Aggregate' AS partial,
       p ~ 'Workers Launched: [1-9]' AS workers_ran
FROM (VALUES ('st_parallel'), ('st_parallel_grouped')) v(q), st_plan('SELECT * FROM ' || q) p;
SELECT s = p AS same_whole_table, p.* FROM st_serial s, st_parallel p;
SELECT count(*) AS differences
FROM ((TABLE st_serial_grouped EXCEPT TABLE st_parallel_grouped)
      UNION ALL (TABLE st_parallel_grouped EXCEPT TABLE st_serial_grouped)) d;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;

-- ---- In place, but never behind the executor's back --------------------------
-- window frames: a running and a moving frame read the state mid-way
SELECT x, (givetake.ack_time_stats(x) OVER (ORDER BY x)).median_s AS running_median,
       (givetake.ack_time_stats(x) OVER (ORDER BY x ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)).n AS moving_n,
       givetake.ack_time_percentile(x, 1) OVER (ORDER BY x ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving_max
FROM generate_series(1, 6) x;
-- a direct call works on a copy: its argument is left as it was
WITH s AS (SELECT st_ack(x) AS s FROM generate_series(1, 3) x)
SELECT (givetake._ack_stats_final(givetake._ack_combine(s, s))).n AS combined_n,
       (givetake._ack_stats_final(givetake._ack_accum(s, 100))).n AS added_n,
       (givetake._ack_stats_final(s)).n AS original_n
FROM s;
SELECT givetake._give_ratio_final(givetake._text_accum(NULL, 'how to fix it')) AS direct_give_ratio;

-- ---- Malformed states: an ERROR naming the problem, never a crash ---------
-- text: too short, wrong magic, another version, wrong length, negative count
SELECT givetake._give_ratio_final('\x');
SELECT givetake._give_ratio_final('\x0000000001000000');
SELECT givetake._me_index_final(st_tx(1, 0, 0, 0, 0, version => 2));
SELECT givetake._me_index_final(substr(st_tx(1, 0, 0, 0, 0), 1, 40));
SELECT givetake._give_ratio_final(st_tx(1, -1, 0, 0, 0));
SELECT givetake._text_accum('GTTX', 'how to fix it');
SELECT givetake._text_combine(st_tx(1, 0, 0, 0, 0), st_tx(0, 0, -5, 0, 0));
SELECT givetake._text_combine(st_tx(9223372036854775807, 0, 0, 0, 0), st_tx(1, 0, 0, 0, 0));
-- a text state is not a histogram state, nor the reverse
SELECT givetake._ack_stats_final(st_tx(1, 0, 0, 0, 0));
SELECT givetake._give_ratio_final(st_hist(0, 0, 'NaN', '{}'));
-- histogram: header cut short, too many buckets, a length that does not
-- match them (a write past the end if trusted), reserved word, version, n, p
SELECT givetake._ack_stats_final(substr(st_hist(0, 0, 'NaN', '{}'), 1, 12));
SELECT givetake._ack_stats_final(st_hist(5000, 0, 'NaN', '{}'));
SELECT givetake._ack_accum(st_hist(1792, 0, 'NaN', '{}'), 5000);
SELECT givetake._ack_accum(st_hist(0, 0, 'NaN', '{}', reserved => 1), 1);
SELECT givetake._ack_accum(st_hist(0, 0, 'NaN', '{}', version => 0), 1);
SELECT givetake._ack_accum(st_hist(0, -1, 'NaN', '{}'), 1);
SELECT givetake._ack_accum_p(st_hist(0, 0, -2, '{}'), 1, 0.5);
-- counts: negative, or not adding up to n
SELECT givetake._ack_stats_final(st_hist(4, 0, 'NaN', '{0, 0, -1, 1}'));
SELECT givetake._ack_stats_final(st_hist(4, 2, 'NaN', '{0, 0, 0, 1}'));
SELECT givetake._ack_combine(NULL, st_hist(4, 2, 'NaN', '{0, 0, 0, 1}'));
-- values but no p, for the percentile; p must agree across combined states
SELECT givetake._ack_percentile_final(st_hist(4, 1, 'NaN', '{0, 0, 0, 1}'));
SELECT givetake._ack_combine(givetake._ack_accum_p(NULL, 1, 0.5), givetake._ack_accum_p(NULL, 1, 0.9));
-- counts past bigint: an ERROR, not a wrap
SELECT givetake._ack_combine(st_hist(4, 9223372036854775807, 'NaN', '{0, 0, 0, 9223372036854775807}'),
                             st_hist(4, 1, 'NaN', '{0, 0, 0, 1}'));
-- the same as the INITCOND of a user's aggregate, where the state is
-- updated in place: checked before the first write
DO $$ BEGIN
  EXECUTE format('CREATE AGGREGATE st_evil(float8) (SFUNC = givetake._ack_accum, STYPE = bytea,
                  FINALFUNC = givetake._ack_stats_final, INITCOND = %L)', st_hist(1792, 0, 'NaN', '{}'));
  EXECUTE format('CREATE AGGREGATE st_evil_counts(float8) (SFUNC = givetake._ack_accum, STYPE = bytea,
                  FINALFUNC = givetake._ack_stats_final, INITCOND = %L)', st_hist(1, 0, 'NaN', '{9}'));
  EXECUTE format('CREATE AGGREGATE st_evil_text(text) (SFUNC = givetake._text_accum, STYPE = bytea,
                  FINALFUNC = givetake._give_ratio_final, INITCOND = %L)', substr(st_tx(0, 0, 0, 0, 0), 1, 9));
  EXECUTE format('CREATE AGGREGATE st_evil_merge(bytea) (SFUNC = givetake._ack_combine, STYPE = bytea,
                  FINALFUNC = givetake._ack_stats_final, INITCOND = %L)', st_hist(1792, 0, 'NaN', '{}'));
  EXECUTE format('CREATE AGGREGATE st_seeded(float8) (SFUNC = givetake._ack_accum, STYPE = bytea,
                  FINALFUNC = givetake._ack_stats_final, INITCOND = %L)', st_hist(1, 2, 'NaN', '{2}'));
END $$;
SELECT st_evil(x) FROM generate_series(1, 3) x;
SELECT st_evil_merge(s) FROM (VALUES (givetake._ack_accum(NULL, 9000))) v(s);
SELECT st_evil_counts(x) FROM generate_series(1, 3) x;
SELECT st_evil_text(b) FROM (VALUES ('how to fix it')) v(b);
-- a valid INITCOND is simply a starting state (two values of 0 s)
SELECT (st_seeded(x)).* FROM (VALUES (0.5), (40)) v(x);

-- functions declared with internal states (a catalog from an older build)
-- are refused, not handed states the executor would not copy
CREATE FUNCTION st_old_accum(internal, float8) RETURNS internal
    AS '$libdir/givetake', 'gt_pg_ack_accum' LANGUAGE C;
CREATE FUNCTION st_old_final(internal) RETURNS float8
    AS '$libdir/givetake', 'gt_pg_ack_percentile_final' LANGUAGE C;
CREATE AGGREGATE st_old(float8) (SFUNC = st_old_accum, STYPE = internal, FINALFUNC = st_old_final);
SELECT st_old(x) FROM generate_series(1, 3) x;
DROP AGGREGATE st_old(float8);
DROP FUNCTION st_old_accum(internal, float8), st_old_final(internal);

DROP AGGREGATE st_evil(float8), st_evil_merge(bytea), st_evil_counts(float8), st_evil_text(text), st_seeded(float8);
DROP VIEW st_parallel, st_parallel_grouped;
DROP FUNCTION st_plan(text), st_hist(int, bigint, float8, bigint[], int, int),
    st_tx(bigint, bigint, bigint, bigint, bigint, int), st_le(bigint, int), st_f8(float8);
DROP TABLE st_rows, st_part, st_big;
DROP AGGREGATE st_text(text), st_ack(float8), st_ack_p(float8, float8), st_give_ratio(bytea),
    st_me_index(bytea), st_ack_stats(bytea), st_ack_percentile(bytea);
