#!/usr/bin/env bash
# Builds the libFuzzer binaries into dist/fuzz/ (SwiftPM cannot build
# libFuzzer targets on Linux, so swiftc is called directly):
#   GiveTakeCore.o  the engine, instrumented once, shared by both binaries
#   fuzz-engine     the C ABI thunks + Tests/fuzz/engine (FUZZ_TARGET=
#                   classify, lexicon, scorer, abi, ackhist, time, tzif)
#   fuzz-csv        the twcs CSV import parser alone + Tests/fuzz/csv
# Each step is skipped when its output is newer than its sources.
set -euo pipefail
# ld.gold warns once per ASan symbol about exports it cannot make; noise.
quiet() { "$@" 2> >(grep -v "Cannot export local symbol" >&2); }
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${FUZZ_OUT:-$ROOT/dist/fuzz}"
SWIFTC="${SWIFTC:-swiftc}"
FLAGS=(-sanitize=fuzzer,address -parse-as-library -O -wmo -g)
mkdir -p "$OUT/modules"
cd "$OUT"  # swiftc -g leaves module files in the working directory

stale() {  # stale OUTPUT INPUT...: true when OUTPUT is missing or older
    local out="$1"; shift
    [ ! -e "$out" ] && return 0
    [ -n "$(find "$@" -newer "$out" -print -quit)" ]
}

mapfile -t CORE < <(find "$ROOT/Sources/GiveTakeCore" -name '*.swift' | sort)
if stale "$OUT/GiveTakeCore.o" "${CORE[@]}" "$ROOT/Tests/fuzz/build.sh"; then
    echo "fuzz: building GiveTakeCore"
    # -enable-testing: the lexicon target calls the parser directly.
    quiet "$SWIFTC" "${FLAGS[@]}" -enable-testing -module-name GiveTakeCore -emit-module \
        -emit-module-path "$OUT/modules/GiveTakeCore.swiftmodule" -c "${CORE[@]}" -o "$OUT/GiveTakeCore.o"
    touch "$OUT/GiveTakeCore.o"  # swiftc keeps an unchanged object's old time
fi

ENGINE=("$ROOT"/Sources/GiveTake/*.swift "$ROOT"/Tests/fuzz/engine/*.swift)
if stale "$OUT/fuzz-engine" "${ENGINE[@]}" "$ROOT/include/givetake.h" "$OUT/GiveTakeCore.o"; then
    echo "fuzz: building fuzz-engine"
    quiet "$SWIFTC" "${FLAGS[@]}" -module-name GiveTake -enable-experimental-feature CImplementation \
        -I "$ROOT/include" -I "$OUT/modules" "${ENGINE[@]}" "$OUT/GiveTakeCore.o" -o "$OUT/fuzz-engine"
fi

CSV=("$ROOT"/Sources/GiveTakeStorage/{TwcsImport,BooleanText,Timestamp,InteractionBatch}.swift "$ROOT"/Tests/fuzz/csv/*.swift)
if stale "$OUT/fuzz-csv" "${CSV[@]}" "$OUT/GiveTakeCore.o"; then
    echo "fuzz: building fuzz-csv"
    quiet "$SWIFTC" "${FLAGS[@]}" -module-name GiveTakeStorage -I "$OUT/modules" "${CSV[@]}" \
        "$OUT/GiveTakeCore.o" -o "$OUT/fuzz-csv"
fi
