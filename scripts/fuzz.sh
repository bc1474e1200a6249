#!/usr/bin/env bash
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address) and runs each for
# FUZZ_SECONDS (default 60) on its seed corpus in Tests/fuzz/corpus/. New inputs go to a
# scratch copy, so the repository's corpus stays as committed. Exit 1 on any finding.
#   FUZZ_TARGETS="parser interpreter"  run only these (default: all six)
#   FUZZ_RUNS=1000000                  stop each after this many executions instead
#   FUZZ_OPT=-O                        optimisation of the build (default -O: the sanitizers
#                                      still check every access; -Onone is ~10x slower)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-parser interpreter csv npy notebook kernel}
OPT=${FUZZ_OPT:--O}
OUT=${FUZZ_BUILD:-/tmp/hebb-fuzz-build}
mkdir -p "$OUT"
BLAS_FLAGS=()
for flag in $(pkg-config --cflags openblas); do BLAS_FLAGS+=(-Xcc "$flag"); done
build() {   # name, defines..., then -- sources
    local name=$1; shift
    swiftc -sanitize=fuzzer,address -parse-as-library "$OPT" -g -module-name "Fuzz$name" -o "$OUT/fuzz-$name" "$@" \
        2>"$OUT/build-$name.log" || { cat "$OUT/build-$name.log"; exit 1; }
}
# The interpreter target links the project's modules, each built as an instrumented static
# library in dependency order (one module per library, as SwiftPM would build them).
module() {  # name, sources...
    local name=$1; shift
    swiftc -sanitize=fuzzer,address -parse-as-library "$OPT" -g -module-name "$name" -emit-module \
        -emit-module-path "$OUT/modules/$name.swiftmodule" -emit-library -static -o "$OUT/modules/lib$name.a" \
        -I "$OUT/modules" -I Sources/CBLAS "${SLEEF_FLAGS[@]}" "${BLAS_FLAGS[@]}" "$@" 2>"$OUT/build-$name.log" \
        || { cat "$OUT/build-$name.log"; exit 1; }
}
want() { [[ " $TARGETS " == *" $1 "* ]]; }
# The SLEEF loops (C, one copy per instruction set, as Package.swift builds them) and the
# LIBXSMM wrapper (CXSMM) go into one archive that every target using HebbTensor links.
sleef() {
    mkdir -p "$OUT/sleef"
    clang -O2 -g -fPIC -I Sources/CSleefAVX/include -I Sources/CSleefAVX512/include -I Sources/CSleef/include \
        -c Sources/CSleef/vecmath.c -o "$OUT/sleef/vecmath.o"
    clang -O2 -g -fPIC -I Sources/CXSMM/include -c Sources/CXSMM/smallgemm.c -o "$OUT/sleef/smallgemm.o"
    if [[ $(uname -m) == x86_64 ]]; then
        clang -O2 -g -fPIC -mavx -I Sources/CSleefAVX/include -c Sources/CSleefAVX/loops.c -o "$OUT/sleef/avx.o"
        clang -O2 -g -fPIC -mavx512f -I Sources/CSleefAVX512/include -c Sources/CSleefAVX512/loops.c -o "$OUT/sleef/avx512.o"
    fi
    rm -f "$OUT/modules/libCSleef.a" && ar rcs "$OUT/modules/libCSleef.a" "$OUT"/sleef/*.o
}
SLEEF_FLAGS=(-I Sources/CSleef/include -I Sources/CSleefAVX/include -I Sources/CSleefAVX512/include -I Sources/CXSMM/include)
# LIBXSMM's static libraries (x86-64 only), in Package.swift's order.
XSMM_LIBS=(); [[ $(uname -m) == x86_64 ]] && XSMM_LIBS=(-lxsmm -lxsmmnoblas -ldl -lrt -lpthread)
sources() { find "Sources/$1" -name '*.swift' | sort; }
echo "building fuzz targets in $OUT"
mkdir -p "$OUT/modules"
if want csv || want npy || want interpreter || want notebook; then sleef || exit 1; fi
jobs_ok() { local failed=0; for pid in "$@"; do wait "$pid" || failed=1; done; [[ $failed == 0 ]] || exit 1; }
# Independent builds in parallel: the four single-module targets and the bottom modules.
pids=()
want parser && { build parser Sources/HebbSyntax/*.swift Tests/fuzz/FuzzParser.swift & pids+=($!); }
TENSOR=(-I Sources/CBLAS "${SLEEF_FLAGS[@]}" "${BLAS_FLAGS[@]}" -L "$OUT/modules" -lCSleef -lsleef "${XSMM_LIBS[@]}" -lopenblas
        Sources/HebbTensor/*.swift Tests/fuzz/FuzzLoaders.swift)
want csv && { build csv -D CSV "${TENSOR[@]}" & pids+=($!); }
want npy && { build npy -D NPY "${TENSOR[@]}" & pids+=($!); }
want kernel && { build kernel -I Sources/COpenSSL Sources/HebbKernel/{Message,MessageSigner}.swift Tests/fuzz/FuzzKernelMessage.swift -lcrypto & pids+=($!); }
LINK=(-I "$OUT/modules" -I Sources/CBLAS "${SLEEF_FLAGS[@]}" "${BLAS_FLAGS[@]}" -L "$OUT/modules")
if want interpreter || want notebook; then
    swiftc -parse-as-library -O Sources/EmbedStdlib/EmbedStdlib.swift -o "$OUT/embed-stdlib"
    "$OUT/embed-stdlib" "$OUT/EmbeddedStdlib.swift" $(ls stdlib/*.hebb | sort)
    for name in HebbTensor HebbSyntax HebbPlot; do module $name $(sources $name) & pids+=($!); done
    jobs_ok "${pids[@]}"; pids=()
    module HebbAutodiff $(sources HebbAutodiff)
    module HebbLanguage $(sources HebbLanguage) "$OUT/EmbeddedStdlib.swift"
    LINK+=(-lHebbLanguage -lHebbPlot -lHebbSyntax -lHebbAutodiff -lHebbTensor -lCSleef -lsleef "${XSMM_LIBS[@]}" -lopenblas)
    want interpreter && { build interpreter Tests/fuzz/FuzzInterpreter.swift "${LINK[@]}" & pids+=($!); }
    want notebook && { module HebbNotebook $(sources HebbNotebook) && build notebook Tests/fuzz/FuzzNotebook.swift -lHebbNotebook "${LINK[@]}" & pids+=($!); }
fi
jobs_ok "${pids[@]}"
status=0
for target in $TARGETS; do
    work="$OUT/corpus-$target"
    rm -rf "$work" && cp -r "Tests/fuzz/corpus/$target" "$work"
    echo "== fuzz-$target for ${FUZZ_RUNS:+$FUZZ_RUNS runs}${FUZZ_RUNS:-${SECONDS_EACH}s}"
    limit=(-max_total_time="$SECONDS_EACH"); [[ -n "${FUZZ_RUNS:-}" ]] && limit=(-runs="$FUZZ_RUNS")
    # For the interpreter LeakSanitizer stays off: it reports the stdlib's syntax tree
    # (~140 KB per session) as leaked even while the session holding it is alive in a
    # global (it cannot follow Swift's enum payload pointers). Peak RSS over 3,000 sessions
    # grows by ~10 KB each, and SessionReleaseTests sees every stdlib function freed.
    leaks=1; [[ $target == interpreter ]] && leaks=0
    # The interpreter's own watchdog stops a program after 2 s; libFuzzer's timeout is for
    # what that cannot stop. 30 s, not 10: a program that recursed to the 10,000-call limit
    # and was then interrupted took 13 s to unwind under ASan on a loaded machine (4 s idle).
    timeout=10; [[ $target == interpreter ]] && timeout=30
    if ! ASAN_OPTIONS=detect_leaks=$leaks SWIFT_BACKTRACE=enable=no "$OUT/fuzz-$target" "${limit[@]}" -timeout=$timeout -rss_limit_mb=4096 -detect_leaks=$leaks \
        -max_len=8192 -artifact_prefix="$OUT/crash-$target-" "$work" 2>"$OUT/$target.log"; then
        echo "fuzz-$target FOUND A PROBLEM: see $OUT/$target.log and $OUT/crash-$target-*"; status=1
    fi
    grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units" "$OUT/$target.log" | tail -1 || true
done
exit $status
