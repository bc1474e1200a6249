#!/usr/bin/env bash
# The MLP workload interleaved: three rounds of Hebb (floor, grad) and each peer in turn, both
# dtypes, with peak RSS; for comparing systems on a noisy host. Usage: PY=venv/bin/python Benchmarks/mlp_rounds.sh
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 PYTHONWARNINGS=ignore
PY=${PY:-python3}; PE=../shared/bench/peers; F="--allow-env=PEERS_DIR,HEBB_DTYPE --allow-read /tmp/hebb-peers"
peak() { /usr/bin/time -f "  peak_rss_kb=%M" "$@" 2>&1 | grep -E "RESULT|peak_rss"; }
for round in 1 2 3; do for dt in float64 float32; do
  echo "## round $round $dt"
  peak env HEBB_DTYPE=$dt .build/release/hebb $F Benchmarks/mlp_floor.hebb
  peak env HEBB_DTYPE=$dt .build/release/hebb $F Benchmarks/mlp_rmsprop.hebb
  peak $PY $PE/mlp_numpy.py --dtype $dt
  peak $PY $PE/mlp_torch.py --dtype $dt
  peak $PY $PE/mlp_jax.py --dtype $dt
  peak $PY $PE/mlp_pytensor.py --mode NUMBA --dtype $dt
done; done
