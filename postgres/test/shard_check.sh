#!/usr/bin/env bash
# Scale-out check: three throwaway clusters on loopback (a coordinator and
# two shards). The coordinator's interactions table is hash-partitioned by
# account_id into postgres_fdw foreign partitions, one per shard, with
# extensions 'givetake' on the servers so that givetake calls ship. Shows:
#   1. grouped givetake aggregates are pushed down to the shards
#      (partitionwise aggregate) and equal the single-node result;
#   2. score_accounts / score_contacts run on each shard over its own
#      partition (refresh_scores there), and the union equals the
#      single-node scores of the same rows, row for row;
#   3. score_accounts over the partitioned foreign table equals them too;
#   4. one coordinator query scores both shards concurrently (async
#      foreign scans over a scoring view on each shard): the plan shows
#      that only score rows travel, and the result equals single-node.
# Usage: shard_check.sh [rows]   (needs the extension installed)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROWS="${1:-40000}"
AS_OF="2024-03-01 00:00+00"
# shellcheck source=cluster.sh
source "$HERE/cluster.sh"
trap gt_stop_all EXIT

gt_start coord; P0=$GT_PORT
gt_start shard1; P1=$GT_PORT
gt_start shard2; P2=$GT_PORT
q() { local port=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"; }

for p in $P1 $P2; do
    q "$p" <<'SQL'
CREATE EXTENSION givetake;
CREATE TABLE interactions (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8);
SQL
done

q "$P0" -f "$HERE/gen_interactions.sql" >/dev/null
q "$P0" <<SQL
CREATE EXTENSION givetake;
CREATE EXTENSION postgres_fdw;
-- the single-node reference
CREATE TABLE interactions_local AS SELECT * FROM gen_interactions($ROWS, 60);
CREATE TABLE interactions (LIKE interactions_local) PARTITION BY HASH (account_id);
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '127.0.0.1', port '$P1', dbname 'postgres', extensions 'givetake',
             use_remote_estimate 'true', async_capable 'true');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '127.0.0.1', port '$P2', dbname 'postgres', extensions 'givetake',
             use_remote_estimate 'true', async_capable 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2 OPTIONS (user 'postgres');
CREATE FOREIGN TABLE interactions_1 PARTITION OF interactions
    FOR VALUES WITH (MODULUS 2, REMAINDER 0) SERVER shard1 OPTIONS (table_name 'interactions');
CREATE FOREIGN TABLE interactions_2 PARTITION OF interactions
    FOR VALUES WITH (MODULUS 2, REMAINDER 1) SERVER shard2 OPTIONS (table_name 'interactions');
INSERT INTO interactions SELECT * FROM interactions_local;
ANALYZE interactions_local;
SQL
for p in $P1 $P2; do q "$p" -c "ANALYZE interactions"; done
q "$P0" -c "ANALYZE interactions"

n1=$(q "$P1" -At -c "SELECT count(*) FROM interactions")
n2=$(q "$P2" -At -c "SELECT count(*) FROM interactions")
echo "shard_check: $ROWS rows, shard1 $n1, shard2 $n2"
[ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && [ $((n1 + n2)) -eq "$ROWS" ]

fail=0
check() { # name, expected, actual
    if [ "$2" = "$3" ]; then echo "ok   - $1"; else echo "FAIL - $1: expected '$2', got '$3'"; fail=1; return 1; fi
}

# 1. aggregates ship to the shards (partitionwise aggregate: Remote SQL
#    calls givetake.*) and equal the single-node result. Over a join,
#    PostgreSQL 15's postgres_fdw pushes the join down per shard and
#    aggregates each partition locally; results are equal all the same.
AGG="SELECT account_id,
            givetake.give_ratio(body) FILTER (WHERE NOT inbound AND kind IN ('post', 'share')) AS gr,
            givetake.me_index(body) FILTER (WHERE NOT inbound) AS mi
     FROM @T@ GROUP BY account_id"
HIST="SELECT account_id, givetake.ack_time_stats(created_at - timestamptz '2024-01-01 00:00+00') AS h
     FROM @T@ WHERE inbound GROUP BY account_id"
ACK="SELECT i.account_id, givetake.ack_time_stats(o.created_at - i.created_at) AS ack,
            givetake.ack_time_percentile(extract(epoch FROM o.created_at - i.created_at)::float8, 0.75) AS p75
     FROM @T@ i JOIN @T@ o ON o.parent_id = i.id AND o.account_id = i.account_id
     WHERE i.inbound AND NOT o.inbound GROUP BY i.account_id"
SETS="SET enable_partitionwise_aggregate = on; SET enable_partitionwise_join = on;"
for name in AGG HIST ACK; do
    sql="${!name}"
    sharded="${sql//@T@/interactions}"
    local_sql="${sql//@T@/interactions_local}"
    if [ "$name" != ACK ]; then
        plan=$(q "$P0" -At -c "$SETS EXPLAIN (VERBOSE, COSTS OFF) $sharded")
        remote=$(echo "$plan" | grep -c 'Remote SQL: SELECT .*givetake\.' || true)
        check "$name: givetake aggregate shipped to both shards" 2 "$remote" || echo "$plan" >&2
    fi
    d=$(q "$P0" -At -c "$SETS SELECT count(*) FROM (($sharded EXCEPT $local_sql)
                                                UNION ALL ($local_sql EXCEPT $sharded)) d")
    check "$name: sharded result equals single-node" 0 "$d"
done

# 2. each shard scores its own accounts; the union equals single-node scores
for p in $P1 $P2; do
    q "$p" -At -c "SELECT * FROM givetake.refresh_scores('interactions', '$AS_OF')" >/dev/null &
done
wait
q "$P0" <<'SQL'
CREATE SCHEMA s1; CREATE SCHEMA s2;
IMPORT FOREIGN SCHEMA public LIMIT TO (account_scores, contact_scores) FROM SERVER shard1 INTO s1;
IMPORT FOREIGN SCHEMA public LIMIT TO (account_scores, contact_scores) FROM SERVER shard2 INTO s2;
CREATE VIEW sharded_accounts AS SELECT * FROM s1.account_scores UNION ALL SELECT * FROM s2.account_scores;
CREATE VIEW sharded_contacts AS SELECT * FROM s1.contact_scores UNION ALL SELECT * FROM s2.contact_scores;
SQL
rows=$(q "$P0" -At -c "SELECT count(*) FROM sharded_accounts")
single=$(q "$P0" -At -c "SELECT count(*) FROM givetake.score_accounts('interactions_local', '$AS_OF')")
check "account score rows (sharded vs single)" "$single" "$rows"
d=$(q "$P0" -At -c "SELECT count(*) FROM (
  (SELECT * FROM sharded_accounts EXCEPT ALL SELECT * FROM givetake.score_accounts('interactions_local', '$AS_OF'))
  UNION ALL
  (SELECT * FROM givetake.score_accounts('interactions_local', '$AS_OF') EXCEPT ALL SELECT * FROM sharded_accounts)) d")
check "per-account scores equal single-node" 0 "$d"
d=$(q "$P0" -At -c "SELECT count(*) FROM (
  (SELECT * FROM sharded_contacts EXCEPT ALL SELECT * FROM givetake.score_contacts('interactions_local', '$AS_OF'))
  UNION ALL
  (SELECT * FROM givetake.score_contacts('interactions_local', '$AS_OF') EXCEPT ALL SELECT * FROM sharded_contacts)) d")
check "per-contact scores equal single-node" 0 "$d"

# 3. the coordinator can also score the partitioned foreign table directly
d=$(q "$P0" -At -c "SELECT count(*) FROM (
  (SELECT * FROM givetake.score_accounts('interactions', '$AS_OF') EXCEPT ALL SELECT * FROM givetake.score_accounts('interactions_local', '$AS_OF'))
  UNION ALL
  (SELECT * FROM givetake.score_accounts('interactions_local', '$AS_OF') EXCEPT ALL SELECT * FROM givetake.score_accounts('interactions', '$AS_OF'))) d")
check "score_accounts over foreign partitions equals single-node" 0 "$d"

# 4. scoring where the rows live, both shards at once: a view on each
#    shard scores its partition; the coordinator reads both views through
#    async foreign scans, so only score rows cross the network.
for p in $P1 $P2; do
    q "$p" -c "CREATE VIEW live_account_scores AS SELECT * FROM givetake.score_accounts('interactions', '$AS_OF')"
done
q "$P0" <<'SQL'
CREATE SCHEMA l1; CREATE SCHEMA l2;
IMPORT FOREIGN SCHEMA public LIMIT TO (live_account_scores) FROM SERVER shard1 INTO l1;
IMPORT FOREIGN SCHEMA public LIMIT TO (live_account_scores) FROM SERVER shard2 INTO l2;
CREATE VIEW live_accounts AS
    SELECT * FROM l1.live_account_scores UNION ALL SELECT * FROM l2.live_account_scores;
SQL
plan=$(q "$P0" -At -c "EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM live_accounts")
check "live scores: both shards read by async foreign scans" 2 "$(echo "$plan" | grep -c 'Async Foreign Scan')" \
    || echo "$plan" >&2
check "live scores: only score rows travel (Remote SQL reads the scoring view)" 2 \
    "$(echo "$plan" | grep -c 'Remote SQL: SELECT .* FROM public.live_account_scores$')" || echo "$plan" >&2
check "live scores: no interaction rows travel" 0 "$(echo "$plan" | grep -c 'interactions')" || echo "$plan" >&2
d=$(q "$P0" -At -c "SELECT count(*) FROM (
  (SELECT * FROM live_accounts EXCEPT ALL SELECT * FROM givetake.score_accounts('interactions_local', '$AS_OF'))
  UNION ALL
  (SELECT * FROM givetake.score_accounts('interactions_local', '$AS_OF') EXCEPT ALL SELECT * FROM live_accounts)) d")
check "live scores from both shards equal single-node" 0 "$d"

if [ "$fail" = 0 ]; then
    echo "shard_check: all checks passed"
else
    echo "shard_check: FAILED" >&2
    exit 1
fi
