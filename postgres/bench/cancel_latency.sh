#!/usr/bin/env bash
# Cancellation latency and big-lexicon cost of the PostgreSQL extension
# (not a test; prints figures only). Starts a throwaway cluster and
# measures, with psql's \timing:
#   - statement_timeout = T on classify / take_score / explain of a 212 MB
#     text (stored uncompressed); T past the time it takes to read the text
#     lands the cancel inside the library;
#   - the first classify after loading 100,000 user cues: uncancelled (the
#     compile time, and the backend's peak RSS), with statement_timeout = T,
#     and with pg_cancel_backend / pg_terminate_backend sent 300 ms
#     after it started (time from the signal to the end of the statement).
# Needs the extension installed (make -C postgres install).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PGDIR="$(dirname "$HERE")"
# shellcheck source=../test/cluster.sh
source "$PGDIR/test/cluster.sh"
trap gt_stop_all EXIT
gt_start cancel
q() { psql -X -q -h "$GT_TMP" -p "$GT_PORT" -U postgres -d postgres "$@"; }
ms() { date +%s%3N; }

q -c "CREATE EXTENSION givetake" \
  -c "CREATE TABLE big (t text)" -c "ALTER TABLE big ALTER COLUMN t SET STORAGE EXTERNAL" \
  -c "INSERT INTO big SELECT repeat('sale, order now! ', 12500000)"
echo "== 212 MB text: full calls, then statement_timeout = T (elapsed - T is the latency)"
q -c '\timing on' -c "SELECT octet_length(t) FROM big" -c "SELECT givetake.classify(t) FROM big" \
  -c "SELECT count(*) FROM big, givetake.explain(big.t)" | grep Time
for f in "givetake.classify(t)" "givetake.take_score(t)" "(SELECT count(*) FROM givetake.explain(t))"; do
    for t in 50 300 600 900; do
        echo "-- $f, T = ${t}ms: $(q -c "SET statement_timeout = '${t}ms'" -c '\timing on' -c "SELECT $f FROM big" 2>&1 \
            | grep -E "Time|ERROR" | tr '\n' ' ')"
    done
done

LOAD="INSERT INTO givetake.lexicon SELECT 'cue number ' || g || ' of many', 'teaching', 1 FROM generate_series(1, 100000) g"
q -c "TRUNCATE givetake.lexicon" -c "$LOAD"
echo "== 100,000 user cues: first classify (compiles), then a second one"
q -c '\timing on' -c "SELECT givetake.classify('cue number 5 of many')" \
  -c "SELECT givetake.classify('cue number 5 of many')" \
  -c "SELECT 'peak RSS ' || (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+ kB)'))[1]" \
  | grep -E "Time|RSS"
echo "== the same, statement_timeout = T (elapsed - T is the latency)"
for t in 50 300 600 900 1200; do
    echo "-- T = ${t}ms: $(q -c "SET statement_timeout = '${t}ms'" -c '\timing on' -c "SELECT givetake.classify('x')" 2>&1 \
        | grep -E "Time|ERROR" | tr '\n' ' ')"
done
# The sender notes the (same host's) clock as the server sends the signal;
# the end is when the victim's psql has exited.
for how in cancel terminate; do
    echo "== the same, pg_${how}_backend 300 ms after the start"
    q -c "SET application_name = 'victim'" -c "SELECT givetake.classify('x')" >/dev/null 2>"$GT_TMP/victim.err" &
    victim=$!
    sleep 0.3
    sent=$(q -At -c "SELECT round(extract(epoch FROM clock_timestamp()) * 1000), pg_${how}_backend(pid)
                     FROM pg_stat_activity WHERE application_name = 'victim'" | cut -d'|' -f1)
    wait $victim || true
    echo "signal to end of statement: $(( $(ms) - sent )) ms ($(head -1 "$GT_TMP/victim.err"))"
done
