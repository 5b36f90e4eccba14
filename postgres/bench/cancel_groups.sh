#!/usr/bin/env bash
# Cancellation latency of scoring in groups of accounts, per phase (not a
# test; prints figures only). On a cluster of a private PostgreSQL tree
# with this worktree's extension (test/private_pg.sh), work_mem 4 MB and
# givetake.max_memory 64 MB, for each row count: a table of
# gen_interactions rows (100 accounts, no index); one uncancelled run of
# score_accounts and of refresh_scores with log_min_messages = debug2,
# whose timestamped DEBUG messages give each phase's window (and
# log_temp_files the size of its temporary files):
#   first     the one-pass attempt, until the source does not fit
#   read      the one read of the source into bucket files, gathering
#             rows and created_at range per account and the link records
#   plan      resolving the cross-account links (and, when a partition
#             of them does not fit, SQL joins), packing the groups
#   score     scoring the groups
#   write     (refresh_scores) the rest of the statement: the tables
# then runs with statement_timeout = T at 25, 50 and 75 % of each window,
# REPS times each, and prints two delays from the timeout: to the ERROR
# (its server-log time; the backend sends it to the client then) and to
# the end of the statement (psql's \timing - T: the transaction's abort,
# which deletes the statement's temporary files, comes in between); then
# one pg_cancel_backend in the middle of each phase (signal to ERROR and
# to the end; the session's connection time shifts it a few ms later into
# the phase).
# Usage: cancel_groups.sh [rows ...]   (default 2000000 10000000)
# Env: REPS (default 2); FUNCS (default "score_accounts refresh_scores");
#      GT_BENCH_DIR: keep the cluster and its tables there between runs
#      (the extension is rebuilt from the worktree every run).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PGDIR="$(dirname "$HERE")"
ROWS=("$@")
[ ${#ROWS[@]} -gt 0 ] || ROWS=(2000000 10000000)
REPS="${REPS:-2}"
FUNCS="${FUNCS:-score_accounts refresh_scores}"
export GT_EXTRA_CONF="work_mem = 4MB
log_line_prefix = '%n [%p] '
max_parallel_workers_per_gather = 0"
# shellcheck source=../test/cluster.sh
source "$PGDIR/test/cluster.sh"
# shellcheck source=../test/private_pg.sh
source "$PGDIR/test/private_pg.sh"
if [ -n "${GT_BENCH_DIR:-}" ]; then
    mkdir -p "$GT_BENCH_DIR" && chmod 755 "$GT_BENCH_DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$GT_BENCH_DIR"
    GT_TMP="$GT_BENCH_DIR"
    GT_KEEP_TMP=1
fi
trap gt_stop_all EXIT
gt_tmpdir
# A kept cluster left running stops before its tree is rebuilt.
if [ -f "$GT_TMP/bench/postmaster.pid" ] && [ -x "$GT_TMP/pg/usr/lib/postgresql/15/bin/pg_ctl" ]; then
    gt_as_pg "$GT_TMP/pg/usr/lib/postgresql/15/bin/pg_ctl" -D "$GT_TMP/bench" -m fast -w stop >/dev/null || true
fi
echo "== building the extension into a private PostgreSQL tree"
gt_private_install "$GT_TMP/pg" >/dev/null
if [ -f "$GT_TMP/bench/PG_VERSION" ]; then
    GT_PORT="$(gt_free_port)"
    sed -i "s/^port = .*/port = $GT_PORT/" "$GT_TMP/bench/postgresql.conf"
    gt_as_pg "$PG_BINDIR/pg_ctl" -D "$GT_TMP/bench" -l "$GT_TMP/bench.log" -w start >/dev/null
    GT_CLUSTERS+=("$GT_TMP/bench")
else
    gt_start bench
fi
LOG="$GT_TMP/bench.log"
q() { psql -X -q -v ON_ERROR_STOP=1 -h "$GT_TMP" -p "$GT_PORT" -U postgres -d postgres "$@"; }
SETUP="SET givetake.max_memory = '64MB'; SET work_mem = '4MB'"
# Milliseconds from the statement timeout (the statement's start, logged
# by log_statement, plus T) to the ERROR in the server log. The ERROR is
# logged and sent to the client before the transaction aborts; the abort
# (deleting the statement's temporary files) is the rest of "to end".
to_error() {
    local st er
    st="$(grep "\[$1\] LOG:  statement: SELECT" "$LOG" | tail -1 | cut -d' ' -f1)"
    er="$(grep "\[$1\] ERROR:  canceling statement" "$LOG" | tail -1 | cut -d' ' -f1)"
    if [ -n "$st" ] && [ -n "$er" ]; then awk -v s="$st" -v e="$er" -v t="$2" 'BEGIN { printf "%d", (e - s) * 1000 - t }'
    else echo "-"; fi
}

q -c "CREATE EXTENSION IF NOT EXISTS givetake" -f "$PGDIR/test/gen_interactions.sql" >/dev/null
call() {
    case "$1" in
        score_accounts) echo "SELECT count(*) FROM givetake.score_accounts('src_$2')" ;;
        refresh_scores) echo "SELECT * FROM givetake.refresh_scores('src_$2', target_schema => 'out_$2')" ;;
    esac
}

for n in "${ROWS[@]}"; do
    if [ "$(q -At -c "SELECT to_regclass('src_$n') IS NULL")" = t ]; then
        echo "== generating $n rows"
        q -c "CREATE TABLE src_$n AS SELECT * FROM gen_interactions($n, 100)" -c "VACUUM ANALYZE src_$n" \
          -c "CREATE SCHEMA out_$n"
    fi
    for f in $FUNCS; do
        sql="$(call "$f" "$n")"
        # The debug run: phase boundaries from the server log (%n: epoch ms).
        out="$(q -At -c "$SETUP" -c "SET log_min_messages = debug2" -c "SET log_temp_files = 0" \
            -c "SELECT pg_backend_pid(), round(extract(epoch FROM clock_timestamp()) * 1000)" \
            -c "$sql" -c "SELECT round(extract(epoch FROM clock_timestamp()) * 1000)")"
        pid="$(echo "$out" | head -1 | cut -d'|' -f1)"
        t0="$(echo "$out" | head -1 | cut -d'|' -f2)"
        tend="$(echo "$out" | tail -1)"
        at() { grep "\[$pid\] DEBUG:  givetake: $1" "$LOG" | tail -1 | cut -d' ' -f1 | awk -v t0="$t0" '{printf "%d", $1 * 1000 - t0}'; }
        b_first="$(at "the source does not fit")"
        b_plan="$(at "[0-9]* accounts in [0-9]* groups")"
        b_read="$(at "the rows are in [0-9]* bucket files")"
        b_score="$(at "the pass over")"
        b_end=$((tend - t0))
        groups="$(grep "\[$pid\] DEBUG:  givetake: [0-9]* accounts in" "$LOG" | tail -1 | sed 's/.* in \([0-9]*\) groups.*/\1/')"
        temp="$(grep "\[$pid\] LOG:  temporary file:" "$LOG" | sed 's/.*size \([0-9]*\).*/\1/' \
            | awk '{ s += $1; if ($1 > m) m = $1 } END { printf "%d MB in temporary files (largest %d MB)", s / 1048576, m / 1048576 }')"
        echo "== $f, $n rows ($groups groups, $temp), load $(cut -d' ' -f1-3 /proc/loadavg): uncancelled ${b_end} ms;" \
             "phases end at first ${b_first}, read ${b_read}, plan ${b_plan}, score ${b_score} ms"
        phases="first:0:$b_first read:$b_first:$b_read plan:$b_read:$b_plan score:$b_plan:$b_score"
        [ "$f" = refresh_scores ] && phases="$phases write:$b_score:$b_end"
        for ph in $phases; do
            IFS=: read -r name lo hi <<<"$ph"
            res=()
            for pct in 25 50 75; do
                t=$(( lo + (hi - lo) * pct / 100 ))
                [ "$t" -lt 1 ] && t=1
                for _ in $(seq "$REPS"); do
                    o="$(q -At -c "$SETUP" -c "SET log_statement = 'all'" -c "SELECT 'pid', pg_backend_pid()" \
                         -c "SET statement_timeout = '${t}ms'" -c '\timing on' -c "$sql" 2>&1 || true)"
                    ms="$(echo "$o" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)"
                    vpid="$(echo "$o" | sed -n 's/^pid|//p')"
                    # not cancelled (finished before T): marked
                    done_mark="$(echo "$o" | grep -q "canceling statement" || echo '(not cancelled)')"
                    res+=("$(to_error "$vpid" "$t")/$(awk -v e="$ms" -v t="$t" 'BEGIN { printf "%d", e - t }')@${t}${done_mark}")
                done
            done
            printf '   %-6s window %6d-%6d ms: to ERROR/to end (ms) @T: %s\n' "$name" "$lo" "$hi" "${res[*]}"
        done
        # pg_cancel_backend in the middle of each phase: the time from the
        # signal (noted on the same host's clock as it is sent) to the end
        # of the victim's psql.
        res=()
        for ph in $phases; do
            IFS=: read -r name lo hi <<<"$ph"
            t=$(( (lo + hi) / 2 ))
            q -c "SET application_name = 'victim'" -c "$SETUP" -c "$sql" >/dev/null 2>"$GT_TMP/victim.err" &
            victim=$!
            sleep "$(awk -v t="$t" 'BEGIN { printf "%.3f", t / 1000 }')"
            sig="$(q -At -c "SELECT round(extract(epoch FROM clock_timestamp()) * 1000), pid, pg_cancel_backend(pid)
                             FROM pg_stat_activity WHERE application_name = 'victim'")"
            sent="$(echo "$sig" | cut -d'|' -f1)"
            vpid="$(echo "$sig" | cut -d'|' -f2)"
            wait $victim || true
            if [ -n "$sent" ] && grep -q "canceling statement" "$GT_TMP/victim.err"; then
                err="$(grep "\[$vpid\] ERROR:  canceling statement" "$LOG" | tail -1 | cut -d' ' -f1)"
                res+=("$name $(awk -v e="$err" -v s="$sent" 'BEGIN { printf "%d", e * 1000 - s }')/$(( $(date +%s%3N) - sent ))")
            else
                res+=("$name (not cancelled)")
            fi
        done
        echo "   pg_cancel_backend mid-phase, signal to ERROR/to end (ms): $(IFS=,; echo "${res[*]}")"
    done
done
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
