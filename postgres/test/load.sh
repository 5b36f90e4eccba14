#!/usr/bin/env bash
# `make test-load`: a pgbench mix against a throwaway cluster on a private
# PostgreSQL tree: classify/explain (weight 50), the aggregates (20),
# score_accounts (5), lexicon edits with classification (5) and
# refresh_scores (2) over 20,000 generated rows; LOAD_CLIENTS (8) clients
# for LOAD_SECONDS (60) s. Fails on any failed or aborted transaction or a
# backend crash; prints tps.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CLIENTS="${LOAD_CLIENTS:-8}"
DURATION="${LOAD_SECONDS:-60}"
source "$HERE/private_pg.sh"
source "$HERE/cluster.sh"
gt_tmpdir
trap gt_stop_all EXIT
gt_private_install "$GT_TMP/pg"
PGBENCH="$PG_BINDIR/pgbench"
[ -x "$PGBENCH" ] || PGBENCH="$(command -v pgbench || true)"
if [ -z "$PGBENCH" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-contrib-15 >/dev/null
    PGBENCH=/usr/lib/postgresql/15/bin/pgbench
fi
gt_start load
gt_sample_db load 20000

echo "== pgbench: $CLIENTS clients x ${DURATION} s"
OUT="$GT_TMP/pgbench.out"
set +e
"$PGBENCH" -n -h "$GT_TMP" -p "$GT_PORT" -U postgres -c "$CLIENTS" -j 2 -T "$DURATION" -P 10 \
    -f "$HERE/load/classify.sql@50" -f "$HERE/load/aggregates.sql@20" -f "$HERE/load/score.sql@5" \
    -f "$HERE/load/lexicon.sql@5" -f "$HERE/load/refresh.sql@2" load >"$OUT" 2>&1
rc=$?
set -e
grep -E '^(number of|latency average|tps|SQL script| - [0-9]+ transactions)|aborted|ERROR' "$OUT" || true
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$OUT")
crashes=$(grep -c 'terminated by signal\|was terminated by exception\|PANIC:' "$GT_TMP/load.log" || true)
echo "load: pgbench exit $rc, ${failed:-?} failed transactions, $crashes backend crashes"
if [ "$rc" -ne 0 ] || [ "${failed:-1}" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    tail -30 "$OUT"
    grep -m20 'ERROR\|FATAL\|PANIC\|terminated' "$GT_TMP/load.log" || true
    exit 1
fi
