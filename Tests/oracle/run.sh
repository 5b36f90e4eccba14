#!/usr/bin/env bash
# Differential test of the metrics: small random CRM tables (gen.py: equal
# times, orphans, duplicate ids, mixed threads, automated rows, odd names,
# SLA boundaries) scored by `givetake score` and by oracle.py, an
# independent implementation of docs/metrics.md, must agree row for row in
# every score table; every third seed also compares period_scores (day,
# week or month). usage: run.sh [SEEDS]  (default 150; seeds 1..SEEDS)
set -u
here=$(cd "$(dirname "$0")" && pwd)
export GIVETAKE=${GIVETAKE:-$here/../../dist/bin/givetake}
[ -x "$GIVETAKE" ] || { echo "oracle: $GIVETAKE is not built (make cli)"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
for s in $(seq 1 "${1:-150}"); do
  f=$T/s$s.sqlite
  asof=$(python3 "$here/gen.py" "$s" "$f") || { echo "FAIL seed $s: gen.py failed"; fail=$((fail + 1)); continue; }
  [ $((s % 5)) -eq 0 ] && asof=""  # every fifth seed: the default as_of
  period=""
  case $((s % 9)) in 1) period=day ;; 4) period=week ;; 7) period=month ;; esac
  if ! "$GIVETAKE" score "$f" -q --format csv ${asof:+--as-of "$asof"} ${period:+--period $period} \
      >/dev/null 2>"$T/err"; then
    echo "FAIL seed $s: givetake score failed: $(cat "$T/err")"; fail=$((fail + 1)); continue
  fi
  if PERIOD=$period python3 "$here/compare.py" "$f" "$asof" >"$T/diff" 2>&1; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL seed $s${period:+ (--period $period)}:"; grep -v '^STATS' "$T/diff" | head -10 | sed 's/^/     /'
  fi
  rm -f "$f"
done
echo "oracle: $pass seeds agree, $fail differ"
[ "$fail" -eq 0 ]
