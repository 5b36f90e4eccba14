#!/usr/bin/env bash
# Per-phase wall time and backend CPU of one givetake.score_accounts call
# over TABLE (not a test; prints figures only). Phases from the
# timestamped DEBUG messages of the server log:
#   first   the one-pass attempt, until the source does not fit
#   read    the one read of the source into bucket files (and the plan's
#           rows per account and link records)
#   plan    resolving the cross-account links, packing the groups
#   score   scoring the groups (their rows go to the call's tuplestore)
#   output  the rest of the statement
# A source that fits reports its one pass as output.
# Usage: group_phases.sh TABLE [SQL run first, e.g. "SET work_mem = '4MB'"]
# Env: PGHOST, PGPORT, PGUSER, PGDATABASE as for psql; LOG: the server log,
# written with log_line_prefix = '%n [%p] ' (epoch seconds, backend pid),
# readable here.
set -euo pipefail
T="$1"
SETUP="${2:-}"
: "${LOG:?LOG must name the server log}"
start=$(wc -l <"$LOG")
out="$(psql -X -q -At -v ON_ERROR_STOP=1 <<SQL
SET log_min_messages = debug2; SET log_statement = 'all'; SET log_min_duration_statement = 0;
${SETUP:+$SETUP;}
SELECT pg_backend_pid();
SELECT sum(split_part(pg_read_file('/proc/' || pg_backend_pid() || '/stat'), ' ', f)::bigint) FROM (VALUES (14), (15)) v(f);
SELECT count(*) FROM givetake.score_accounts('$T');
SELECT sum(split_part(pg_read_file('/proc/' || pg_backend_pid() || '/stat'), ' ', f)::bigint) FROM (VALUES (14), (15)) v(f);
SQL
)"
pid=$(echo "$out" | sed -n 1p)
cpu=$(( $(echo "$out" | sed -n 4p) - $(echo "$out" | sed -n 2p) ))
tail -n +"$((start + 1))" "$LOG" | grep " \[$pid\] " | awk -v cpu="$cpu" -v hz="$(getconf CLK_TCK)" '
    function mark(name) { printf "%s=%.2f ", name, $1 - last; last = $1 }
    /statement: SELECT count\(\*\) FROM givetake.score_accounts/ { t0 = $1; last = $1; next }
    !t0 { next }
    /does not fit in givetake.max_memory/ { mark("first"); next }
    /the rows are in [0-9]* bucket files/ { mark("read"); next }
    /accounts in [0-9]* groups/ { mark("plan"); next }
    /the pass over [0-9]* groups ended/ { mark("score"); next }
    /duration:/ { mark("output"); printf "total=%.2f backend_cpu=%.2f\n", $1 - t0, cpu / hz; exit }'
