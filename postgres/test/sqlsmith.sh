#!/usr/bin/env bash
# `make test-sqlsmith`: random SQL from sqlsmith against a database with
# the extension loaded, in a throwaway cluster on a private PostgreSQL tree.
# Random queries may fail; what must never happen is a backend dying: the
# run fails if the server log shows any backend terminated by a signal, a
# PANIC, or a restart. SQLSMITH_SECONDS (300) bounds the time,
# SQLSMITH_QUERIES (100000) the count; SQLSMITH_SEED makes a run repeatable.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
SECONDS_MAX="${SQLSMITH_SECONDS:-300}"
QUERIES="${SQLSMITH_QUERIES:-100000}"
SEED="${SQLSMITH_SEED:-$RANDOM}"
command -v sqlsmith >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlsmith >/dev/null; }

source "$HERE/private_pg.sh"
source "$HERE/cluster.sh"
gt_tmpdir
trap gt_stop_all EXIT
gt_private_install "$GT_TMP/pg"
# track_functions: count how often sqlsmith reached the extension.
GT_EXTRA_CONF="log_min_messages = warning
log_min_error_statement = panic
track_functions = all" gt_start smith
gt_sample_db smith 4000
# An ordinary user: sqlsmith must not reach superuser-only functions
# (pg_terminate_backend of others, file access), only what any user can do.
psql -X -q -v ON_ERROR_STOP=1 -h "$GT_TMP" -p "$GT_PORT" -U postgres -d smith <<'SQL'
CREATE ROLE smith LOGIN;
-- Random queries can run for ever: a short statement timeout keeps them moving.
ALTER ROLE smith SET statement_timeout = '2s';
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO smith;
GRANT USAGE ON SCHEMA givetake TO smith;
-- sqlsmith picks functions from pg_proc, where the extension's 30 are lost
-- among 3,000: a view earlier on smith's search path shows it every
-- extension function and one built-in function in ten.
CREATE SCHEMA smith_catalog;
CREATE VIEW smith_catalog.pg_proc AS SELECT * FROM pg_catalog.pg_proc
    WHERE pronamespace = 'givetake'::regnamespace OR oid::bigint % 10 = 0;
GRANT USAGE ON SCHEMA smith_catalog TO smith;
GRANT SELECT ON smith_catalog.pg_proc TO smith;
ALTER ROLE smith SET search_path = smith_catalog, public, pg_catalog;
SQL

echo "== sqlsmith: seed $SEED, at most $QUERIES queries or ${SECONDS_MAX} s"
OUT="$GT_TMP/sqlsmith.out"
set +e
( cd "$GT_TMP" && timeout --signal=INT -k 30 "$SECONDS_MAX" sqlsmith --verbose --seed="$SEED" --max-queries="$QUERIES" \
    --target="host=$GT_TMP port=$GT_PORT dbname=smith user=smith" ) >"$OUT" 2>&1
rc=$?
set -e
LOG="$GT_TMP/smith.log"
queries=$(grep -o 'queries: [0-9]*' "$OUT" | tail -1 | grep -o '[0-9]*' || true)
crashes=$(grep -c 'terminated by signal\|was terminated by exception\|PANIC:' "$LOG" || true)
restarts=$(grep -c 'all server processes terminated; reinitializing' "$LOG" || true)
sleep 1  # function statistics reach shared memory within a second
calls=$(psql -X -At -h "$GT_TMP" -p "$GT_PORT" -U postgres -d smith -c \
    "SELECT coalesce(sum(calls), 0) || ' calls of ' || count(*) || ' extension functions'
     FROM pg_stat_user_functions WHERE schemaname = 'givetake'" || echo "? calls")
echo "sqlsmith: exit $rc, ${queries:-?} queries, $calls, $crashes backend crashes, $restarts restarts (seed $SEED)"
if [ "$crashes" -ne 0 ] || [ "$restarts" -ne 0 ]; then
    grep -B2 -A8 'terminated by signal\|was terminated by exception\|PANIC:' "$LOG" | head -60
    cp "$LOG" /tmp/givetake-sqlsmith-server.log
    echo "server log kept in /tmp/givetake-sqlsmith-server.log"
    exit 1
fi
# sqlsmith itself must have run (exit 0 at --max-queries, 124 at the time limit).
if [ -z "$queries" ] || [ "$queries" -eq 0 ]; then tail -20 "$OUT"; exit 1; fi
