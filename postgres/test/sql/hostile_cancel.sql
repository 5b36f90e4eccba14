-- Cancellation: a huge text and a huge first compilation stop at
-- statement_timeout, and the backend keeps working. (The latency is
-- measured by postgres/bench/cancel_latency.sh, not asserted here.)
CREATE TEMP TABLE big (t text);
ALTER TABLE big ALTER COLUMN t SET STORAGE EXTERNAL;
INSERT INTO big SELECT repeat('sale, order now! ', 12500000);  -- 212 MB
SELECT octet_length(t) FROM big;
SET statement_timeout = '50ms';
SELECT givetake.classify(t) FROM big;
SELECT givetake.take_score(t) FROM big;
SELECT count(*) FROM big, givetake.explain(big.t);
SELECT givetake.is_appreciative(t) FROM big;
SELECT givetake.is_personal(t, 'Zed Q') FROM big;
SELECT givetake.classify_builtin(t) FROM big;
SELECT givetake.give_ratio(t) FROM big;
RESET statement_timeout;
SELECT givetake.classify('order now') AS alive;
DROP TABLE big;

-- 100,000 user cues: the first call compiles them; a timeout stops it, and
-- the next call compiles them all
INSERT INTO givetake.lexicon
    SELECT 'cue number ' || g || ' of many', CASE WHEN g % 2 = 0 THEN 'teaching' ELSE 'selling' END, 1
    FROM generate_series(1, 100000) g;
SET statement_timeout = '50ms';
\set VERBOSITY terse
SELECT givetake.classify('cue number 7 of many');
\set VERBOSITY default
RESET statement_timeout;
SELECT givetake.give_score('cue number 8 of many, cue number 100000 of many'),
       givetake.take_score('cue number 99999 of many');
TRUNCATE givetake.lexicon;
SELECT givetake.give_score('cue number 8 of many');
