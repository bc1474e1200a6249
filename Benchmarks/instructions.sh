#!/usr/bin/env bash
# Instructions per loop iteration (callgrind: deterministic, so usable on a loaded machine),
# for the interpreter's hot paths: tiny tensor ops (one fused expression, and the same as two
# statements), a scalar loop and a user-function call.
# Each loop runs twice, with N1 and N2 iterations; the difference divided by N2 - N1 leaves
# out start-up. Usage: Benchmarks/instructions.sh [path/to/hebb]   (default: release build)
set -eu
HEBB=${1:-.build/release/hebb}
N1=${N1:-2000} N2=${N2:-12000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Valgrind 3.2x gives up on the DWARF 5 the Swift 6 toolchain writes ("possibly corrupted
# debuginfo"): count a copy without debug sections (the instructions are the same).
objcopy --strip-debug "$HEBB" "$dir/hebb"
HEBB=$dir/hebb

loop() {  # name, setup, body
    for n in $N1 $N2; do
        printf '%s\nfor i in 1...%s {\n    %s\n}\n' "$2" "$n" "$3" > "$dir/$1_$n.hebb"
    done
}
loop tiny_ops 'a = rand(4, 4)
b = a * 1' 'c = a * b + a'
loop tiny_ops_separate 'a = rand(4, 4)
b = a * 1' 't = a * b
    c = t + a'
loop scalar_loop 'x = 0' 'x = x + 1'
loop call_loop 'fn inc(v) { return v + 1 }
x = 0' 'x = inc(x)'

count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$HEBB" "$1" 2>&1 | awk '/refs:/ { gsub(",", "", $NF); print $NF }'; }
for name in tiny_ops tiny_ops_separate scalar_loop call_loop; do
    a=$(count "$dir/${name}_$N1.hebb"); b=$(count "$dir/${name}_$N2.hebb")
    echo "$name: $(( (b - a) / (N2 - N1) )) instructions per iteration"
done
