#!/usr/bin/env bash
# `make test` for the PostgreSQL extension, from a fresh clone, as root or
# not: installs PostgreSQL 15 + server headers if missing, builds
# libgivetake if dist/ lacks it, builds and installs the extension, runs
# pg_regress (make installcheck) against a throwaway cluster, then the
# 3-cluster postgres_fdw shard check. Every cluster is stopped on exit,
# also on failure. Exit status non-zero on any failure.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PGDIR="$(dirname "$HERE")"
ROOT="$(dirname "$PGDIR")"
GT_DIST="${GT_DIST:-$ROOT/dist}"
export DEBIAN_FRONTEND=noninteractive

pg_config_15() {
    if [ -x /usr/lib/postgresql/15/bin/pg_config ]; then
        echo /usr/lib/postgresql/15/bin/pg_config
    else
        command -v pg_config || true
    fi
}
PG_CONFIG="${PG_CONFIG:-$(pg_config_15)}"
if [ -z "$PG_CONFIG" ] || [ ! -x "$("$PG_CONFIG" --bindir)/initdb" ] \
    || [ ! -f "$("$PG_CONFIG" --includedir-server)/postgres.h" ]; then
    echo "== installing postgresql-15 and postgresql-server-dev-15"
    apt-get update -qq
    apt-get install -y -qq postgresql-15 postgresql-server-dev-15 >/dev/null
    PG_CONFIG="$(pg_config_15)"
fi
export PG_CONFIG
echo "== $("$PG_CONFIG" --version)"

# (grep reads all of nm's output: with grep -q, nm can die of SIGPIPE and
# pipefail would then rebuild the library for nothing.)
if [ ! -f "$GT_DIST/lib/libgivetake.so" ] || ! nm -D "$GT_DIST/lib/libgivetake.so" | grep ' T gt_scorer_new' >/dev/null; then
    echo "== building libgivetake (make lib)"
    make -C "$ROOT" lib
fi

echo "== building and installing the extension"
make -C "$PGDIR" -s clean
make -C "$PGDIR" -s PG_CONFIG="$PG_CONFIG" GT_DIST="$GT_DIST"
make -C "$PGDIR" -s PG_CONFIG="$PG_CONFIG" GT_DIST="$GT_DIST" install >/dev/null

# shellcheck source=cluster.sh
source "$HERE/cluster.sh"
trap gt_stop_all EXIT

echo "== pg_regress against a throwaway cluster"
gt_start regress
rm -f "$PGDIR/regression.diffs" "$PGDIR/regression.out"
if ! PGHOST="$GT_TMP" PGPORT="$GT_PORT" PGUSER=postgres \
    make -C "$PGDIR" PG_CONFIG="$PG_CONFIG" GT_DIST="$GT_DIST" installcheck; then
    [ -f "$PGDIR/regression.diffs" ] && cat "$PGDIR/regression.diffs"
    exit 1
fi
# The suite throws hostile input at every function: no backend may have died.
if grep -E "terminated by signal|server process .* was terminated|was terminated by exception" \
        "$GT_TMP/regress.log"; then
    echo "postgres: a backend crashed during the regression suite (server log above)"
    exit 1
fi
echo "== two sessions: concurrent first refresh_scores"
PGHOST="$GT_TMP" PGPORT="$GT_PORT" PGUSER=postgres bash "$HERE/concurrent_refresh.sh"
gt_stop_all

echo "== shard check (coordinator + 2 shards, postgres_fdw)"
bash "$HERE/shard_check.sh"
echo "== Chatwoot mapping against the turn reference"
bash "$HERE/chatwoot_check.sh"
echo "postgres: all checks passed"
