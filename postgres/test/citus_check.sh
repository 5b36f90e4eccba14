#!/usr/bin/env bash
# Citus check, run by hand: Citus is not packaged for Debian 12, so
# `make test` cannot install it. Needs a PostgreSQL 15 tree with Citus and
# givetake installed (PG_BINDIR; e.g. a gt_private_install tree into which
# Citus was built with `make install DESTDIR=...`). Three throwaway
# clusters on loopback, a coordinator and two workers, the interactions
# distributed by account_id; the docs/postgres.md recipe. Shows:
#   1. grouped by account_id, the givetake aggregates run whole on the
#      workers and equal the single-node result;
#   2. grouped otherwise or not at all, Citus splits them into
#      worker_partial_agg (the bytea states) and coord_combine_agg, and
#      the result equals single-node;
#   3. score_accounts / score_contacts run per shard into co-located
#      score tables (run_command_on_colocated_placements) equal the
#      single-node scores, row for row;
#   4. a function distributed by its account argument scores that
#      account on its worker, equal to single-node.
# Usage: citus_check.sh [rows]    Exit status 77: Citus is not installed.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROWS="${1:-40000}"
AS_OF="2024-03-01 00:00+00"
PG_BINDIR="${PG_BINDIR:-$("${PG_CONFIG:-pg_config}" --bindir)}"
if [ ! -f "$PG_BINDIR/../lib/citus.so" ]; then
    echo "citus_check: skipped, no citus.so in $PG_BINDIR/../lib"
    exit 77
fi
export GT_EXTRA_CONF="shared_preload_libraries = 'citus'
citus.shard_count = 4
citus.max_adaptive_executor_pool_size = 4"
# shellcheck source=cluster.sh
source "$HERE/cluster.sh"
trap gt_stop_all EXIT

gt_start coord; P0=$GT_PORT
gt_start worker1; P1=$GT_PORT
gt_start worker2; P2=$GT_PORT
q() { local port=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"; }
export PGOPTIONS="-c client_min_messages=warning"
fails=0
check() { # label, SQL returning one boolean
    local got
    got=$(q "$P0" -At -c "$2")
    if [ "$got" = t ]; then echo "ok   $1"; else echo "FAIL $1 ($got)"; fails=$((fails + 1)); fi
}

for p in $P1 $P2; do q "$p" -c "CREATE EXTENSION citus"; done
q "$P0" -f "$HERE/gen_interactions.sql" >/dev/null
q "$P0" >/dev/null <<SQL
CREATE EXTENSION citus;
SELECT citus_set_coordinator_host('127.0.0.1', $P0);
SELECT citus_add_node('127.0.0.1', $P1);
SELECT citus_add_node('127.0.0.1', $P2);
CREATE EXTENSION givetake;
-- the single-node reference, a plain local table on the coordinator
CREATE TABLE interactions_local AS SELECT * FROM gen_interactions($ROWS, 60);
CREATE TABLE interactions (LIKE interactions_local);
SELECT create_distributed_table('interactions', 'account_id');
INSERT INTO interactions SELECT * FROM interactions_local;
ANALYZE interactions_local;
ANALYZE interactions;
SQL
echo "== workers: $(q "$P0" -At -c "SELECT string_agg(nodeport::text || ' ' || result, ', ') FROM run_command_on_workers(\$\$SELECT 'givetake ' || extversion FROM pg_extension WHERE extname = 'givetake'\$\$)")"

# Compares a query over the distributed table with the same query over the local one.
same() { # label, query with TABLE standing for the table
    local d="${2//TABLE/interactions}" l="${2//TABLE/interactions_local}"
    check "$1" "SELECT NOT EXISTS (($d) EXCEPT ($l)) AND NOT EXISTS (($l) EXCEPT ($d))
                AND (SELECT count(*) FROM ($d) x) = (SELECT count(*) FROM ($l) y) AND (SELECT count(*) FROM ($l) y) > 0"
}
plan() { q "$P0" -At -c "EXPLAIN (VERBOSE, COSTS OFF) $1"; }

echo "== 1. grouped by the distribution column: whole aggregates on the workers"
Q1="SELECT account_id, givetake.give_ratio(body) AS gr, givetake.me_index(body) AS mi,
           givetake.ack_time_stats(extract(epoch FROM created_at)::bigint % 20000)::text AS ack
    FROM TABLE GROUP BY account_id"
P=$(plan "${Q1//TABLE/interactions}")
echo "$P" | grep -m1 -o "Query: SELECT .*" | cut -c1-160
check "plan: give_ratio in the worker query, no partial aggregation" \
    "SELECT \$p\$$P\$p\$ ~ 'Query: SELECT .*givetake\\.give_ratio' AND \$p\$$P\$p\$ !~ 'worker_partial_agg'"
same "per-account aggregates equal single-node" "$Q1"

echo "== 2. grouped by another column, and whole-table: split into partial states"
Q2="SELECT channel, givetake.give_ratio(body) AS gr, givetake.me_index(body) AS mi,
           givetake.ack_time_stats(extract(epoch FROM created_at)::bigint % 20000)::text AS ack,
           givetake.ack_time_percentile(extract(epoch FROM created_at)::bigint % 20000, 0.9) AS p90
    FROM TABLE GROUP BY channel"
P=$(plan "${Q2//TABLE/interactions}")
echo "$P" | grep -m1 -o "Query: SELECT .*" | cut -c1-200
check "plan: worker_partial_agg on the workers, coord_combine_agg on the coordinator" \
    "SELECT \$p\$$P\$p\$ ~ 'worker_partial_agg\\(''givetake\\.give_ratio\\(text\\)'
            AND \$p\$$P\$p\$ ~ 'worker_partial_agg\\(''givetake\\.ack_time_percentile\\('
            AND \$p\$$P\$p\$ ~ 'coord_combine_agg\\('"
same "per-channel aggregates equal single-node" "$Q2"
Q3="SELECT givetake.give_ratio(body) AS gr, givetake.ack_time_stats(extract(epoch FROM created_at)::bigint % 20000)::text AS ack
    FROM TABLE"
P=$(plan "${Q3//TABLE/interactions}")
check "plan: whole-table aggregates split too" "SELECT \$p\$$P\$p\$ ~ 'worker_partial_agg'"
same "whole-table aggregates equal single-node" "$Q3"

echo "== 3. score_accounts / score_contacts per shard into co-located tables"
q "$P0" >/dev/null <<SQL
CREATE TABLE account_scores AS SELECT * FROM givetake.score_accounts('interactions') WITH NO DATA;
CREATE TABLE contact_scores AS SELECT * FROM givetake.score_contacts('interactions') WITH NO DATA;
SELECT create_distributed_table('account_scores', 'account_id', colocate_with => 'interactions');
SELECT create_distributed_table('contact_scores', 'account_id', colocate_with => 'interactions');
CREATE TABLE fill AS
SELECT 'account_scores' AS t, * FROM run_command_on_colocated_placements('interactions', 'account_scores',
    \$\$INSERT INTO %2\$s SELECT * FROM givetake.score_accounts('%1\$s', '$AS_OF')\$\$)
UNION ALL
SELECT 'contact_scores', * FROM run_command_on_colocated_placements('interactions', 'contact_scores',
    \$\$INSERT INTO %2\$s SELECT * FROM givetake.score_contacts('%1\$s', '$AS_OF')\$\$);
SQL
q "$P0" -At -c "SELECT t || ' shard ' || shardid2 || ' on ' || nodeport || ': ' || result FROM fill ORDER BY 1"
check "every shard of the score tables filled" "SELECT bool_and(success) AND count(*) = 8 FROM fill"
for t in account contact; do
    check "${t}_scores (per shard) equal single-node score_${t}s" \
        "SELECT NOT EXISTS (SELECT * FROM ${t}_scores EXCEPT SELECT * FROM givetake.score_${t}s('interactions_local', '$AS_OF'))
            AND NOT EXISTS (SELECT * FROM givetake.score_${t}s('interactions_local', '$AS_OF') EXCEPT SELECT * FROM ${t}_scores)
            AND (SELECT count(*) FROM ${t}_scores) = (SELECT count(*) FROM givetake.score_${t}s('interactions_local', '$AS_OF'))"
done

echo "== 4. one account scored on its worker by a distributed function"
q "$P0" >/dev/null <<'SQL'
CREATE FUNCTION score_account(account bigint, as_of timestamptz)
RETURNS TABLE (channel text, ack_rate float8, give_ratio float8, health float8)
LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS one_account (LIKE interactions);
  TRUNCATE one_account;
  INSERT INTO one_account SELECT * FROM interactions i WHERE i.account_id = account;
  RETURN QUERY SELECT s.channel, s.ack_rate, s.give_ratio, s.health
               FROM givetake.score_accounts('one_account', as_of) s;
END $$;
SELECT create_distributed_function('score_account(bigint, timestamptz)',
                                   distribution_arg_name := 'account', colocate_with := 'interactions');
SQL
check "score_account(7) equals single-node" \
    "SELECT NOT EXISTS (SELECT * FROM score_account(7, '$AS_OF')
                        EXCEPT SELECT channel, ack_rate, give_ratio, health
                               FROM givetake.score_accounts('interactions_local', '$AS_OF') WHERE account_id = 7)
        AND (SELECT count(*) FROM score_account(7, '$AS_OF')) =
            (SELECT count(*) FROM givetake.score_accounts('interactions_local', '$AS_OF') WHERE account_id = 7)"
P=$(plan "SELECT * FROM score_account(7, '$AS_OF')")
check "score_account was delegated to one worker" \
    "SELECT \$p\$$P\$p\$ ~ 'Custom Scan \\(Citus Adaptive\\)' AND \$p\$$P\$p\$ ~ 'Task Count: 1'
            AND \$p\$$P\$p\$ ~ 'Query: SELECT .*score_account\\(' "

if [ "$fails" -ne 0 ]; then echo "citus_check: $fails check(s) failed"; exit 1; fi
echo "citus_check: all checks passed"
