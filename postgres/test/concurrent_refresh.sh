#!/usr/bin/env bash
# Two sessions run the first refresh_scores into a new schema at the same
# time. Without serialising table creation the second fails with a
# duplicate pg_type key; with the advisory lock both succeed and the
# tables hold one refresh's rows. Expects PGHOST/PGPORT/PGUSER of a
# running cluster with the extension installed.
set -euo pipefail
DB=gt_concurrent
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" <<'SQL'
CREATE EXTENSION givetake;
CREATE TABLE public.ix (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8);
INSERT INTO public.ix SELECT g, 1 + g % 3, g % 7, NULL, 'twitter', 'mention', true, false, false,
    '2024-05-01'::timestamptz + g * interval '1 minute', 'Ann', 'help', 0 FROM generate_series(1, 200) g;
CREATE SCHEMA fresh;
SQL
# Session A creates the tables and holds its transaction open for a while;
# session B starts its first refresh meanwhile.
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "BEGIN" \
    -c "SELECT accounts FROM givetake.refresh_scores('public.ix', NULL, 'fresh')" \
    -c "SELECT pg_sleep(2)" -c "COMMIT" >/dev/null &
A=$!
sleep 0.7
status=0
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "SELECT accounts FROM givetake.refresh_scores('public.ix', NULL, 'fresh')" \
    >/dev/null || status=$?
wait "$A" || status=$?
if [ "$status" != 0 ]; then echo "concurrent first refresh_scores failed"; exit 1; fi
n=$(psql -X -A -t -d "$DB" -c "SELECT count(*) FROM fresh.account_scores WHERE channel IS NULL")
if [ "$n" != 3 ]; then echo "expected 3 account rows after two refreshes, got $n"; exit 1; fi
psql -X -q -d postgres -c "DROP DATABASE $DB"
echo "concurrent first refresh_scores: ok"
