#!/usr/bin/env bash
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address) and runs each for
# FUZZ_SECONDS (default 60) on its seed corpus in Tests/fuzz/corpus/. New inputs go to a
# scratch copy, so the repository's corpus stays as committed. Exit 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
OUT=${FUZZ_BUILD:-/tmp/hebb-fuzz-build}
mkdir -p "$OUT"
BLAS_FLAGS=()
for flag in $(pkg-config --cflags openblas); do BLAS_FLAGS+=(-Xcc "$flag"); done
build() {   # name, defines..., then -- sources
    local name=$1; shift
    swiftc -sanitize=fuzzer,address -parse-as-library -Onone -g -module-name "Fuzz$name" -o "$OUT/fuzz-$name" "$@" \
        2>"$OUT/build-$name.log" || { cat "$OUT/build-$name.log"; exit 1; }
}
echo "building fuzz targets in $OUT"
build parser Sources/HebbSyntax/*.swift Tests/fuzz/FuzzParser.swift
TENSOR=(-I Sources/CBLAS "${BLAS_FLAGS[@]}" -lopenblas Sources/HebbTensor/*.swift Tests/fuzz/FuzzLoaders.swift)
build csv -D CSV "${TENSOR[@]}"
build npy -D NPY "${TENSOR[@]}"
build notebook Sources/HebbNotebook/{Notebook,NotebookParser,CellLabels}.swift Tests/fuzz/FuzzNotebook.swift
status=0
for target in parser csv npy notebook; do
    work="$OUT/corpus-$target"
    rm -rf "$work" && cp -r "Tests/fuzz/corpus/$target" "$work"
    echo "== fuzz-$target for ${SECONDS_EACH}s"
    if ! SWIFT_BACKTRACE=enable=no "$OUT/fuzz-$target" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 \
        -max_len=8192 -artifact_prefix="$OUT/crash-$target-" "$work" 2>"$OUT/$target.log"; then
        echo "fuzz-$target FOUND A PROBLEM: see $OUT/$target.log and $OUT/crash-$target-*"; status=1
    fi
    grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units" "$OUT/$target.log" | tail -1 || true
done
exit $status
