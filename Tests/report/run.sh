#!/usr/bin/env bash
# End-to-end tests of `givetake report`, looked at as a person would: the
# page is rendered by headless Chromium and the assertions run on the DOM
# it produced (--dump-dom): titles, structure, accessibility, numbers equal
# to `givetake score --format json`, edge-case accounts, HTML escaping,
# a report scored in groups of accounts (--max-memory) equal to the
# one-pass page byte for byte, and a 12,000-account report (size
# asserted, time reported).
#   bash Tests/report/run.sh      (REPORT_SCREENSHOT=path also saves a PNG of the demo report)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCRATCH=${GIVETAKE_CLI_SCRATCH:-$ROOT/.build-cli}
CHECK="python3 $ROOT/Tests/report/check_report.py"

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v sqlite3 >/dev/null || need+=(sqlite3)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
pkg-config --exists libpq 2>/dev/null || need+=(libpq-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null \
    || { echo "cannot install ${need[*]}" >&2; exit 1; }
fi

mkdir -p "$SCRATCH"; LOG=$SCRATCH/report-test-build.log
echo "building givetake-cli ($SCRATCH)"
swift build -c release -Xswiftc -static-stdlib --scratch-path "$SCRATCH" --traits CLI --product givetake-cli >"$LOG" 2>&1 \
  || { tail -40 "$LOG"; echo "build of givetake-cli failed" >&2; exit 1; }
T=$(mktemp -d /tmp/givetake-report-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin"
ln -s "$SCRATCH/release/givetake-cli" "$T/bin/givetake"
export PATH="$T/bin:$PATH"
cd "$T"

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20 | sed 's/^/     /'; }
expect() {  # expect NAME STATUS PATTERN -- command...
  local name=$1 status=$2 pattern=$3; shift 4
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$status" ]; then bad "$name (exit $rc, expected $status)" "$out"; return; fi
  if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" <<<"$out"; then bad "$name (no /$pattern/)" "$out"; return; fi
  ok "$name"
}
equals() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got:      $2"$'\n'"expected: $3"; fi; }
# Chromium as a user's browser: no network, a fresh profile.
browser() { chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$T/profile" \
                     --proxy-server=127.0.0.1:9 "$@" 2>/dev/null; }
dom() { browser --dump-dom "file://$T/$1" >"$2"; }
text_has() {  # text_has NAME DOM TEXT: the rendered text contains TEXT
  $CHECK text "$2" >"$2.txt"
  if grep -Fq -- "$3" "$2.txt"; then ok "$1"; else bad "$1" "no '$3' in the page text"; fi
}

# ---- Usage ---------------------------------------------------------------
expect "report --help" 0 "--target" -- givetake report --help
expect "unknown --target is a usage error" 2 "target" -- givetake report x.db --target 50/50
expect "--target with --give-target is a usage error" 2 "choose one" -- givetake report x.db --target thirds --give-target 0.7
expect "--format does not apply" 2 "HTML" -- givetake report x.db --format csv
expect "a missing database is an error" 1 "error" -- givetake report missing.db --out x.html

# ---- The demo report, as rendered ----------------------------------------
givetake demo --db demo.db --rows 6000 --no-score -q
expect "report writes the page" 0 "wrote demo.html" -- givetake report demo.db --out demo.html
givetake score demo.db --format json -q >scores.json
dom demo.html demo.dom
if $CHECK structure demo.dom >check.out 2>&1; then ok "demo: $(cat check.out)"; else bad "demo structure" "$(cat check.out)"; fi
if $CHECK numbers demo.dom scores.json 2 >check.out 2>&1; then ok "demo: $(cat check.out)"; else bad "demo numbers" "$(cat check.out)"; fi
text_has "demo: account names shown" demo.dom "Brightside Bank"
text_has "demo: give-vs-take section" demo.dom "Strongest give posts"
text_has "demo: at-risk list" demo.dom "At risk: waiting for an answer"
text_has "demo: agents table" demo.dom "Answered turns"
text_has "demo: trust section" demo.dom "Lowest trust now"
text_has "demo: return on giving" demo.dom "Conversion: treated well vs ignored"
text_has "demo: data quality" demo.dom "Duplicate id"
equals "demo: 4 overview rows, 4 detail sections" "$($CHECK count demo.dom | cut -d' ' -f1,2)" "4 4"
browser --screenshot="$T/demo.png" --window-size=1200,2600 "file://$T/demo.html" >/dev/null
size=$(stat -c %s demo.png 2>/dev/null || echo 0)
if [ "$size" -gt 20000 ]; then ok "demo screenshot rendered ($size bytes)"; else bad "demo screenshot ($size bytes)"; fi
[ -n "${REPORT_SCREENSHOT:-}" ] && cp demo.png "$REPORT_SCREENSHOT"
browser --print-to-pdf="$T/demo.pdf" "file://$T/demo.html" >/dev/null
if head -c 5 demo.pdf 2>/dev/null | grep -q '%PDF'; then ok "demo prints to PDF"; else bad "demo prints to PDF"; fi

# Options.
givetake report demo.db --out one.html --account 1003 --target 4-1-1 -q
dom one.html one.dom
equals "--account: one row, one section" "$($CHECK count one.dom | cut -d' ' -f1,2)" "1 1"
text_has "--target 4-1-1 is the give target" one.dom "give target 83.3% (4-1-1)"
givetake report demo.db --out top.html --top 1 --period month -q
dom top.html top.dom
equals "--top 1: every account in the overview, one in detail" "$($CHECK count top.dom | cut -d' ' -f1,2)" "4 1"
text_has "--period month labels months" top.dom "Health by month"
# Business hours: a schedules table in the source and the business SLA clock.
cp demo.db hours.db
sqlite3 hours.db "CREATE TABLE schedules (account_id INTEGER, channel TEXT, time_zone TEXT, hours TEXT, holidays TEXT);
  INSERT INTO schedules VALUES (1001, NULL, 'Europe/Berlin', 'Mon-Fri 09:00-17:00', NULL),
                               (1002, NULL, 'America/New_York', 'Mon-Sat 08:00-20:00', '2026-01-19');"
givetake report hours.db --out hours.html --sla-clock business -q
givetake score hours.db --sla-clock business --format json -q >hours.json
dom hours.html hours.dom
if $CHECK numbers hours.dom hours.json 2 >check.out 2>&1; then ok "business clock: $(cat check.out)"; else bad "business clock numbers" "$(cat check.out)"; fi
text_has "business clock: histograms on business hours" hours.dom "twitter: time to acknowledge (business hours)"
expect "--account of no rows is an error" 1 "account 999 has no rows" -- givetake report demo.db --out x.html --account 999

# ---- Scored in groups of accounts (--max-memory) ----------------------------
# A table larger than the bound is scored group by group and digested; the
# page must be the one-pass page, byte for byte.
same_page() {  # same_page NAME A B
  if cmp -s "$2" "$3"; then ok "$1"; else bad "$1" "$(cmp "$2" "$3" 2>&1)"; fi
}
expect "--max-memory takes a size" 2 "is not a size" -- givetake report demo.db --max-memory lots
expect "--group-rows 1500: the demo in 4 groups" 0 "in 4 groups of accounts" -- \
  givetake report demo.db --out grouped.html --group-rows 1500
same_page "--group-rows 1500: the same page as one pass" grouped.html demo.html
givetake demo --db groups.db --rows 150000 --no-score -q
sqlite3 groups.db "CREATE TABLE schedules (account_id INTEGER, channel TEXT, time_zone TEXT, hours TEXT, holidays TEXT);
  INSERT INTO schedules VALUES (1001, NULL, 'Europe/Berlin', 'Mon-Fri 09:00-17:00', NULL),
                               (1040, 'twitter', 'Asia/Tokyo', 'Mon-Sat 08:00-20:00', '2026-01-19');"
for opts in "--top 3" "--all --period month --sla-clock business"; do
  givetake report groups.db --out pass.html --max-memory none -q $opts
  expect "150,000 rows, --max-memory 1M $opts: scored in groups" 0 "in [0-9]+ groups of accounts" -- \
    givetake report groups.db --out grouped.html --max-memory 1M $opts
  same_page "150,000 rows, --max-memory 1M $opts: the same page as one pass" grouped.html pass.html
done

# ---- Edge cases and escaping -----------------------------------------------
givetake demo --db edge.db --rows 1 --no-score -q
sqlite3 edge.db "DELETE FROM interactions; DELETE FROM accounts;
  INSERT INTO accounts VALUES (4, '<script>alert(\"name\")</script> & Co');
  -- 1: only a row of an unknown channel (kept out of every metric): an empty account.
  INSERT INTO interactions(id, account_id, contact_id, channel, kind, inbound, created_at, body)
    VALUES (1, 1, 10, 'myspace', 'comment', 1, '2026-03-01 10:00:00', 'hello');
  -- 2: posts only, no inbound rows.
  INSERT INTO interactions(id, account_id, channel, kind, inbound, created_at, body) VALUES
    (20, 2, 'facebook', 'post', 0, '2026-03-02 10:00:00', 'Five tips: how to recycle your old phone'),
    (21, 2, 'facebook', 'post', 0, '2026-03-09 10:00:00', 'Big sale: 20% off, shop now');
  -- 3: a single row.
  INSERT INTO interactions(id, account_id, contact_id, channel, kind, inbound, created_at, author_name, body)
    VALUES (30, 3, 31, 'twitter', 'mention', 1, '2026-03-03 10:00:00', 'Ana', 'Is anyone there?');
  -- 4: markup in every text field.
  INSERT INTO interactions(id, account_id, contact_id, parent_id, channel, kind, inbound, created_at, author_name, body) VALUES
    (40, 4, NULL, NULL, 'twitter', 'post', 0, '2026-03-04 10:00:00', NULL,
     '<img src=x onerror=alert(1)> tips & how to <script>alert(2)</script>'),
    (41, 4, 42, 40, 'twitter', 'reply', 1, '2026-03-04 11:00:00', '\"><svg onload=alert(3)>', '</textarea><b>hi</b>'),
    (43, 4, 42, 41, 'twitter', 'reply', 0, '2026-03-04 11:10:00', NULL, '<a href=\"http://evil\">thanks</a>');"
expect "edge report" 0 "wrote edge.html" -- givetake report edge.db --out edge.html --all
dom edge.html edge.dom
if $CHECK structure edge.dom >check.out 2>&1; then ok "edge: markup in names and bodies stays text ($(cat check.out))"; else bad "edge structure (escaping)" "$(cat check.out)"; fi
equals "edge: 4 overview rows, 4 detail sections" "$($CHECK count edge.dom | cut -d' ' -f1,2)" "4 4"
text_has "edge: a name with markup shows as text" edge.dom '<script>alert("name")</script> & Co'
text_has "edge: a body with markup shows as text" edge.dom '<img src=x onerror=alert(1)> tips & how to <script>alert(2)</script>'
text_has "edge: the empty account has no contacts" edge.dom "No contacts."
text_has "edge: the posts-only account needs no answers" edge.dom "No customer messages that need an answer."
text_has "edge: the single-row account has no agents" edge.dom "No answers or posts by the brand."
givetake score edge.db --format json -q >edge.json
if $CHECK numbers edge.dom edge.json 4 >check.out 2>&1; then ok "edge: $(cat check.out)"; else bad "edge numbers" "$(cat check.out)"; fi
sqlite3 edge.db "DELETE FROM interactions"
expect "empty table" 0 "wrote empty.html" -- givetake report edge.db --out empty.html
dom empty.html empty.dom
text_has "empty table: the page says so" empty.dom "No accounts: the table has no rows."

# ---- 12,000 accounts -------------------------------------------------------
givetake demo --db big.db --rows 1 --no-score -q
sqlite3 big.db "DELETE FROM interactions; DELETE FROM accounts;
  WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a WHERE n < 12000)
  INSERT INTO interactions(id, account_id, contact_id, parent_id, channel, kind, inbound, created_at, author_name, body)
  SELECT n * 10, n, n * 100, NULL, 'twitter', 'comment', 1, datetime(1767571200 + n * 300, 'unixepoch'), 'Ana Lopez', 'Where is my order?' FROM a
  UNION ALL SELECT n * 10 + 1, n, n * 100, n * 10, 'twitter', 'reply', 0, datetime(1767571200 + n * 300 + (n % 9) * 600, 'unixepoch'),
    NULL, CASE WHEN n % 3 = 0 THEN 'Thanks Ana, here is how to track it' ELSE 'We are on it' END FROM a
  UNION ALL SELECT n * 10 + 2, n, NULL, NULL, 'facebook', 'post', 0, datetime(1767571200 + n * 300 + 60, 'unixepoch'), NULL,
    'Tips: how to recycle your packaging' FROM a
  UNION ALL SELECT n * 10 + 3, n, NULL, NULL, 'facebook', 'post', 0, datetime(1767571200 + n * 300 + 120, 'unixepoch'), NULL,
    'Big sale: 20% off, shop now' FROM a WHERE n % 2 = 0
  UNION ALL SELECT n * 10 + 4, n, n * 100 + 1, NULL, 'instagram', 'comment', 1, datetime(1767571200 + n * 300 + 30, 'unixepoch'),
    'Bo', 'Hello?' FROM a WHERE n % 4 = 0;"
start=$(date +%s.%N)
expect "12,000 accounts: report" 0 "wrote big.html" -- givetake report big.db --out big.html
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
bytes=$(stat -c %s big.html)
if [ "$bytes" -lt 20000000 ]; then ok "12,000 accounts: $bytes bytes (< 20 MB), written in ${secs}s"; else bad "12,000 accounts: $bytes bytes"; fi
start=$(date +%s.%N)
dom big.html big.dom
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
equals "12,000 accounts: all in the overview, 25 in detail (Chromium, ${secs}s)" "$($CHECK count big.dom | cut -d' ' -f1,2)" "12000 25"
if $CHECK structure big.dom >check.out 2>&1; then ok "12,000 accounts: $(cat check.out)"; else bad "12,000 accounts structure" "$(cat check.out)"; fi

echo "report: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
