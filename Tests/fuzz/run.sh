#!/usr/bin/env bash
# Runs libFuzzer targets for SECONDS each: run.sh SECONDS [TARGET...]
# (default: every target). Seeds come from Tests/fuzz/corpus/<target>
# (read only); new inputs go to dist/fuzz/corpus/<target>, crashes to
# dist/fuzz/crashes/. Prints executions per target, appends them to
# dist/fuzz/runs.tsv, exits non-zero if any target fails.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${FUZZ_OUT:-$ROOT/dist/fuzz}"
SECONDS_EACH="${1:-20}"; shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(classify lexicon scorer abi ackhist time tzif csv)
mkdir -p "$OUT/crashes" "$OUT/logs"
failed=()
for t in "${TARGETS[@]}"; do
    bin="$OUT/fuzz-engine"; [ "$t" = csv ] && bin="$OUT/fuzz-csv"
    seeds="$ROOT/Tests/fuzz/corpus/$t"
    work="$OUT/corpus/$t"
    mkdir -p "$work" "$seeds"
    log="$OUT/logs/$t.log"
    # -rss_limit_mb: a leak or blow-up fails the run instead of the machine.
    FUZZ_TARGET="$t" SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" "$bin" \
        -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$OUT/crashes/$t-" "$work" "$seeds" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    printf '%-9s %4ss  %12s executions  exit %s\n' "$t" "$SECONDS_EACH" "${execs:-?}" "$rc"
    printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$SECONDS_EACH" "${execs:-0}" "$rc" >>"$OUT/runs.tsv"
    if [ $rc -ne 0 ]; then
        failed+=("$t")
        grep -m1 -A12 "ERROR: \|fuzz invariant failed\|Fatal error\|deadly signal" "$log" | head -30
        grep "Test unit written to" "$log"
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: failed: ${failed[*]} (logs in $OUT/logs)"
    exit 1
fi
echo "fuzz: all targets passed"
