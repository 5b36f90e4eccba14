#!/usr/bin/env bash
# Differential test of the metrics (README.md): small random CRM tables
# (gen.py; most with a `schedules` table around a daylight-saving change)
# scored by `givetake score` and by oracle.py, an independent implementation
# of docs/metrics.md, must agree row for row in every score table. Each seed
# also draws scoring options (opts.py: --ack-unit row, --sla, --half-life,
# --give-target, --sla-clock), given the same to both; every third seed
# compares period_scores too (day, week or month).
# usage: run.sh [SEEDS [FIRST]]  (default 150 seeds from 1)
set -u
here=$(cd "$(dirname "$0")" && pwd)
export GIVETAKE=${GIVETAKE:-$here/../../dist/bin/givetake}
[ -x "$GIVETAKE" ] || { echo "oracle: $GIVETAKE is not built (make cli)"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
first=${2:-1}
pass=0 fail=0
for s in $(seq "$first" $((first + ${1:-150} - 1))); do
  f=$T/s$s.sqlite
  asof=$(python3 "$here/gen.py" "$s" "$f") || { echo "FAIL seed $s: gen.py failed"; fail=$((fail + 1)); continue; }
  [ $((s % 5)) -eq 0 ] && asof=""  # every fifth seed: the default as_of
  period=""
  case $((s % 9)) in 1) period=day ;; 4) period=week ;; 7) period=month ;; esac
  mapfile -t opts < <(python3 "$here/opts.py" "$s")
  if ! "$GIVETAKE" score "$f" -q --format csv ${asof:+--as-of "$asof"} ${period:+--period $period} "${opts[@]}" \
      >/dev/null 2>"$T/err"; then
    echo "FAIL seed $s: givetake score failed: $(cat "$T/err")"; fail=$((fail + 1)); continue
  fi
  if PERIOD=$period python3 "$here/compare.py" "$f" "$asof" "${opts[@]}" >"$T/diff" 2>&1; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL seed $s [${opts[*]}${period:+ --period $period}]:"
    grep -v '^STATS' "$T/diff" | head -10 | sed 's/^/     /'
  fi
  rm -f "$f"
done
echo "oracle: $pass seeds agree, $fail differ"
[ "$fail" -eq 0 ]
