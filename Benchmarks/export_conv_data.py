"""Writes the conv benchmark's data for Benchmarks/conv.hebb: the arrays
../shared/bench/peers/conv_bench.py makes (numpy default_rng(0), in the same order), as
float64 .npy files in $PEERS_DIR (conv.hebb casts them to its dtype, as the peer casts them
with astype). Usage: VENV/bin/python Benchmarks/export_conv_data.py"""
import os
import numpy as np

N, Cin, H, F, KS = 64, 1, 28, 20, 5
Ho = H - KS + 1
work = os.environ.get("PEERS_DIR", "/tmp/hebb-peers")
os.makedirs(work, exist_ok=True)
r = np.random.default_rng(0)
arrays = {
    "X": r.random((N, Cin, H, H)),
    "W": r.standard_normal((F, Cin, KS, KS)) * 0.2,
    "G": r.standard_normal((N, F, Ho // 2, Ho // 2)),
}
for name, value in arrays.items():
    np.save(os.path.join(work, f"conv_{name}.npy"), value)
print("wrote conv_X/W/G.npy to", work)
