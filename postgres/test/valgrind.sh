#!/usr/bin/env bash
# `make test-valgrind`: the PostgreSQL regression suite with every server
# process under valgrind memcheck (as pgvector's CI does), on a private
# PostgreSQL tree. Each process logs to its own file; the run fails if any
# reports an error that valgrind.supp does not suppress. Slow (minutes).
# initdb's bootstrap and single-user runs skip valgrind.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PGDIR="$(dirname "$HERE")"
command -v valgrind >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
source "$HERE/private_pg.sh"
source "$HERE/cluster.sh"
gt_tmpdir
trap gt_stop_all EXIT
gt_private_install "$GT_TMP/pg"

VGLOG="$GT_TMP/valgrind"
mkdir -p "$VGLOG" && chmod 777 "$VGLOG"
cp "$HERE/valgrind.supp" "$GT_TMP/valgrind.supp"
mv "$PG_BINDIR/postgres" "$PG_BINDIR/postgres.bin"
cat >"$PG_BINDIR/postgres" <<WRAP
#!/bin/sh
case "\$1" in
--boot|--single|-V|--version|-C|--describe-config) exec "$PG_BINDIR/postgres.bin" "\$@" ;;
esac
exec valgrind --quiet --tool=memcheck --leak-check=no --track-origins=no --read-var-info=no \
    --num-callers=30 --error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END \
    --suppressions="$GT_TMP/valgrind.supp" --gen-suppressions=all \
    --log-file="$VGLOG/%p.log" "$PG_BINDIR/postgres.bin" "\$@"
WRAP
chmod 755 "$PG_BINDIR/postgres"

echo "== pg_regress with the server under valgrind"
gt_start regress
BUILD="$GT_TMP/pg/build"
set +e
PGHOST="$GT_TMP" PGPORT="$GT_PORT" PGUSER=postgres \
    make -C "$BUILD" -s PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" GT_DIST="$(dirname "$PGDIR")/dist" installcheck
rc=$?
set -e
[ $rc -ne 0 ] && [ -f "$BUILD/regression.diffs" ] && head -80 "$BUILD/regression.diffs"
gt_as_pg "$PG_BINDIR/pg_ctl" -D "$GT_TMP/regress" -m fast -w -t 300 stop >/dev/null || true
processes=$(ls "$VGLOG" | wc -l)
errors=$(cat "$VGLOG"/*.log | grep -c 'VALGRINDERROR-BEGIN' || true)
echo "valgrind: $processes server processes, $errors unsuppressed errors, pg_regress exit $rc"
if [ "$errors" -ne 0 ]; then
    for f in $(grep -l 'VALGRINDERROR-BEGIN' "$VGLOG"/*.log | head -5); do
        echo "---- $f"; sed -n '/VALGRINDERROR-BEGIN/,/VALGRINDERROR-END/p' "$f" | head -60
    done
    rm -rf /tmp/givetake-valgrind-logs && cp -r "$VGLOG" /tmp/givetake-valgrind-logs
    echo "logs kept in /tmp/givetake-valgrind-logs"
fi
[ $rc -eq 0 ] && [ "$errors" -eq 0 ]
