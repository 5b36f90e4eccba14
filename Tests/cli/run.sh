#!/usr/bin/env bash
# End-to-end tests of the givetake CLI and the SQLite extension, run as a
# user would run them: exit codes, output formats, error messages, the
# sqlite3 shell's .load, and the same rows scored identically in memory,
# in SQLite and in a throwaway PostgreSQL cluster (started and stopped here).
#   bash Tests/cli/run.sh            (GIVETAKE_SKIP_PG=1 skips PostgreSQL)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCRATCH=${GIVETAKE_CLI_SCRATCH:-$ROOT/.build-cli}
. "$ROOT/Tests/cli/pg.sh"

# ---- Tools ---------------------------------------------------------------
need=()
command -v sqlite3 >/dev/null || need+=(sqlite3)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
pkg-config --exists libpq 2>/dev/null || need+=(libpq-dev)
[ -n "${GIVETAKE_SKIP_PG:-}" ] || pg_bindir >/dev/null 2>&1 || need+=(postgresql-15)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null \
    || { echo "cannot install ${need[*]}" >&2; exit 1; }
fi

# -static-stdlib: the CLI and the extension need no Swift runtime; the
# flags are those of `make cli` (Makefile RELEASEFLAGS).
mkdir -p "$SCRATCH"; T_LOG=$SCRATCH/cli-test-build.log
echo "building givetake-cli and libgivetake_sqlite ($SCRATCH)"
for product in givetake-cli givetake_sqlite; do
  swift build -c release -Xswiftc -static-stdlib -Xswiftc -enforce-exclusivity=unchecked --scratch-path "$SCRATCH" --traits CLI --product "$product" >"$T_LOG" 2>&1 \
    || { tail -40 "$T_LOG"; echo "build of $product failed" >&2; exit 1; }
done
EXT=$SCRATCH/release/libgivetake_sqlite
T=$(mktemp -d /tmp/givetake-cli-test.XXXXXX)
cleanup() { pg_stop; rm -rf "$T"; }
trap cleanup EXIT
mkdir -p "$T/bin"
ln -s "$SCRATCH/release/givetake-cli" "$T/bin/givetake"
export PATH="$T/bin:$PATH"
cd "$T"

# ---- Assertions ----------------------------------------------------------
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20 | sed 's/^/     /'; }

# expect NAME STATUS PATTERN -- command...: exit status and a grep -E pattern
# over stdout+stderr ("" = no pattern).
expect() {
  local name=$1 status=$2 pattern=$3; shift 4
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$status" ]; then bad "$name (exit $rc, expected $status)" "$out"; return; fi
  if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" <<<"$out"; then bad "$name (no /$pattern/)" "$out"; return; fi
  ok "$name"
}
same() {  # same NAME FILE1 FILE2
  if cmp -s "$2" "$3"; then ok "$1"; else bad "$1" "$(diff "$2" "$3" | head -10)"; fi
}
equals() {  # equals NAME ACTUAL EXPECTED
  if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got:      $2"$'\n'"expected: $3"; fi
}

# ---- Help and usage (exit 0 / 2) -----------------------------------------
expect "help lists the commands" 0 "score.*classify|demo" -- givetake --help
expect "score --help shows the options" 0 "--incremental" -- givetake score --help
expect "no subcommand prints help" 0 "USAGE" -- givetake
expect "missing <db> is a usage error" 2 "Missing expected argument" -- givetake score
expect "unknown format is a usage error" 2 "format" -- givetake score x.db --format xml
expect "bad --sla is a usage error" 2 "unknown channel 'myspace'" -- givetake score x.db --sla myspace=1h
expect "bad --as-of is a usage error" 2 "as-of" -- givetake score x.db --as-of yesterday
expect "unknown subcommand is a usage error" 2 "" -- givetake frobnicate
expect "an empty <db> is a usage error" 2 "<db> is empty" -- givetake score ""
expect "an empty --table is a usage error" 2 "--table is empty" -- givetake score x.db --table ""
expect "an empty --db is a usage error (demo)" 2 "--db is empty" -- givetake demo --db " "
expect "an empty --db is a usage error (import-twcs)" 2 "--db is empty" -- givetake import-twcs x.csv --db ""

# ---- Demo, formats, in-process = SQLite ----------------------------------
expect "demo builds and scores a database" 0 "^account +name +needs_ack" -- givetake demo --db demo.db --rows 6000 -q
equals "demo table has one row per brand" "$(givetake score demo.db -q | tail -n +3 | wc -l)" "4"
equals "account_scores written" "$(sqlite3 demo.db 'select count(*) from account_scores where channel is null')" "4"
equals "contact_scores written" "$(sqlite3 demo.db 'select count(*) > 100 from contact_scores')" "1"
givetake score demo.db --format csv -q >sqlite.csv
givetake demo --in-memory --rows 6000 --format csv -q >memory.csv
same "SQLite and in-process API give identical rows" sqlite.csv memory.csv
equals "csv has the 29 spec columns and account_name" "$(head -1 sqlite.csv | tr , "\n" | wc -l)" "30"
equals "csv has every account x channel row" "$(($(wc -l <sqlite.csv) - 1))" "$(sqlite3 demo.db 'select count(*) from account_scores')"
givetake score demo.db --format json -q >out.json
expect "json parses and has every row" 0 "^rows=$(($(wc -l <sqlite.csv) - 1))$" -- \
  python3 -c 'import json,sys; d=json.load(open("out.json")); print("rows=%d" % len(d["accounts"]))'
givetake score demo.db --format csv -q --group-rows 1500 >grouped.csv
same "scoring in groups of accounts (memory bound) gives identical rows" sqlite.csv grouped.csv
sqlite3 demo.db "select * from account_scores order by account_id, channel" >before-spill.txt
expect "grouped scoring names a temporary directory it cannot use" 1 "cannot create a temporary directory in /nonexistent-tmp" -- \
  env TMPDIR=/nonexistent-tmp givetake score demo.db --group-rows 1500
same "... and leaves the previous scores" before-spill.txt <(sqlite3 demo.db "select * from account_scores order by account_id, channel")
expect "--max-memory takes a size" 2 "is not a size" -- givetake score demo.db --max-memory lots
# Groups are packed by rows, but a contact per row weighs more: a group of
# many small accounts outgrows its scorer (16M: groups of 50,000 rows, a
# 10 MB scorer) and is split by linked set, with the scores of one pass.
sqlite3 small.db "CREATE TABLE interactions (id INTEGER, account_id INTEGER, contact_id INTEGER, parent_id INTEGER,
  channel TEXT, kind TEXT, inbound INTEGER, automated INTEGER, has_media INTEGER, created_at TEXT, author_name TEXT,
  body TEXT, value REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120000)
INSERT INTO interactions SELECT i, (i - 1) / 3 + 1, i, CASE WHEN i % 30 = 3 THEN i + 1 END, 'facebook',
  CASE WHEN i % 30 = 3 THEN 'reply' ELSE 'comment' END, i % 30 <> 3, 0, 0,
  datetime('2026-11-01', '+' || (i * 7 % 40000) || ' minutes'), NULL, 'help please', 0 FROM n;"
dump_scores() {  # dump_scores DB PREFIX: every score table, sorted
  for t in account_scores contact_scores turn_scores agent_scores; do
    sqlite3 "$1" "select * from $2$t order by 1, 2, 3, 4"
  done
}
givetake score small.db -q --max-memory none >/dev/null
dump_scores small.db "" >small-one-pass.txt
equals "one pass scores every account" "$(sqlite3 small.db 'select count(*) from account_scores where channel is null')" "40000"
expect "a group that outgrows its scorer is split by linked set" 0 "split into 2 parts" -- \
  env GIVETAKE_TRACE=1 givetake score small.db -q --max-memory 16M --out-prefix s_
same "... and scores as one pass" small-one-pass.txt <(dump_scores small.db s_)
# 400 accounts of 1,000 rows: past a 200M bound's one-pass size, and scored
# in groups of about 50,000 rows (kept in the CPU caches), not in groups as
# large as the bound allows.
sqlite3 mid.db "CREATE TABLE interactions (id INTEGER, account_id INTEGER, contact_id INTEGER, parent_id INTEGER,
  channel TEXT, kind TEXT, inbound INTEGER, automated INTEGER, has_media INTEGER, created_at TEXT, author_name TEXT,
  body TEXT, value REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000)
INSERT INTO interactions SELECT i, (i - 1) / 1000 + 1, i % 997, CASE WHEN i % 30 = 3 THEN i + 1 END, 'facebook',
  CASE WHEN i % 30 = 3 THEN 'reply' ELSE 'comment' END, i % 30 <> 3, 0, 0,
  datetime('2026-11-01', '+' || (i * 7 % 40000) || ' minutes'), NULL, 'help please', 0 FROM n;"
givetake score mid.db -q --max-memory none >/dev/null
dump_scores mid.db "" >mid-one-pass.txt
env GIVETAKE_TRACE=1 givetake score mid.db -q --max-memory 200M --out-prefix g_ 2>mid-trace.txt >/dev/null
equals "a table past the bound is scored in groups of at most 50,000 rows" \
  "$(grep -o 'scoring [0-9]* rows' mid-trace.txt | awk '{ n++; if ($2 > 50000) big++ } END { print (n >= 8), big + 0 }')" "1 0"
same "... and scores as one pass" mid-one-pass.txt <(dump_scores mid.db g_)
sqlite3 small.db "update interactions set account_id = 1 where account_id <= 20000"
givetake score small.db -q --max-memory none --out-prefix whole_ >/dev/null
expect "one account larger than the scorer's limit is scored in parts of whole contacts" 0 \
  "60000 rows of one linked set: [0-9]+ parts of whole contacts" -- \
  env GIVETAKE_TRACE=1 givetake score small.db -q --max-memory 16M
same "... and scores as one pass" <(dump_scores small.db whole_) <(dump_scores small.db "")
dump_scores small.db "" >small-one-pass.txt
# Each row answers the one before: one unit, which parts cannot split.
sqlite3 small.db "update interactions set parent_id = id - 1 where account_id = 1 and id > 1"
expect "rows of one account that cannot be split and do not fit are an error" 1 \
  "account 1 \(60000 rows\) does not fit the memory bound: .*above the memory limit of 10 MB.*run with --max-memory [0-9]+[MG] or more" -- \
  givetake score small.db -q --max-memory 16M
same "... and leaves the previous scores" small-one-pass.txt <(dump_scores small.db "")
suggested=$(givetake score small.db -q --max-memory 16M 2>&1 | grep -o -- '--max-memory [0-9]*[MG]' | cut -d' ' -f2)
expect "... and the bound it suggests scores it" 0 "" -- givetake score small.db -q --max-memory "${suggested:-none}" --out-prefix big_
equals "... the suggestion is a size" "$(printf '%s' "$suggested" | grep -cE '^[0-9]+[MG]$')" "1"
# One tenant of 1.45 M rows (725,000 contacts): past the default bound's
# one-pass size, and more than a group's scorer may hold under it.
sqlite3 tenant.db "CREATE TABLE interactions (id INTEGER, account_id INTEGER, contact_id INTEGER, parent_id INTEGER,
  channel TEXT, kind TEXT, inbound INTEGER, automated INTEGER, has_media INTEGER, created_at TEXT, author_name TEXT,
  body TEXT, value REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1450000)
INSERT INTO interactions SELECT i, 7, (i + 1) / 2, CASE WHEN i % 2 = 0 THEN i - 1 END, 'twitter',
  CASE WHEN i % 2 = 0 THEN 'reply' ELSE 'comment' END, i % 2, 0, 0,
  datetime('2026-01-01', '+' || (i * 7) || ' seconds'), CASE WHEN i % 2 = 1 THEN 'Ana Perez' END,
  CASE WHEN i % 2 = 0 THEN 'Thanks Ana, here is how to fix it' ELSE 'help please' END, 0 FROM n;"
givetake score tenant.db -q --max-memory none --out-prefix one_ >/dev/null
expect "one tenant larger than a group's scorer is scored in parts of whole contacts" 0 \
  "1450000 rows of one linked set: [0-9]+ parts of whole contacts" -- \
  env GIVETAKE_TRACE=1 givetake score tenant.db -q --max-memory 512M
equals "... every turn scored" "$(sqlite3 tenant.db 'select needs_ack, acknowledged, personal_rate from account_scores where channel is null')" \
  "725000|725000|1.0"
same "... and scores as one pass (every time to acknowledge is 7 s: the histogram's percentiles are exact)" \
  <(dump_scores tenant.db one_) <(dump_scores tenant.db "")
equals "... under the default bound too, with no note" "$(givetake score tenant.db -q 2>&1 | grep -c 'note:')" "0"
givetake score demo.db --format csv -q >again.csv
same "a rerun gives identical output" sqlite.csv again.csv
expect "progress and summary stay off a non-terminal stdout" 0 "^account" -- givetake score demo.db
expect "summary on stderr names the rows" 0 "scored 6,000 rows" -- givetake score demo.db

# ---- classify / explain / lexicon ----------------------------------------
expect "classify a give text" 0 "^give	" -- givetake classify "How to fix your router: a quick guide"
expect "classify a take text" 0 "^take	" -- givetake classify "Big sale, 20% off, shop now"
equals "classify - reads lines" "$(printf 'tips and a tutorial\nbuy now\n' | givetake classify - | cut -f1 | tr '\n' ' ')" "give take "
expect "explain lists cues with weights" 0 "selling.*1" -- givetake explain "Flash sale: buy now"
expect "explain shows the negation effect" 0 "no cue fired|neutral" -- givetake explain "no purchase necessary"
printf 'unicorn\tteaching\t2\n' >good.lex
expect "a lexicon file extends the built-in one" 0 "^give	2	0" -- givetake classify --lexicon good.lex "unicorn"
printf 'unicorn\tteaching\t2\nbroken line\n' >bad.lex
expect "a bad lexicon line is reported with its number" 1 "bad.lex: lexicon line 2" -- givetake score demo.db --lexicon bad.lex
expect "lexicon prints the built-in lexicon" 0 "how to	teaching" -- givetake lexicon

# ---- Errors (exit 1) -------------------------------------------------------
expect "missing database file" 1 "cannot open SQLite database 'nope.db'" -- givetake score nope.db
expect "unknown table names the table and the expected columns" 1 \
  "no table 'crm'.*expected a table with columns: id, account_id" -- givetake score demo.db --table crm
sqlite3 demo.db "create table partial as select id, account_id, channel from interactions limit 5"
expect "missing columns are named" 1 "table 'partial' .*has no column 'contact_id', 'parent_id'" -- \
  givetake score demo.db --table partial
expect "an unsupported URL is rejected" 1 "neither a SQLite file path nor a postgres:// URL" -- \
  givetake score mysql://localhost/crm
expect "a refused PostgreSQL connection is reported" 1 "cannot connect to PostgreSQL.*(refused|No such file)" -- \
  givetake score "postgresql://nobody@127.0.0.1:1/none"
expect "a password is not echoed" 1 "nobody:\*\*\*@" -- givetake score "postgresql://nobody:s3cret@127.0.0.1:1/none"
sqlite3 demo.db "create table badtime as select * from interactions limit 3; update badtime set created_at = 'soon' where rowid = 2"
expect "a bad created_at names the row" 1 "table 'badtime', row 1 \(id [0-9]+\): created_at 'soon' is not a timestamp" -- \
  givetake score demo.db --table badtime
# Values that do not fit their column: an error naming row, column and
# value (never a silent 0), and the previous scores stay.
sqlite3 demo.db "select * from account_scores order by account_id, channel" >before-bad.txt
sqlite3 demo.db "create table badint as select * from interactions limit 5;
  insert into badint (id, account_id, channel, kind, inbound, created_at, body) values (77, 'abc', 'twitter', 'post', 0, '2026-01-01', 'x')"
expect "text in an integer column is an error" 1 "table 'badint', row 5 \(id 77\): account_id 'abc' is not an integer" -- \
  givetake score demo.db --table badint --out-prefix ''
same "a failed run leaves the previous scores intact" before-bad.txt <(sqlite3 demo.db "select * from account_scores order by account_id, channel")
sqlite3 demo.db "update badint set account_id = 1001, inbound = 'maybe' where id = 77"
expect "a non-boolean inbound is an error" 1 "row 5 \(id 77\): inbound 'maybe' is not a boolean" -- givetake score demo.db --table badint
sqlite3 demo.db "update badint set inbound = 0, body = cast(x'41ff' as text) where id = 77"
expect "invalid UTF-8 in a body names the source row" 1 "table 'badint', row 5 \(id 77\): body is not valid UTF-8" -- givetake score demo.db --table badint
expect "... also when scoring in groups of accounts" 1 "table 'badint', row 5 \(id 77\): body is not valid UTF-8" -- \
  givetake score demo.db --table badint --group-rows 2
sqlite3 demo.db 'create table "odd""name" as select * from interactions limit 50'
expect "identifiers are quoted" 0 "^account" -- givetake score demo.db --table 'odd"name' --out-prefix 'x"y_' -q
equals "quoted output tables written" "$(sqlite3 demo.db 'select count(*) > 0 from "x""y_account_scores"')" "1"

# ---- Turns, agents, account names ------------------------------------------
equals "turn_scores written, one row per turn" \
  "$(sqlite3 demo.db "select count(*) > 0, sum(status = 'pending') > 0, max(inbound_rows) > 1 from turn_scores")" "1|1|1"
equals "turn rows aggregate to the account rows" \
  "$(sqlite3 demo.db "select count(*) from (select account_id, sum(status <> 'pending') n, sum(status = 'acknowledged') a from turn_scores group by account_id) t
     join account_scores s on s.account_id = t.account_id and s.channel is null where s.needs_ack = t.n and s.acknowledged = t.a")" "4"
givetake score demo.db --turns pending --format csv -q >pending.csv
equals "--turns pending prints the spec's turn columns" "$(head -1 pending.csv)" \
  "account_id,turn_id,thread_id,contact_id,channel,started_at,inbound_rows,status,first_ack_id,agent_id,time_to_ack_s,business_time_to_ack_s,personal,appreciative,within_sla,due_at,account_name"
equals "--turns pending lists every pending turn" "$(($(wc -l <pending.csv) - 1))" \
  "$(sqlite3 demo.db "select count(*) from turn_scores where status = 'pending'")"
equals "the at-risk list is sorted by due_at" "$(tail -n +2 pending.csv | cut -d, -f16 | sort -c && echo sorted)" "sorted"
expect "--agents prints the agent table" 0 "^account +name +agent +acknowledged +median_ack" -- givetake score demo.db --agents -q
equals "agent_scores has a row per agent and one without" \
  "$(sqlite3 demo.db "select count(*) > 4, sum(agent_id is null) from agent_scores")" "1|4"
expect "--turns and --agents exclude each other" 2 "choose one" -- givetake score demo.db --turns all --agents
# ---- Business hours, SLA clocks, periods ---------------------------------
# Friday 15:00 UTC (16:00 Berlin) answered Monday 09:00 UTC: account 1
# facebook (Mon-Fri 09-17 Berlin) 2 h of business time, instagram
# (override Mon-Sat) 10 h, account 2 (no schedule) 66 h = 237600 s.
sqlite3 hours.db "CREATE TABLE interactions (id INTEGER, account_id INTEGER, contact_id INTEGER, parent_id INTEGER,
  channel TEXT, kind TEXT, inbound INTEGER, automated INTEGER, has_media INTEGER, created_at TEXT, author_name TEXT,
  body TEXT, value REAL);
INSERT INTO interactions VALUES
 (1, 1, 5, NULL, 'facebook', 'comment', 1, 0, 0, '2026-11-27 15:00:00', NULL, 'help', 0),
 (2, 1, NULL, 1, 'facebook', 'reply', 0, 0, 0, '2026-11-30 09:00:00', NULL, 'done', 0),
 (3, 1, 6, NULL, 'instagram', 'comment', 1, 0, 0, '2026-11-27 15:00:00', NULL, 'help', 0),
 (4, 1, NULL, 3, 'instagram', 'reply', 0, 0, 0, '2026-11-30 09:00:00', NULL, 'done', 0),
 (5, 2, 7, NULL, 'facebook', 'comment', 1, 0, 0, '2026-11-27 15:00:00', NULL, 'help', 0),
 (6, 2, NULL, 5, 'facebook', 'reply', 0, 0, 0, '2026-11-30 09:00:00', NULL, 'done', 0),
 (7, 1, 8, NULL, 'facebook', 'comment', 1, 0, 0, '2026-11-30 15:00:00', NULL, 'help', 0),
 (8, 1, NULL, NULL, 'twitter', 'post', 0, 0, 0, '2026-11-29 23:30:00', NULL, 'How to fix it: a free guide and tips', 0);
CREATE TABLE schedules (account_id INTEGER, channel TEXT, time_zone TEXT, hours TEXT, holidays TEXT);
INSERT INTO schedules VALUES (1, NULL, 'Europe/Berlin', 'Mon-Fri 09:00-17:00', NULL),
  (1, 'instagram', 'Europe/Berlin', 'Mon-Sat 09:00-17:00', '2026-12-25');"
givetake score hours.db --as-of '2026-12-01 08:30:00' --sla-clock business -q >/dev/null
equals "business time per turn from the schedules table (Berlin, override, no schedule)" \
  "$(sqlite3 hours.db "select group_concat(turn_id || ':' || coalesce(business_time_to_ack_s, '-') || ':' || coalesce(within_sla, '-') || ':' || status || ':' || due_at, ' ') from (select * from turn_scores order by turn_id)")" \
  "1:7200.0:1:acknowledged:2026-11-30 11:00:00 3:36000.0:0:acknowledged:2026-11-28 11:00:00 5:237600.0:0:acknowledged:2026-11-27 19:00:00 7:-:-:pending:2026-12-01 11:00:00"
givetake score hours.db --as-of '2026-12-01 08:30:00' -q >/dev/null
equals "the calendar clock (default) keeps the business times" \
  "$(sqlite3 hours.db "select group_concat(status || ':' || due_at, ' ') from (select * from turn_scores where turn_id in (1, 7) order by turn_id)")" \
  "acknowledged:2026-11-27 19:00:00 unacknowledged:2026-11-30 19:00:00"
expect "score --period week prints a trend" 0 "^1 .* 2026-11-23\.\.2026-11-30" -- \
  givetake score hours.db --as-of '2026-12-01 08:30:00' --period week -q
equals "period_scores: weeks in the account's zone (row 8 is Monday in Berlin)" \
  "$(sqlite3 hours.db "select group_concat(account_id || ':' || period_start || ':' || needs_ack || ':' || give_posts, ' ') from (select * from period_scores order by account_id, period_start)")" \
  "1:2026-11-23:2:0 1:2026-11-30:1:1 2:2026-11-23:1:0 2:2026-11-30:0:0"
givetake score demo.db --period month -q --format csv >periods.csv
givetake score demo.db --period month -q --format csv --group-rows 1500 --out-prefix g_ >periods-grouped.csv
same "periods in groups of accounts give identical rows" periods.csv periods-grouped.csv
equals "turns and contacts in groups of accounts are identical" \
  "$(sqlite3 demo.db "select (select count(*) from (select * from turn_scores except select * from g_turn_scores))
     + (select count(*) from (select * from g_turn_scores except select * from turn_scores))
     + (select count(*) from (select * from contact_scores except select * from g_contact_scores))
     + (select count(*) from turn_scores) * (select count(*) = 0 from g_turn_scores)")" "0"
equals "period counts sum to the account counts" \
  "$(sqlite3 demo.db "select count(*) from (select account_id, sum(needs_ack) n, sum(pending) p, sum(acknowledged) a, sum(give_posts) g, sum(anomalies) x from period_scores group by account_id) t
     join account_scores s on s.account_id = t.account_id and s.channel is null where s.needs_ack = t.n and s.pending = t.p and s.acknowledged = t.a and s.give_posts = t.g and s.anomalies = t.x")" "4"
printf 'account_id\tchannel\ttime_zone\thours\tholidays\n2\ttwitter\tMars/Base\tMon 09:00-17:00\t\n' >bad-zone.tsv
expect "an unknown zone names the file line, account and channel" 1 "bad-zone.tsv line 2 \(account 2, channel twitter\): unknown time zone \"Mars/Base\"" -- \
  givetake score hours.db --schedule bad-zone.tsv -q
printf '1\t\tUTC\tMon 09:00-12:00, 11:00-13:00\n' >overlap.tsv
expect "overlapping intervals are an error naming the text" 1 "overlapping intervals on Mon: 09:00-12:00 and 11:00-13:00" -- \
  givetake score hours.db --schedule overlap.tsv -q
expect "bad --sla-clock is a usage error" 2 "not a clock" -- givetake score hours.db --sla-clock twitter=wall

row_median=$(givetake score demo.db --ack-unit row --format csv -q | awk -F, 'NR == 2 { print $3, $10 }')
turn_median=$(givetake score demo.db --format csv -q | awk -F, 'NR == 2 { print $3, $10 }')
if [ "${row_median%% *}" -gt "${turn_median%% *}" ]; then ok "--ack-unit row counts every message (more needs_ack than turns)"
else bad "--ack-unit row" "row: $row_median turn: $turn_median"; fi
expect "account names from the accounts table are shown" 0 "1001 +Acme Outdoor" -- givetake score demo.db -q
equals "account_name written" "$(sqlite3 demo.db "select account_name from agent_scores where account_id = 1002 limit 1")" "Brightside Bank"
sqlite3 demo.db "create view named as select *, 'Brand ' || account_id as account_name from interactions"
expect "an account_name column wins over the accounts table" 0 "1001 +Brand 1001" -- givetake score demo.db --table named --out-prefix named_ -q

# ---- Interrupted runs leave the previous scores intact ---------------------
sqlite3 demo.db "select * from account_scores order by account_id, channel" >before.txt
sqlite3 demo.db "update interactions set body = 'BUY NOW, big sale, 50% off' where kind = 'post'"
# (through sh -c, so that bash does not report the killed job)
GIVETAKE_TEST_KILL_BEFORE_COMMIT=1 sh -c 'givetake score demo.db -q >/dev/null 2>&1; exit $?'
equals "kill -9 inside the write transaction exits by SIGKILL" "$?" "137"
sqlite3 demo.db "select * from account_scores order by account_id, channel" >after.txt
same "previous scores intact after kill -9" before.txt after.txt
givetake score demo.db --format csv -q >rerun1.csv
givetake score demo.db --format csv -q >rerun2.csv
same "the rerun after an interruption is deterministic" rerun1.csv rerun2.csv
if cmp -s before.txt "$(sqlite3 demo.db 'select 1' >/dev/null; echo rerun1.csv)"; then bad "scores changed after rerun"; else ok "the rerun replaced the scores"; fi

# ---- --incremental = full rescore ------------------------------------------
givetake demo --db inc.db --rows 20000 --seed 7 --no-score -q
AS_OF="2026-04-05 00:00:00"
givetake score inc.db --as-of "$AS_OF" -q >/dev/null
sqlite3 inc.db "insert into interactions select id + 100000000, account_id, contact_id,
  case when parent_id is null then null else parent_id + 100000000 end, channel, kind, inbound, automated, has_media,
  created_at, author_name, body, value, thread_id, agent_id from interactions where account_id = 1002 and id % 7 = 0"
expect "incremental rescores only the affected accounts" 0 "rescored 1 affected account" -- \
  givetake score inc.db --as-of "$AS_OF" --incremental
givetake score inc.db --as-of "$AS_OF" --out-prefix full_ -q >/dev/null
dump() { sqlite3 inc.db "select * from ${1}account_scores order by account_id, channel; select * from ${1}contact_scores order by account_id, contact_id;
  select * from ${1}turn_scores order by account_id, turn_id; select * from ${1}agent_scores order by account_id, agent_id"; }
dump "" >inc.txt; dump full_ >full.txt
same "incremental result equals a full rescore" inc.txt full.txt
expect "incremental with nothing new is a no-op" 0 "no new rows" -- givetake score inc.db --as-of "$AS_OF" --incremental
noop_note=$(givetake score inc.db --as-of "$AS_OF" --incremental --format csv 2>&1 >noop.csv)
if grep -q "wrote" <<<"$noop_note"; then bad "a no-op run does not say it wrote scores" "$noop_note"
else ok "a no-op run does not say it wrote scores"; fi
givetake score inc.db --as-of "$AS_OF" --format csv -q >rescored.csv
same "a no-op run prints the stored scores" noop.csv rescored.csv
# stored values edited past Int64 or to infinities still print
cp inc.db huge.db
sqlite3 huge.db "update account_scores set health = 1e300, median_ack_s = 1e300, ack_rate = 1e30
  where account_id = 1002 and channel is null;
  update account_scores set p90_ack_s = 9e999, health = -9e999 where account_id = 1003 and channel is null"
for f in table csv json; do
  expect "stored values past Int64 print ($f)" 0 "" -- givetake score huge.db --as-of "$AS_OF" --incremental --format "$f"
done
expect "a stored health of 1e300 prints as it is" 0 "1e\\+300" -- \
  givetake score huge.db --as-of "$AS_OF" --incremental --format table
givetake score inc.db -q >/dev/null
sqlite3 inc.db "insert into interactions (id, account_id, contact_id, channel, kind, inbound, created_at, body)
  values (900000001, 1003, 55, 'twitter', 'mention', 1, '2026-06-01 10:00:00', 'hello?')"
expect "rows later than as_of force a full rescore" 0 "full rescore: new rows are later" -- \
  givetake score inc.db --incremental

# ---- import-twcs -------------------------------------------------------------
TWCS=$ROOT/../shared/data/twcs_sample.csv
[ -f "$TWCS" ] || TWCS=/work/shared/data/twcs_sample.csv
if [ -f "$TWCS" ]; then
  expect "import-twcs loads the sample" 0 "imported [0-9]+ tweets for [0-9]+ brands" -- givetake import-twcs "$TWCS" --db twcs.db
  records=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))' "$TWCS")
  skipped=$(givetake import-twcs "$TWCS" --db twcs.db 2>&1 | sed -n 's/.*skipped \([0-9]*\).*/\1/p')
  equals "every sample tweet is a row or counted as skipped" \
    "$(( $(sqlite3 twcs.db 'select count(*) from interactions') + ${skipped:-0} ))" "$records"
  equals "brand accounts are the FNV-1a ids of their names" \
    "$(sqlite3 twcs.db "select count(distinct account_id) from interactions where author_name = 'AppleSupport'")" "1"
  expect "the imported table scores, with brand names" 0 "AppleSupport" -- givetake score twcs.db -q
  equals "brand handles kept in accounts(account_id, name)" \
    "$(sqlite3 twcs.db "select count(distinct a.account_id) from accounts a join interactions i on i.account_id = a.account_id and i.author_name = a.name and i.inbound = 0 where a.name = 'AppleSupport'")" "1"
else
  bad "twcs sample not found ($TWCS)"
fi
expect "import of a missing file fails" 1 "cannot read 'none.csv'" -- givetake import-twcs none.csv --db x.db
HDR="tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
TW="True,Tue Oct 31 22:10:47 +0000 2017"
printf '%s\n1,ana,%s,@Brand hi,,\n2,ana,%s,"@Brand it\nbroke,,\n3,ana,%s,x,,\n' "$HDR" "$TW" "$TW" "$TW" >openquote.csv
expect "an unterminated quote names its line" 1 "openquote.csv: line 3: unterminated quote" -- givetake import-twcs openquote.csv --db q.db
printf '\xef\xbb\xbf%s\n1,ana,%s,@Brand hi,,\n' "$HDR" "$TW" >bom.csv
expect "a UTF-8 byte order mark is accepted" 0 "imported 1 tweets" -- givetake import-twcs bom.csv --db bom.db
printf '%s\n1,ana,%s,caf\xe9 @Brand,,\n' "$HDR" "$TW" >latin1.csv
expect "invalid UTF-8 is rejected at import, naming the line" 1 "latin1.csv: line 2 \(tweet 1\): text is not valid UTF-8" -- \
  givetake import-twcs latin1.csv --db l1.db
equals "a rejected import writes nothing" "$(sqlite3 l1.db "select count(*) from sqlite_schema where name = 'interactions'")" "0"

# ---- -q on every subcommand: nothing on stderr -----------------------------
for cmd in "score demo.db" "demo --db q2.db --rows 500" "demo --in-memory --rows 500" "import-twcs bom.csv --db q3.db" \
           "classify tips" "explain tips" "lexicon"; do
  # shellcheck disable=SC2086
  err=$(givetake $cmd -q 2>&1 >/dev/null); rc=$?
  if [ "$rc" = 0 ] && [ -z "$err" ]; then ok "-q: givetake $cmd"; else bad "-q: givetake $cmd (exit $rc)" "$err"; fi
done

# ---- A full disk says so ---------------------------------------------------
mkdir -p fulldisk
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256k tmpfs fulldisk 2>/dev/null; then
  expect "a full disk says 'disk full'" 1 "disk full writing SQLite database 'fulldisk/d.db'.*rolled back" -- \
    givetake demo --db fulldisk/d.db --rows 20000 --no-score -q
  umount fulldisk
else
  echo "skip disk-full test on a tmpfs (needs root); SQLiteStoreTests covers it with max_page_count"
fi

# ---- SQLite loadable extension -----------------------------------------------
if ldd "$EXT.so" | grep -q libswift; then bad "extension needs the Swift runtime" "$(ldd "$EXT.so")"; else ok "extension needs no Swift runtime"; fi
q() { sqlite3 -batch "$@" 2>&1; }
equals "extension scalars" "$(q :memory: ".load $EXT" "select givetake_classify('Tips: how to fix it'),
  givetake_classify('Sale! 20% off'), givetake_classify('hello'), givetake_give_score('how to'),
  givetake_take_score('buy now'), givetake_is_personal('Thanks Maria!', 'Maria Smith'),
  givetake_is_personal('Thanks!', 'Maria Smith'), givetake_is_appreciative('thx a lot'),
  givetake_is_appreciative('ok'), givetake_classify(NULL) is null")" "give|take|neutral|1.45|2.31|1|0|1|0|1"
equals "entry point sqlite3_givetake_init by name" "$(q :memory: ".load $EXT sqlite3_givetake_init" "select givetake_classify('how to fix it')")" "give"
# The rows the engine keeps: known channel, and of duplicate ids the earliest.
KEPT="channel in ('twitter','facebook','instagram','linkedin','other')
  and not exists (select 1 from interactions d where d.id = i.id and d.created_at < i.created_at)"
equals "give ratio aggregate matches account_scores" \
  "$(q demo.db ".load $EXT" "select group_concat(ok) from (select a.account_id, printf('%.12f', r) = printf('%.12f', a.give_ratio) ok
     from (select account_id, givetake_give_ratio(body) r from interactions i
           where inbound = 0 and automated = 0 and kind in ('post','share') and $KEPT group by account_id) x
     join account_scores a on a.account_id = x.account_id and a.channel is null)")" "1,1,1,1"
equals "me-index aggregate matches account_scores" \
  "$(q demo.db ".load $EXT" "select group_concat(ok) from (select printf('%.12f', r) = printf('%.12f', a.me_index) ok
     from (select account_id, givetake_me_index(body) r from interactions i
           where inbound = 0 and automated = 0 and $KEPT group by account_id) x
     join account_scores a on a.account_id = x.account_id and a.channel is null)")" "1,1,1,1"
equals "ack percentiles (histogram, exact below 64 s)" \
  "$(q :memory: ".load $EXT" "select givetake_ack_median(x), givetake_ack_p90(x), givetake_ack_percentile(x, 0.25)
     from (select 10 x union all select 20 union all select 30 union all select 40 union all select null)")" "20.0|40.0|10.0"
equals "percentile of nothing is NULL" "$(q :memory: ".load $EXT" "select givetake_ack_median(null) is null")" "1"
equals "ack aggregates skip rows with a NULL argument (seconds or p)" \
  "$(q :memory: ".load $EXT" "select givetake_ack_percentile(x, p) from (select 10 x, 0.5 p union all select 20, null
     union all select null, 0.5 union all select 30, 0.5)")" "10.0"
expect "a p that varies within a group is an error" 1 "p must be the same in every row of a group \(0.5, then 0.9\)" -- \
  sqlite3 :memory: ".load $EXT" "select givetake_ack_percentile(x, p) from (select 10 x, 0.5 p union all select 20, 0.9)"
expect "non-numeric seconds are an error, not 0" 1 "givetake_ack_median: seconds 'abc' is not a number" -- \
  sqlite3 :memory: ".load $EXT" "select givetake_ack_median(x) from (select 10 x union all select 'abc')"
expect "a non-numeric p is an error" 1 "p 'half' is not a number" -- sqlite3 :memory: ".load $EXT" "select givetake_ack_percentile(10, 'half')"
expect "p outside (0, 1] is an error" 1 "p 2 is not in \(0, 1\]" -- sqlite3 :memory: ".load $EXT" "select givetake_ack_percentile(10, 2)"
equals "numeric text counts as its number" "$(q :memory: ".load $EXT" "select givetake_ack_median(x) from (select '12' x union all select 14 union all select 13.0)")" "13.0"
# Groups of 1..40 values 0..g-1 (exact below 64 s): small groups keep a
# sparse histogram, larger ones a dense one; both give percentile_disc.
equals "sparse and dense group histograms give exact percentile_disc" \
  "$(q :memory: ".load $EXT" "with recursive c(i) as (select 0 union all select i+1 from c where i < 39),
     t as (select a.i + 1 g, b.i x from c a join c b on b.i <= a.i order by random())
     select count(*), sum(ok) from (select g, givetake_ack_percentile(x, 0.37) = (37 * g + 99) / 100 - 1
       and givetake_ack_median(x) = (50 * g + 99) / 100 - 1 and givetake_ack_p90(x) = (90 * g + 99) / 100 - 1 ok
       from t group by g)")" "40|40"
equals "deterministic: usable in an index expression" \
  "$(q demo.db ".load $EXT" "create index ix_label on interactions(givetake_classify(body)); select count(*) > 0 from interactions where givetake_classify(body) = 'give'")" "1"
equals "innocuous: usable from a view with trusted_schema off" \
  "$(q demo.db ".load $EXT" "create view v_labels as select givetake_classify(body) l from interactions" "pragma trusted_schema = off" "select count(*) > 0 from v_labels where l = 'take'")" "1"
expect "invalid UTF-8 is an SQL error" 1 "GT_EUTF8" -- sqlite3 :memory: ".load $EXT" "select givetake_classify(cast(x'ff' as text))"

# The score tables as table-valued functions: the same rows as the CLI's
# tables, column for column (account_name aside), compared both ways.
# diff_rows DB TABLE FUNCTION_CALL: rows in one and not the other, both ways,
# and the table's row count.
diff_rows() {
  local cols
  cols=$(sqlite3 "$1" "select group_concat(name, ', ') from pragma_table_info('$2') where name <> 'account_name'")
  q "$1" ".load $EXT" "select (select count(*) from (select $cols from $2 except select $cols from $3)),
    (select count(*) from (select $cols from $3 except select $cols from $2)), (select count(*) > 0 from $2)"
}
givetake demo --db tvf.db --rows 6000 -q >/dev/null
for t in account contact turn agent; do
  equals "givetake_score_${t}s equals the CLI's ${t}_scores" "$(diff_rows tvf.db ${t}_scores "givetake_score_${t}s('interactions')")" "0|0|1"
done
givetake score tvf.db --period month -q >/dev/null
equals "givetake_score_periods equals the CLI's period_scores" \
  "$(diff_rows tvf.db period_scores "givetake_score_periods('interactions', 'month')")" "0|0|1"
givetake score tvf.db --as-of '2026-02-01 00:00:00' -q >/dev/null
equals "an as_of argument equals --as-of" \
  "$(diff_rows tvf.db account_scores "givetake_score_accounts('interactions', '2026-02-01 00:00:00')")" "0|0|1"
equals "as_of as Unix seconds, as text or as a number" \
  "$(q tvf.db ".load $EXT" "select count(*) from (select * from givetake_score_accounts('interactions', 1769904000)
     except select * from givetake_score_accounts('interactions', '2026-02-01T00:00:00Z'))")" "0"
# A source without the optional columns: no threads, no agents.
sqlite3 tvf.db "create table plain as select id, account_id, contact_id, parent_id, channel, kind, inbound,
  automated, has_media, created_at, author_name, body, value from interactions"
givetake score tvf.db --table plain -q >/dev/null
equals "a source without thread_id and agent_id scores like the CLI" \
  "$(diff_rows tvf.db turn_scores "givetake_score_turns('plain')")" "0|0|1"
equals "turns of a source without thread_id have no thread" \
  "$(q tvf.db ".load $EXT" "select count(*) from givetake_score_turns('plain') where thread_id is not null")" "0"
equals "a view is a source" \
  "$(q tvf.db ".load $EXT" "create temp view recent as select * from interactions where created_at >= '2026-02-01'" \
     "select count(*) = (select count(distinct account_id) from recent) from givetake_score_accounts('recent') where channel is null")" "1"
expect "a missing table is named" 1 "givetake_score_turns: no table or view 'nope' \(expected one with columns: id," -- \
  sqlite3 tvf.db ".load $EXT" "select * from givetake_score_turns('nope')"
expect "missing columns are named" 1 "table 'half' has no column 'channel', 'kind'" -- \
  sqlite3 tvf.db ".load $EXT" "create temp table half as select id, account_id, contact_id, parent_id from interactions" \
  "select * from givetake_score_accounts('half')"
expect "no source is an error that shows the call" 1 "no source table: call it as givetake_score_agents\('interactions'\)" -- \
  sqlite3 tvf.db ".load $EXT" "select * from givetake_score_agents"
expect "a bad period is named" 1 "period 'year' is not 'day', 'week' or 'month'" -- \
  sqlite3 tvf.db ".load $EXT" "select * from givetake_score_periods('interactions', 'year')"
expect "a bad as_of is named" 1 "as_of 'soon' is not a timestamp" -- \
  sqlite3 tvf.db ".load $EXT" "select * from givetake_score_accounts('interactions', 'soon')"
expect "a bad created_at names its row, id and value" 1 "table 'interactions', row [0-9]+ \(id 42\): created_at 'last week' is not a timestamp" -- \
  sqlite3 tvf.db ".load $EXT" "begin" "update interactions set created_at = 'last week' where id = 42" \
  "select * from givetake_score_accounts('interactions')"
expect "Unix seconds past int64 microseconds are not a timestamp (no crash)" 1 "created_at '99999999999999' is not a timestamp" -- \
  sqlite3 tvf.db ".load $EXT" "begin" "update interactions set created_at = '99999999999999' where id = 42" \
  "select * from givetake_score_accounts('interactions')"
expect "a non-boolean flag names its column" 1 "row [0-9]+ \(id 42\): inbound 'maybe' is not a boolean" -- \
  sqlite3 tvf.db ".load $EXT" "begin" "update interactions set inbound = 'maybe' where id = 42" \
  "select * from givetake_score_accounts('interactions')"
expect "a body that is not UTF-8 names its row" 1 "row [0-9]+ \(id 42\): body is not valid UTF-8" -- \
  sqlite3 tvf.db ".load $EXT" "begin" "update interactions set body = cast(x'c328' as text) where id = 42" \
  "select * from givetake_score_accounts('interactions')"
equals "a 5 MB body is scored" "$(q tvf.db ".load $EXT" "begin" \
  "update interactions set body = printf('%.*c', 5000000, 'x') || ' how to fix it' where id = 42" \
  "select count(*) > 0 from givetake_score_turns('interactions')")" "1"
expect "sqlite3_interrupt stops a call while it reads the source" 9 "interrupted" -- \
  sqlite3 tvf.db ".load $EXT" ".progress 1000 --limit 1" "select * from givetake_score_accounts('interactions')"
# A schedules table is read as the CLI reads it: zones, hours, holidays,
# overrides per channel, a default for every account.
givetake demo --db tvf-hours.db --rows 6000 -q >/dev/null
sqlite3 tvf-hours.db "CREATE TABLE schedules (account_id INTEGER, channel TEXT, time_zone TEXT, hours TEXT, holidays TEXT);
  INSERT INTO schedules VALUES (1001, NULL, 'Europe/Berlin', 'Mon-Fri 09:00-17:00', '2026-01-01, 2026-02-02'),
  (1001, 'instagram', 'America/New_York', 'Mon-Sat 09:00-17:00', '2026-12-25'),
  (NULL, NULL, 'Asia/Kolkata', 'Mon-Fri 10:00-18:00', NULL), (1002, 'twitter', NULL, NULL, NULL);"
givetake score tvf-hours.db --period week -q >/dev/null
for t in account turn agent; do
  equals "with a schedules table, givetake_score_${t}s equals the CLI's ${t}_scores" \
    "$(diff_rows tvf-hours.db ${t}_scores "givetake_score_${t}s('interactions')")" "0|0|1"
done
equals "with a schedules table, weeks in the accounts' zones equal the CLI's period_scores" \
  "$(diff_rows tvf-hours.db period_scores "givetake_score_periods('interactions', 'week')")" "0|0|1"
equals "the schedules count: business time is less than calendar time" \
  "$(q tvf-hours.db ".load $EXT" "select count(*) > 100 from givetake_score_turns('interactions') where business_time_to_ack_s < time_to_ack_s")" "1"
# A bad schedules row stops the plugin's scoring with an error naming it;
# each case changes one row inside a transaction that is never committed.
schedule_error() { # name, expected message, the change
  expect "$1" 1 "$2" -- sqlite3 tvf-hours.db ".load $EXT" "begin" "$3" \
    "select * from givetake_score_accounts('interactions')"
}
schedule_error "an unknown zone names the schedule row, account and channel" \
  "schedules row 2 \(account 1001, channel instagram\): unknown time zone \"Mars/Base\"" \
  "update schedules set time_zone = 'Mars/Base' where rowid = 2"
schedule_error "a file that is no zone is named" \
  "row 4 \(account 1002, channel twitter\): time zone \"zone.tab\": not a TZif file" \
  "update schedules set time_zone = 'zone.tab' where rowid = 4"
schedule_error "a path out of the zone directory is no zone" \
  "unknown time zone \"../../etc/passwd\"" \
  "update schedules set time_zone = '../../etc/passwd' where rowid = 4"
schedule_error "overlapping hours are named" \
  "row 1 \(account 1001, channel NULL\): hours .*overlapping intervals on Mon" \
  "update schedules set hours = 'Mon 09:00-12:00, 11:00-13:00' where rowid = 1"
schedule_error "an impossible holiday is named" \
  "row 4 \(account 1002, channel twitter\): holiday \"2026-02-30\" is not a date" \
  "update schedules set holidays = '2026-01-06, 2026-02-30' where rowid = 4"
schedule_error "a second schedule for one account and channel is an error" \
  "a second schedule for the same account and channel" \
  "update schedules set account_id = 1001, channel = 'Instagram' where rowid = 4"
schedule_error "a fractional account_id is named" \
  "schedules row 4: account_id \"1.5\" is not an integer" \
  "update schedules set account_id = 1.5 where rowid = 4"
schedule_error "a schedules table without a column is named" \
  "table schedules lacks column holidays" \
  "alter table schedules drop column holidays"
expect "the CLI too: a directory is no zone" 1 "row 4 \(account 1002, channel twitter\): unknown time zone \"Europe\"" -- \
  sh -c "cp tvf-hours.db tvf-dir.db && sqlite3 tvf-dir.db \"update schedules set time_zone = 'Europe' where rowid = 4\" && givetake score tvf-dir.db -q"
sqlite3 tvf.db "update interactions set created_at = '99999999999999' where id = 42"
expect "the CLI too: Unix seconds past int64 microseconds are an error, not a crash" 1 \
  "row [0-9]+ \(id 42\): created_at '99999999999999' is not a timestamp" -- givetake score tvf.db -q
sqlite3 tvf.db "update interactions set created_at = '2026-02-30 10:00:00' where id = 42"
expect "a day past its month's end is no timestamp" 1 \
  "row [0-9]+ \(id 42\): created_at '2026-02-30 10:00:00' is not a timestamp" -- givetake score tvf.db -q

# ---- PostgreSQL: the same rows, the same scores ------------------------------
if [ -n "${GIVETAKE_SKIP_PG:-}" ]; then
  echo "skip PostgreSQL tests (GIVETAKE_SKIP_PG set)"
elif PG_NO_TRAP=1 pg_start; then
  PGURL=$GIVETAKE_TEST_PGURL
  expect "demo into PostgreSQL (COPY)" 0 "^account" -- givetake demo --db "$PGURL" --rows 6000 -q
  givetake score "$PGURL" --format csv -q >pg.csv
  same "PostgreSQL, SQLite and in-process give identical account rows" pg.csv memory.csv
  givetake score "$PGURL" --format csv -q --group-rows 2000 >pg-grouped.csv
  same "PostgreSQL in groups of accounts gives identical rows" pg-grouped.csv memory.csv
  # COPY reads only plain tables: a view and a partitioned table are read
  # through their query, with the same rows.
  psql -qc "create view interactions_view as select * from interactions;
    create table interactions_parted (like interactions) partition by range (id);
    create table interactions_low partition of interactions_parted for values from (minvalue) to (3000);
    create table interactions_high partition of interactions_parted for values from (3000) to (maxvalue);
    insert into interactions_parted select * from interactions"
  givetake score "$PGURL" --table interactions_view --out-prefix view_ --format csv -q >pg-view.csv
  same "PostgreSQL: a view is a source" pg-view.csv memory.csv
  givetake score "$PGURL" --table interactions_parted --out-prefix parted_ --format csv -q >pg-parted.csv
  same "PostgreSQL: a partitioned table is a source" pg-parted.csv memory.csv
  # The many small accounts of small.db: a group that outgrows its scorer
  # is split, as over SQLite.
  psql -qc "create table small (like interactions); insert into small (id, account_id, contact_id, parent_id, channel,
      kind, inbound, automated, has_media, created_at, body, value)
    select i, (i - 1) / 3 + 1, i, case when i % 30 = 3 then i + 1 end, 'facebook',
      case when i % 30 = 3 then 'reply' else 'comment' end, i % 30 <> 3, false, false,
      timestamptz '2026-11-01 00:00:00+00' + (i * 7 % 40000) * interval '1 minute', 'help please', 0
    from generate_series(1, 120000) i; analyze small"
  pgscores() { for t in account_scores contact_scores turn_scores agent_scores; do
    psql -tAc "select * from $1$t order by 1, 2, 3, 4"; done; }
  givetake score "$PGURL" --table small --out-prefix small1_ -q --max-memory none >/dev/null
  expect "PostgreSQL: a group that outgrows its scorer is split by linked set" 0 "split into 2 parts" -- \
    env GIVETAKE_TRACE=1 givetake score "$PGURL" --table small --out-prefix smalls_ -q --max-memory 16M
  pgscores small1_ >pg-small-one-pass.txt
  equals "PostgreSQL: one pass scores every account" "$(grep -c . pg-small-one-pass.txt)" "320000"
  same "PostgreSQL: ... and scores as one pass" pg-small-one-pass.txt <(pgscores smalls_)
  givetake report "$PGURL" --out pg-report.html -q --max-memory none
  expect "PostgreSQL: report in groups of accounts" 0 "in [0-9]+ groups of accounts" -- \
    givetake report "$PGURL" --out pg-report-grouped.html --group-rows 2000
  same "PostgreSQL: the report in groups of accounts is the one-pass page" pg-report-grouped.html pg-report.html
  pgc=$(psql -tAc "select count(*), sum(trust_score), sum(acknowledged), sum(unacknowledged), round(sum(balance)::numeric, 6) from contact_scores")
  sqc=$(sqlite3 demo.db "select count(*), sum(trust_score), sum(acknowledged), sum(unacknowledged), printf('%.6f', sum(balance)) from contact_scores" | tr -d '\n')
  givetake demo --db same.db --rows 6000 -q >/dev/null
  sqc=$(sqlite3 -separator '|' same.db "select count(*), sum(trust_score), sum(acknowledged), sum(unacknowledged), printf('%.6f', sum(balance)) from contact_scores")
  equals "contact_scores agree between PostgreSQL and SQLite" "$pgc" "$sqc"
  equals "last_interaction_at agree" "$(psql -tAc "select max(last_interaction_at) at time zone 'UTC' from contact_scores" | cut -c1-19)" \
    "$(sqlite3 same.db 'select substr(max(last_interaction_at), 1, 19) from contact_scores')"
  expect "PostgreSQL: --turns pending reads turn_scores back" 0 "^account +name +turn +thread" -- \
    givetake score "$PGURL" --turns pending -q
  equals "PostgreSQL: agent_scores as in SQLite" "$(psql -tAc "select count(*), sum(acknowledged) from agent_scores")" \
    "$(sqlite3 -separator '|' same.db "select count(*), sum(acknowledged) from agent_scores")"
  expect "PostgreSQL: unknown table is named" 1 "no table 'nope'.*expected a table with columns" -- givetake score "$PGURL" --table nope
  psql -qc "create table partial as select id, account_id from interactions limit 3"
  expect "PostgreSQL: missing columns are named" 1 "has no column 'contact_id'" -- givetake score "$PGURL" --table partial
  psql -qc "create table badval (like interactions); insert into badval select * from interactions limit 10; alter table badval alter column value type text; update badval set value = 'lots'"
  expect "PostgreSQL: server errors carry the server's message" 1 "PostgreSQL: ERROR: +invalid input syntax for type double precision" -- \
    givetake score "$PGURL" --table badval
  expect "PostgreSQL: a value that does not cast names row and column" 1 \
    "table 'badval', row 0 \(id [0-9]+\): value 'lots' is not a double precision" -- givetake score "$PGURL" --table badval
  psql -qc "create table badint (like interactions); insert into badint select * from interactions limit 10;
    alter table badint alter column account_id type text; update badint set account_id = 'abc' where id = (select max(id) from badint)"
  expect "PostgreSQL: text in an integer column names row and column" 1 \
    "table 'badint', row [0-9]+ \(id [0-9]+\): account_id 'abc' is not a bigint" -- givetake score "$PGURL" --table badint
  expect "PG* environment variables work (no URL parts)" 0 "^account" -- givetake score "postgresql://" -q
  psql -qc 'create schema crm; create table crm."Interactions" as select * from interactions'
  expect "PostgreSQL: schema-qualified, quoted names" 0 "^account" -- givetake score "$PGURL" --table 'crm.Interactions' --out-prefix 'crm.out_' -q
  equals "PostgreSQL: output in the schema" "$(psql -tAc 'select count(*) > 0 from crm.out_account_scores')" "t"
  # A LATIN1 database: the server converts its text to UTF-8 for the CLI
  # and the names written back to LATIN1.
  psql -qc "create database gt_latin1 encoding 'LATIN1' lc_collate 'C' lc_ctype 'C' template template0"
  L1URL=${PGURL%/*}/gt_latin1
  expect "PostgreSQL: text with no LATIN1 equivalent is refused, not garbled" 1 \
    "has no equivalent in encoding \"LATIN1\"" -- givetake demo --db "$L1URL" --rows 3000 --no-score -q
  # The demo rows without their emoji, by pg_dump (which converts).
  psql -qc "create table l1_rows as select * from interactions; update l1_rows set
    body = regexp_replace(body, '[^\x01-\xff]', '', 'g'), author_name = regexp_replace(author_name, '[^\x01-\xff]', '', 'g')"
  pg_dump -t l1_rows -t accounts | psql -q -d gt_latin1 >/dev/null && psql -qc "drop table l1_rows"
  PGCLIENTENCODING=UTF8 psql -d gt_latin1 -qc "alter table l1_rows rename to interactions;
    update interactions set body = 'Merci José, café offert' where id in (select id from interactions where not inbound limit 20);
    update interactions set author_name = 'José Ruiz' where inbound; update accounts set name = 'Café Crème' where account_id = 1001"
  expect "PostgreSQL: a LATIN1 database is read as UTF-8" 0 "Café Crème" -- givetake score "$L1URL" -q
  equals "PostgreSQL: ... and its account names are written back in LATIN1" \
    "$(PGCLIENTENCODING=LATIN1 psql -d gt_latin1 -tAc "select distinct encode(convert_to(account_name, 'LATIN1'), 'hex') from account_scores where account_id = 1001")" \
    "$(printf 'Caf\xe9 Cr\xe8me' | od -An -tx1 | tr -d ' \n')"
  psql -qc "select * from account_scores order by account_id, channel" >pg_before.txt
  GIVETAKE_TEST_KILL_BEFORE_COMMIT=1 sh -c 'givetake score "$1" --as-of "2026-02-01" -q >/dev/null 2>&1; exit $?' sh "$PGURL"
  psql -qc "select * from account_scores order by account_id, channel" >pg_after.txt
  same "PostgreSQL: previous scores intact after kill -9" pg_before.txt pg_after.txt
  # incremental on PostgreSQL
  givetake score "$PGURL" --as-of "$AS_OF" -q >/dev/null
  psql -qc "insert into interactions select id + 100000000, account_id, contact_id, parent_id + 100000000, channel, kind,
    inbound, automated, has_media, created_at, author_name, body, value, thread_id, agent_id from interactions where account_id = 1003 and id % 5 = 0"
  expect "PostgreSQL: incremental rescores the affected accounts" 0 "rescored 1 affected account" -- \
    givetake score "$PGURL" --as-of "$AS_OF" --incremental
  givetake score "$PGURL" --as-of "$AS_OF" --out-prefix full_ -q >/dev/null
  pgdump() { psql -tAc "select * from ${1}account_scores order by account_id, channel" -c "select * from ${1}contact_scores order by account_id, contact_id" \
    -c "select * from ${1}turn_scores order by account_id, turn_id" -c "select * from ${1}agent_scores order by account_id, agent_id"; }
  pgdump "" >pginc.txt; pgdump full_ >pgfull.txt
  same "PostgreSQL: incremental equals a full rescore" pginc.txt pgfull.txt
  # One schema for the score tables: the CLI writes into tables the
  # extension made, the extension into tables the CLI made, same rows.
  if psql -qc "create extension if not exists givetake" 2>/dev/null; then
    psql -qc "create schema ext" -c "select * from givetake.refresh_scores('public.interactions', null, 'ext')" >/dev/null
    expect "the CLI writes into score tables the extension created" 0 "" -- givetake score "$PGURL" --out-prefix ext. -q
    psql -qc "create schema cli"
    givetake score "$PGURL" --out-prefix cli. -q >/dev/null
    cols() { psql -tAc "select table_name, column_name, data_type from information_schema.columns where table_schema = '$1'
      and table_name in ('account_scores','contact_scores','turn_scores','agent_scores') order by 1, 2"; }
    equals "score tables of the extension and the CLI have the same columns and types" "$(cols ext)" "$(cols cli)"
    expect "the extension writes into score tables the CLI created" 0 "" -- \
      psql -v ON_ERROR_STOP=1 -qc "select * from givetake.refresh_scores('public.interactions', null, 'cli')"
    diffs=0
    for t in account_scores contact_scores turn_scores agent_scores; do
      n=$(psql -tAc "select count(*) from ((table ext.$t except table cli.$t) union all (table cli.$t except table ext.$t)) d")
      diffs=$((diffs + n))
    done
    equals "the extension and the CLI write identical rows" "$diffs" "0"
    # period_scores too: givetake score --period week and
    # refresh_scores(..., period => 'week'), each into the other's table.
    givetake score "$PGURL" --period week --out-prefix cli. -q >/dev/null
    expect "the extension writes into the period_scores the CLI created" 0 "" -- \
      psql -v ON_ERROR_STOP=1 -qc "select * from givetake.refresh_scores('public.interactions', null, 'ext', 'week')"
    pcols() { psql -tAc "select column_name, data_type, ordinal_position from information_schema.columns
      where table_schema = '$1' and table_name = 'period_scores' order by ordinal_position"; }
    equals "period_scores of the extension and the CLI have the same columns, types and order" "$(pcols ext)" "$(pcols cli)"
    pdiff() { psql -tAc "select count(*) from ((table ext.period_scores except all table cli.period_scores)
      union all (table cli.period_scores except all table ext.period_scores)) d"; }
    equals "givetake score --period week and refresh_scores(period => 'week') write identical period_scores" \
      "$(pdiff)|$(psql -tAc 'select count(*) > 0 from ext.period_scores')" "0|t"
    psql -qc "drop table ext.period_scores"
    psql -qc "select * from givetake.refresh_scores('public.interactions', null, 'ext', 'week')" >/dev/null
    givetake score "$PGURL" --period week --out-prefix ext. -q >/dev/null
    psql -qc "select * from givetake.refresh_scores('public.interactions', null, 'cli', 'week')" >/dev/null
    equals "the CLI rewrites an extension-made period_scores with the same rows" "$(pdiff)" "0"
  else
    bad "the givetake extension is not installed (run postgres/test/run.sh first)"
  fi
  # Business schedules from PostgreSQL: the rows and schedules of hours.db
  # (plus two holidays, one of them the Monday the replies came, which moves
  # turn 1's due_at to Tuesday) give the same turn_scores as in SQLite,
  # whatever the client's DateStyle.
  cp hours.db hours-pg.db
  sqlite3 hours-pg.db "update schedules set holidays = '2026-11-30, 2026-12-24' where channel is null"
  givetake score hours-pg.db --as-of '2026-12-01 08:30:00' --sla-clock business -q >/dev/null
  sqturns=$(sqlite3 hours-pg.db "select group_concat(turn_id || ':' || coalesce(cast(business_time_to_ack_s as integer), '-') || ':'
    || coalesce(within_sla, '-') || ':' || status || ':' || due_at, ' ') from (select * from turn_scores order by turn_id)")
  pgturns() { psql -tAc "select string_agg(turn_id || ':' || coalesce(business_time_to_ack_s::bigint::text, '-') || ':'
    || coalesce(within_sla::int::text, '-') || ':' || status || ':' || to_char(due_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'), ' '
    order by turn_id) from $1turn_scores"; }
  equals "the Monday holiday leaves 1 h of business time for turn 1" "${sqturns%% 3:*}" "1:3600:1:acknowledged:2026-12-01 11:00:00"
  psql -qc "create schema hours; create table hours.interactions (like public.interactions);
    insert into hours.interactions (id, account_id, contact_id, parent_id, channel, kind, inbound, automated, has_media, created_at, author_name, body, value)
    select id, account_id, contact_id, parent_id, channel, kind, inbound::boolean, automated::boolean, has_media::boolean, created_at::timestamptz, null, body, 0
    from (values (1, 1, 5, null, 'facebook', 'comment', 1, 0, 0, '2026-11-27 15:00:00+00', 'help'),
     (2, 1, null, 1, 'facebook', 'reply', 0, 0, 0, '2026-11-30 09:00:00+00', 'done'),
     (3, 1, 6, null, 'instagram', 'comment', 1, 0, 0, '2026-11-27 15:00:00+00', 'help'),
     (4, 1, null, 3, 'instagram', 'reply', 0, 0, 0, '2026-11-30 09:00:00+00', 'done'),
     (5, 2, 7, null, 'facebook', 'comment', 1, 0, 0, '2026-11-27 15:00:00+00', 'help'),
     (6, 2, null, 5, 'facebook', 'reply', 0, 0, 0, '2026-11-30 09:00:00+00', 'done'),
     (7, 1, 8, null, 'facebook', 'comment', 1, 0, 0, '2026-11-30 15:00:00+00', 'help'),
     (8, 1, null, null, 'twitter', 'post', 0, 0, 0, '2026-11-29 23:30:00+00', 'How to fix it: a free guide and tips'))
     v(id, account_id, contact_id, parent_id, channel, kind, inbound, automated, has_media, created_at, body);
    create table hours.schedules (account_id bigint, channel text, time_zone text not null, hours text, holidays date[]);
    insert into hours.schedules values (1, null, 'Europe/Berlin', 'Mon-Fri 09:00-17:00', '{2026-11-30,2026-12-24}'),
      (1, 'instagram', 'Europe/Berlin', 'Mon-Sat 09:00-17:00', '{2026-12-25}')"
  PGDATESTYLE='SQL, DMY' givetake score "$PGURL" --table hours.interactions --out-prefix hours. \
    --as-of '2026-12-01 08:30:00' --sla-clock business -q >/dev/null
  equals "PostgreSQL: a schedules table in the source's schema gives the turn_scores of SQLite" "$(pgturns hours.)" "$sqturns"
  psql -qc "insert into hours.schedules values (2, 'twitter', 'Mars/Base', null, '{}')"
  expect "PostgreSQL: a bad schedule names the table row, account and channel" 1 \
    "hours.schedules row 3 \(account 2, channel twitter\): unknown time zone \"Mars/Base\"" -- \
    givetake score "$PGURL" --table hours.interactions --out-prefix hours. -q
  printf '1\t\tUTC\t\t\n' >all-day.tsv
  givetake score "$PGURL" --table hours.interactions --out-prefix hours. --schedule all-day.tsv \
    --as-of '2026-12-01 08:30:00' --sla-clock business -q >/dev/null
  equals "PostgreSQL: --schedule overrides the schedules table" "$(pgturns hours. | cut -d' ' -f1-2)" "1:237600:0:acknowledged:2026-11-27 19:00:00"
  if [ "$(psql -tAc "select to_regclass('givetake.schedules') is not null")" = t ]; then
    psql -qc "drop table hours.schedules; insert into givetake.schedules values (1, null, 'Europe/Berlin', 'Mon-Fri 09:00-17:00', '{2026-11-30,2026-12-24}'),
      (1, 'instagram', 'Europe/Berlin', 'Mon-Sat 09:00-17:00', '{2026-12-25}')"
    givetake score "$PGURL" --table hours.interactions --out-prefix hours. --as-of '2026-12-01 08:30:00' --sla-clock business -q >/dev/null
    equals "PostgreSQL: the extension's givetake.schedules gives the same turn_scores" "$(pgturns hours.)" "$sqturns"
    equals "the extension scores the same business times from givetake.schedules" \
      "$(psql -tAc "select string_agg(turn_id || ':' || coalesce(business_time_to_ack_s::bigint::text, '-'), ' ' order by turn_id)
         from givetake.score_turns('hours.interactions', '2026-12-01 08:30:00+00')" 2>&1)" \
      "$(sqlite3 hours-pg.db "select group_concat(turn_id || ':' || coalesce(cast(business_time_to_ack_s as integer), '-'), ' ')
         from (select * from turn_scores order by turn_id)")"
    psql -qc "truncate givetake.schedules"
  fi
  # The Swift adapter tests' PostgreSQL suite, against this cluster (the
  # default .build, already built by `swift test`, so this only links).
  if [ -z "${GIVETAKE_CLI_NO_SWIFT_PG:-}" ]; then
    (cd "$ROOT" && swift test --filter PostgresStoreTests >"$T/swift-pg.log" 2>&1)
    if [ $? = 0 ] && grep -q "passed" "$T/swift-pg.log" && ! grep -q "skipped" "$T/swift-pg.log"; then
      ok "swift PostgresStoreTests against the cluster"
    else
      bad "swift PostgresStoreTests against the cluster" "$(grep -E '✘|error' "$T/swift-pg.log" | head -20)"
    fi
  fi
  pg_stop
else
  bad "could not start a throwaway PostgreSQL cluster"
fi

echo
echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
