#!/usr/bin/env bash
# Benchmark of the PostgreSQL extension (not a test; prints figures only).
# Starts a throwaway cluster, generates N short-post interactions
# (test/gen_interactions.sql, default 1 M) and times, as the median of
# REPS runs:
#   - SELECT givetake.classify(body) vs SELECT length(body), serial and with
#     2 parallel workers (count() over the expression, so no rows reach the
#     client);
#   - the give_ratio/me_index and ack-time aggregates, and ack_time_stats vs
#     percentile_disc, serial and parallel;
#   - score_accounts vs the same metrics in plain SQL (bench/sql/postgres,
#     one run: it takes minutes);
#   - backend RSS before and after 3 M classify calls (memory per call).
# Needs the extension installed (make -C postgres install).
# Usage: bench.sh [rows] [reps]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PGDIR="$(dirname "$HERE")"
ROOT="$(dirname "$PGDIR")"
ROWS="${1:-1000000}"
REPS="${2:-5}"
export GT_EXTRA_CONF="shared_buffers = 1GB
work_mem = 256MB
max_parallel_workers = 4
jit = off"
# shellcheck source=../test/cluster.sh
source "$PGDIR/test/cluster.sh"
trap gt_stop_all EXIT
gt_start bench
q() { psql -X -q -v ON_ERROR_STOP=1 -h "$GT_TMP" -p "$GT_PORT" -U postgres -d postgres "$@"; }

q -c "CREATE EXTENSION givetake" -f "$PGDIR/test/gen_interactions.sql" >/dev/null
q <<SQL
CREATE TABLE interactions AS SELECT * FROM gen_interactions($ROWS, 1000);
VACUUM ANALYZE interactions;
CREATE TABLE ack_times AS
SELECT i.account_id, extract(epoch FROM o.created_at - i.created_at)::float8 AS secs
FROM interactions i JOIN interactions o ON o.parent_id = i.id AND o.account_id = i.account_id
WHERE i.inbound AND NOT o.inbound;
VACUUM ANALYZE ack_times;
-- median wall time in ms of REPS runs of a query
CREATE FUNCTION bench(q text, reps int) RETURNS numeric LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz; ts numeric[] := '{}';
BEGIN
  EXECUTE q;                                  -- warm-up
  FOR i IN 1..reps LOOP
    t0 := clock_timestamp();
    EXECUTE q;
    ts := ts || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
  END LOOP;
  RETURN round((SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ts) x), 1);
END \$\$;
SQL
echo "rows: $(q -At -c "SELECT count(*) FROM interactions"), ack times: $(q -At -c "SELECT count(*) FROM ack_times"), avg body $(q -At -c "SELECT round(avg(octet_length(body)),1) FROM interactions") bytes, $REPS runs each, median ms"

run() { # label, workers, query
    local ms
    ms=$(q -At -c "SET max_parallel_workers_per_gather = $2" -c "SELECT bench(\$q\$$3\$q\$, $REPS)")
    printf '%-58s %10s ms\n' "$1 (workers $2)" "$ms"
}
for w in 0 2; do
    run "SELECT length(body)" $w "SELECT count(x) FROM (SELECT length(body) AS x FROM interactions) s"
    run "SELECT givetake.classify(body)" $w "SELECT count(x) FROM (SELECT givetake.classify(body) AS x FROM interactions) s"
    run "give_ratio + me_index GROUP BY account" $w "SELECT account_id, givetake.give_ratio(body), givetake.me_index(body) FROM interactions GROUP BY 1"
    run "ack_time_stats GROUP BY account" $w "SELECT account_id, givetake.ack_time_stats(secs) FROM ack_times GROUP BY 1"
    run "percentile_disc(0.5, 0.9) GROUP BY account" $w "SELECT account_id, percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY secs) FROM ack_times GROUP BY 1"
    run "ack_time_stats, whole table" $w "SELECT givetake.ack_time_stats(secs) FROM ack_times"
    run "percentile_disc(0.5, 0.9), whole table" $w "SELECT percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY secs) FROM ack_times"
done
run "score_accounts" 0 "SELECT count(*) FROM givetake.score_accounts('interactions')"
run "score_contacts" 0 "SELECT count(*) FROM givetake.score_contacts('interactions')"

# Memory: backend RSS after 1 and after 3 passes of N classify calls, and
# after 1 and 3 score_accounts; equal pairs mean nothing grows per call.
q -At <<'SQL' | paste -sd' '
CREATE FUNCTION rss_kb() RETURNS bigint LANGUAGE sql AS
$$ SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmRSS:\s+(\d+)'))[1]::bigint $$;
SET max_parallel_workers_per_gather = 0;
SELECT count(givetake.classify(body)) * 0 FROM interactions \g /dev/null
SELECT 'backend RSS kB: after 1 classify pass ' || rss_kb();
SELECT count(givetake.classify(body)) * 0 FROM interactions \g /dev/null
SELECT count(givetake.classify(body)) * 0 FROM interactions \g /dev/null
SELECT ', after 3 passes ' || rss_kb();
SELECT count(*) FROM givetake.score_accounts('interactions') \g /dev/null
SELECT ', after 1 score_accounts ' || rss_kb();
SELECT count(*) FROM givetake.score_accounts('interactions') \g /dev/null
SELECT count(*) FROM givetake.score_accounts('interactions') \g /dev/null
SELECT ', after 3 score_accounts ' || rss_kb();
SQL

# Plain SQL: the same metrics without the extension (bench/sql/postgres).
SQLDIR="$ROOT/bench/sql/postgres"
if [ -f "$SQLDIR/30_metrics.sql" ]; then
    t0=$(date +%s%N)
    q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -f "$SQLDIR/00_lexicon.sql" -f "$SQLDIR/10_prepare.sql" \
      -f "$SQLDIR/20_classify.sql" -f "$SQLDIR/30_metrics.sql" >/dev/null
    t1=$(date +%s%N)
    printf '%-58s %10s ms\n' "plain SQL metrics (bench/sql/postgres, 1 run)" "$(( (t1 - t0) / 1000000 ))"
else
    echo "bench/sql/postgres/30_metrics.sql not found: plain-SQL comparison skipped"
fi
