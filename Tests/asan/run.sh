#!/usr/bin/env bash
# `make test-asan`: the Swift library itself built with AddressSanitizer
# (swift build --sanitize address; Swift has no UndefinedBehaviorSanitizer
# on Linux, so UBSan covers the C side: the C ABI test is compiled with
# -fsanitize=address,undefined), then the C ABI test, the Python ctypes
# test (ASan runtime preloaded into python3) and the Swift test suites
# (swift test --sanitize address). Leak checking is on for the C test.
# Exit status non-zero on any sanitizer report or test failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
SCRATCH="${ASAN_SCRATCH:-$ROOT/.build-asan}"
OUT="$ROOT/dist/asan"
CLANG="$(dirname "$(command -v swift)")/clang"
mkdir -p "$OUT"
# ld.gold warns once per ASan symbol about exports it cannot make; noise.
quiet() { "$@" 2> >(grep -v "Cannot export local symbol" >&2); }
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

echo "== libgivetake with -sanitize=address"
swift build --sanitize address --product givetake --scratch-path "$SCRATCH" 2>&1 | tail -1
LIBDIR="$SCRATCH/debug"

echo "== C ABI test (-fsanitize=address,undefined)"
quiet "$CLANG" -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -fno-sanitize-recover=all \
    -I include Tests/c/abi_test.c -L "$LIBDIR" -lgivetake -Wl,-rpath,"$LIBDIR" -o "$OUT/abi_test"
"$OUT/abi_test"

echo "== Python ctypes test (ASan runtime preloaded)"
# CPython itself is not instrumented and keeps memory at exit: no leak check.
RUNTIME="$("$CLANG" -print-file-name=libclang_rt.asan-x86_64.so)"
# The package from its source tree, its library the instrumented one; the
# tests that run the CLI are skipped (no GIVETAKE_CLI).
PY="$ROOT/.build-py/venv/bin/python"
[ -x "$PY" ] || PY=python3
cd Tests/python
LD_PRELOAD="$RUNTIME" ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" GIVETAKE_LIB="$LIBDIR/libgivetake.so" \
    PYTHONPATH="$ROOT/python/src" "$PY" -m pytest -q -p no:cacheprovider
cd "$ROOT"

echo "== Swift tests (swift test --sanitize address)"
# The real-data tests read shared/data/ beside the repository; without it
# (a checkout elsewhere) they cannot run, and are skipped with a notice.
SKIP=()
if [ ! -f "$ROOT/../shared/data/twcs_sample.csv" ]; then
    echo "   (no ../shared/data/twcs_sample.csv: skipping the twcs sample tests)"
    SKIP=(--skip TwcsSampleTests --skip TwcsImportTests.mapsTheSampleAsSpecSection8)
fi
# A sanitizer report aborts the test process: Swift's own backtracer is
# off so that the report is printed at once rather than after its timeout.
LOG="$OUT/swift-test.log"
if ! SWIFT_BACKTRACE=enable=no LSAN_OPTIONS="suppressions=$ROOT/Tests/asan/lsan.supp:print_suppressions=0" \
    swift test --sanitize address --scratch-path "$SCRATCH" "${SKIP[@]}" > "$LOG" 2>&1; then
    grep -A30 "ERROR: AddressSanitizer\|ERROR: LeakSanitizer" "$LOG" | head -60 || true
    tail -5 "$LOG"
    echo "asan: the Swift tests failed (whole log: $LOG)"
    exit 1
fi
tail -4 "$LOG"
echo "asan: all passed"
