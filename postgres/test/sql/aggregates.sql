-- Aggregates on hand-made rows.
SET givetake.lexicon_mode = 'builtin';
CREATE TABLE posts (account_id int, body text);
INSERT INTO posts VALUES
 (1, 'Here''s how to fix it, a guide for you'),   -- give, you 1
 (1, 'Here''s how to fix it, a guide for you'),   -- give, you 1
 (1, 'Huge sale: 20% off, order now'),            -- take
 (1, 'We love our customers'),                    -- neutral, we 2
 (1, NULL),                                       -- ignored
 (2, 'just a normal day'),                        -- neutral, no we/you words
 (3, NULL);
-- account 1: give_ratio 2/(2+1), me_index 2/(2+2); accounts 2 and 3: NULL
SELECT account_id, round(givetake.give_ratio(body)::numeric, 6) AS give_ratio,
       givetake.me_index(body) AS me_index
FROM posts GROUP BY account_id ORDER BY account_id;
-- no rows at all
SELECT givetake.give_ratio(body), givetake.me_index(body) FROM posts WHERE false;
-- FILTER picks the spec's population (e.g. outbound posts)
SELECT givetake.give_ratio(body) FILTER (WHERE body LIKE 'Here%') FROM posts;

-- ack times below 64 s are exact: 1..10 s -> percentile_disc 0.5 = 5, 0.9 = 9
SELECT (givetake.ack_time_stats(s)).* FROM generate_series(1, 10) s;
SELECT givetake.ack_time_percentile(s, 0.5) AS p50, givetake.ack_time_percentile(s, 1.0) AS p100
FROM generate_series(1, 10) s;
-- interval input, NULLs skipped, negative times count as 0
SELECT (givetake.ack_time_stats(t)).* FROM (VALUES (interval '30 seconds'), (NULL), (interval '-5 seconds')) v(t);
-- no values: n = 0 and NULL percentiles
SELECT (givetake.ack_time_stats(s)).* FROM generate_series(1, 0) s;
SELECT givetake.ack_time_percentile(s, 0.5) FROM generate_series(1, 0) s;

-- larger times: within 1 s or 1 % of the exact percentile_disc
CREATE TABLE ack AS
SELECT (g % 7)::int AS grp, ((g * 7919) % 200000)::float8 + (g % 13) / 10.0 AS secs
FROM generate_series(1, 20000) g;
WITH h AS (SELECT grp, givetake.ack_time_stats(secs) AS s FROM ack GROUP BY grp),
     e AS (SELECT grp, percentile_disc(0.5) WITHIN GROUP (ORDER BY secs) AS m,
                  percentile_disc(0.9) WITHIN GROUP (ORDER BY secs) AS p FROM ack GROUP BY grp)
SELECT grp, (h.s).n,
       abs((h.s).median_s - e.m) <= greatest(1, 0.01 * e.m) AS median_ok,
       abs((h.s).p90_s - e.p) <= greatest(1, 0.01 * e.p) AS p90_ok
FROM h JOIN e USING (grp) ORDER BY grp;

-- the percentile must be constant and valid
SELECT givetake.ack_time_percentile(s, s / 10.0) FROM generate_series(1, 10) s;
SELECT givetake.ack_time_percentile(s, 1.5) FROM generate_series(1, 10) s;
-- NaN is not a time; infinity lands in the last bucket
SELECT givetake.ack_time_stats('NaN'::float8);
SELECT (givetake.ack_time_stats('infinity'::float8)).n;
