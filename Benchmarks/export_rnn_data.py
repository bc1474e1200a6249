"""Writes the RNN benchmark's data for Benchmarks/rnn.hebb: the arrays
../shared/bench/peers/rnn_bench.py makes (numpy default_rng(0), in the same order), as
float64 .npy files in $PEERS_DIR. Usage: VENV/bin/python Benchmarks/export_rnn_data.py"""
import os
import numpy as np

T, Bt, I, Hd = 50, 32, 10, 64
work = os.environ.get("PEERS_DIR", "/tmp/hebb-peers")
os.makedirs(work, exist_ok=True)
r = np.random.default_rng(0)
arrays = {
    "X": r.standard_normal((T, Bt, I)),
    "R": r.standard_normal((T, Bt, Hd)),
    "Wx": r.standard_normal((I, Hd)) / np.sqrt(I),
    "Wh": r.standard_normal((Hd, Hd)) / np.sqrt(Hd),
}
for name, value in arrays.items():
    np.save(os.path.join(work, f"rnn_{name}.npy"), value)
print("wrote rnn_X/R/Wx/Wh.npy to", work)
