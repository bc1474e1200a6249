#!/usr/bin/env bash
# Runs Hebb's benchmarks beside the peer scripts of ../shared/bench/peers, in one sitting,
# with 2 BLAS threads everywhere. Usage (from the repo root, on a quiet machine):
#   PY=/path/to/venv/bin/python Benchmarks/run.sh [peers]
# The venv needs the packages listed in ../shared/bench/peers/README.md (numpy, torch, jax,
# threadpoolctl, ...). Without "peers" only Hebb's side and the cblas/NumPy references run.
set -u
cd "$(dirname "$0")/.."
PY=${PY:-python3}
HEBB=${HEBB:-.build/release/hebb}
PEERS=${PEERS:-../shared/bench/peers}
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 PYTHONWARNINGS=ignore
peak() { /usr/bin/time -f "  peak_rss_mb=%M" "$@" 2>&1 | sed 's/peak_rss_mb=\([0-9]*\)/peak_rss_mb=\1 (KB)/'; }

[ -x "$HEBB" ] || swift build -c release --product hebb
[ -f "${PEERS_DIR:-/tmp/hebb-peers}/synth.npy" ] || "$PY" "$PEERS/make_synth.py"
"$PY" Benchmarks/export_mlp_init.py

echo "### A @ B, 1024x1024"
gcc -O2 Benchmarks/gemm_direct.c -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas -o /tmp/hebb_gemm_direct
# The direct call uses the kernel set Hebb picks for this CPU (see Sources/HebbTensor/OpenBLAS.swift).
core=$(grep -m1 '^flags' /proc/cpuinfo | awk '/avx512f/ && /avx512cd/ && /avx512bw/ && /avx512dq/ && /avx512vl/ {print "SkylakeX"; next} /avx2/ && /fma/ {print "Haswell"}')
echo "OPENBLAS_CORETYPE for the direct call: ${OPENBLAS_CORETYPE:-${core:-<OpenBLAS default>}}"
OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$core} /tmp/hebb_gemm_direct
"$HEBB" Benchmarks/gemm.hebb

echo "### dgemm thread policy: 1 vs 2 OpenBLAS threads, wall and CPU time per call (issue 10 item 2)"
gcc -O2 Benchmarks/gemm_threads.c -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas -o /tmp/hebb_gemm_threads
OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$core} /tmp/hebb_gemm_threads

echo "### small products: LIBXSMM's generated kernels vs OpenBLAS on 1 and 2 threads (issue 10 item 2)"
gcc -O2 Benchmarks/small_gemm.c Sources/CXSMM/smallgemm.c -ISources/CXSMM/include -I/usr/include/x86_64-linux-gnu/openblas-pthread \
    -lopenblas -lxsmm -lxsmmnoblas -lpthread -lrt -ldl -lm -o /tmp/hebb_small_gemm
OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$core} /tmp/hebb_small_gemm

echo "### tiny ops: c = a * b + a on 4x4, 10^6 times"
"$HEBB" Benchmarks/tiny_ops.hebb
"$PY" "$PEERS/tiny_ops.py" numpy
[ "${1:-}" = peers ] && "$PY" "$PEERS/tiny_ops.py" torch

echo "### scalar loop: x = x + 1, 10^7 times; user-function call loop, 10^6 times"
"$HEBB" Benchmarks/scalar_loop.hebb
"$PY" Benchmarks/scalar_loop.py
"$HEBB" Benchmarks/call_loop.hebb
"$PY" Benchmarks/call_loop.py

# A Hebb twin beside its peer script (numpy, and torch with "peers"), in float32 and float64.
twin() {  # hebb-script peer-script
    for dt in float32 float64; do
        env HEBB_DTYPE=$dt "$HEBB" --allow-env=PEERS_DIR --allow-read "${PEERS_DIR:-/tmp/hebb-peers}" "$1"
        echo -n "  (every product on OpenBLAS) "
        env HEBB_DTYPE=$dt HEBB_SMALL_GEMM=openblas "$HEBB" --allow-env=PEERS_DIR --allow-read "${PEERS_DIR:-/tmp/hebb-peers}" "$1"
        "$PY" "$PEERS/$2" numpy --dtype $dt
        [ "${ALL_PEERS}" = peers ] && "$PY" "$PEERS/$2" torch --dtype $dt
    done
}
ALL_PEERS=${1:-}

echo "### RNN T=50 batch 32 hidden 64, forward + BPTT"
"$PY" Benchmarks/export_rnn_data.py
twin Benchmarks/rnn.hebb rnn_bench.py

echo "### conv layer 64x1x28x28, 20 5x5 filters, ReLU, 2x2 max-pool, forward + backward"
"$PY" Benchmarks/export_conv_data.py
twin Benchmarks/conv.hebb conv_bench.py

echo "### sigmoid of 10^7 float64"
"$HEBB" Benchmarks/sigmoid.hebb
"$PY" Benchmarks/sigmoid_numpy.py

echo "### load_csv: Kaggle-format MNIST train.csv (42,000 x 785 integers, ~77 MB)"
# Generated once into $PEERS_DIR (Benchmarks/make_mnist_csv.py, deterministic); the twins need
# pandas and pyarrow in $PY's environment (a missing one is reported as skipped).
[ -f "${PEERS_DIR:-/tmp/hebb-peers}/mnist_train.csv" ] || "$PY" Benchmarks/make_mnist_csv.py
"$HEBB" --allow-env=PEERS_DIR --allow-read "${PEERS_DIR:-/tmp/hebb-peers}" Benchmarks/load_csv.hebb
"$PY" Benchmarks/load_csv.py pandas pyarrow pyarrow_table numpy

echo "### elementary functions on 10^7 values, float64 and float32 (SLEEF in Hebb)"
"$HEBB" Benchmarks/elementwise.hebb
"$PY" Benchmarks/elementwise.py

echo "### start-up (median of 5 after a warm-up)"
: > /tmp/hebb_empty.hebb
med() { local ts=(); for i in 0 1 2 3 4 5; do local t0=$(date +%s%N); "$@" >/dev/null 2>&1; local t1=$(date +%s%N); [ $i -gt 0 ] && ts+=($(( (t1 - t0) / 100000 ))); done; printf '%s\n' "${ts[@]}" | sort -n | sed -n 3p | awk '{printf "%.1f", $1 / 10}'; }
echo "hebb empty.hebb: $(med "$HEBB" /tmp/hebb_empty.hebb) ms"
echo "python3 -c 'import numpy': $(med "$PY" -c 'import numpy') ms"
echo "hebb run Benchmarks/two_cells.nb: $(med "$HEBB" run Benchmarks/two_cells.nb) ms"
if [ -x "$(dirname "$PY")/jupyter" ]; then
    "$PY" "$PEERS/make_notebook.py" /tmp/hebb_trivial.ipynb >/dev/null
    echo "jupyter nbconvert --execute (2 cells): $(med "$(dirname "$PY")/jupyter" nbconvert --to notebook --execute --output /tmp/hebb_trivial.out.ipynb /tmp/hebb_trivial.ipynb) ms"
fi

echo "### Jupyter kernel: start-up to kernel_info_reply and a trivial cell, hebb vs ipykernel"
# Needs jupyter_client and ipykernel: the .venv that scripts/install-deps.sh makes has both.
KPY=${KERNEL_PY:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo "$PY")}
if "$KPY" -c "import jupyter_client, ipykernel" 2>/dev/null; then
    "$KPY" Benchmarks/kernel_bench.py --hebb "$HEBB"
else
    echo "skipped: $KPY lacks jupyter_client or ipykernel (run scripts/install-deps.sh)"
fi

echo "### hebb test notebooks (whole folder, wall time)"
t0=$(date +%s%N); "$HEBB" test notebooks | tail -1; t1=$(date +%s%N)
echo "hebb test notebooks: $(( (t1 - t0) / 1000000 )) ms"

echo "### MLP 784-500-10, RMSprop+momentum, 200 steps"
# The MLP scripts read their data from $PEERS_DIR, outside the repository: grant exactly that.
PEERS_FLAGS=(--allow-env=PEERS_DIR --allow-read "${PEERS_DIR:-/tmp/hebb-peers}")
for dt in float64 float32; do
    peak env HEBB_DTYPE=$dt "$HEBB" "${PEERS_FLAGS[@]}" Benchmarks/mlp_rmsprop.hebb
    peak env HEBB_DTYPE=$dt "$HEBB" "${PEERS_FLAGS[@]}" Benchmarks/mlp_hand.hebb
    peak env HEBB_DTYPE=$dt "$HEBB" "${PEERS_FLAGS[@]}" Benchmarks/mlp_floor.hebb
    peak "$PY" "$PEERS/mlp_gemm_floor.py" --dtype $dt
    peak "$PY" "$PEERS/mlp_numpy.py" --dtype $dt
    if [ "${1:-}" = peers ]; then
        peak "$PY" "$PEERS/mlp_torch.py" --dtype $dt
        peak "$PY" "$PEERS/mlp_jax.py" --dtype $dt
        peak "$PY" "$PEERS/mlp_pytensor.py" --mode NUMBA --dtype $dt
    fi
done
