#!/usr/bin/env bash
# Scale-out benchmark (not a test): score_accounts over ROWS rows kept on
# one postgres_fdw shard, then split by account over two shards scored at
# once (async foreign scans over a scoring view on each shard, as in
# postgres/test/shard_check.sh). Prints the median wall time of REPS runs
# of the coordinator query for each layout. Needs the extension installed
# (`flock /tmp/givetake-pg.lock make -C postgres install`).
# Usage: bench/shard_scale.sh [rows=4000000] [reps=3]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROWS="${1:-4000000}"
REPS="${2:-3}"
ACCOUNTS=1000
AS_OF="2024-06-30 00:00+00"
# shellcheck source=../postgres/test/cluster.sh
source "$ROOT/postgres/test/cluster.sh"
trap gt_stop_all EXIT
# Each shard scores in one backend: give it room for its rows.
export GT_EXTRA_CONF="givetake.max_memory = -1"

gt_start coord; P0=$GT_PORT
gt_start one; PA=$GT_PORT
gt_start half1; P1=$GT_PORT
gt_start half2; P2=$GT_PORT
q() { local port=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"; }

# shard PORT FILTER: the rows of gen_interactions that FILTER keeps, and a
# view that scores them where they are.
shard() {
    q "$1" -f "$ROOT/postgres/test/gen_interactions.sql" >/dev/null
    q "$1" <<SQL
CREATE EXTENSION givetake;
CREATE TABLE interactions AS SELECT * FROM gen_interactions($ROWS, $ACCOUNTS) WHERE $2;
ANALYZE interactions;
CREATE VIEW live_account_scores AS SELECT * FROM givetake.score_accounts('interactions', '$AS_OF');
SQL
}
shard "$PA" true &
shard "$P1" "account_id % 2 = 0" &
shard "$P2" "account_id % 2 = 1" &
wait

q "$P0" -c "CREATE EXTENSION postgres_fdw"
for s in "one $PA" "half1 $P1" "half2 $P2"; do
    set -- $s
    q "$P0" <<SQL
CREATE SERVER $1 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '127.0.0.1', port '$2', dbname 'postgres', extensions 'givetake', async_capable 'true',
             fetch_size '10000');
CREATE USER MAPPING FOR CURRENT_USER SERVER $1 OPTIONS (user 'postgres');
CREATE SCHEMA $1;
IMPORT FOREIGN SCHEMA public LIMIT TO (live_account_scores) FROM SERVER $1 INTO $1;
SQL
done
q "$P0" -c "CREATE VIEW two_shards AS SELECT * FROM half1.live_account_scores
                                      UNION ALL SELECT * FROM half2.live_account_scores"

echo "rows: $ROWS ($ACCOUNTS accounts); shard rows: $(q "$PA" -At -c 'SELECT count(*) FROM interactions')," \
     "$(q "$P1" -At -c 'SELECT count(*) FROM interactions') + $(q "$P2" -At -c 'SELECT count(*) FROM interactions')"
q "$P0" -c "EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM two_shards"

# median wall seconds of REPS runs of a query
median() {
    local t=() i s e
    for ((i = 0; i < REPS; i++)); do
        s=$(date +%s.%N); q "$P0" -At -c "$1" >/dev/null; e=$(date +%s.%N)
        t+=("$(echo "$e - $s" | bc)")
    done
    printf '%s\n' "${t[@]}" | sort -n | sed -n "$(((REPS + 1) / 2))p"
}
one=$(median "SELECT count(*) FROM one.live_account_scores")
two=$(median "SELECT count(*) FROM two_shards")
echo "| layout | score rows | median s ($REPS runs) |"
echo "|---|---|---|"
echo "| 1 shard | $(q "$P0" -At -c 'SELECT count(*) FROM one.live_account_scores') | $one |"
echo "| 2 shards, async | $(q "$P0" -At -c 'SELECT count(*) FROM two_shards') | $two |"
