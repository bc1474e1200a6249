"""Writes the MLP benchmark's inputs for Hebb: the peers' synthetic data is made by
../shared/bench/peers/make_synth.py; this adds the identical initial weights every peer
starts from (numpy seed 1234, common.init_params) as .npy files in $PEERS_DIR.
Usage: VENV/bin/python Benchmarks/export_mlp_init.py"""
import os, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "shared", "bench", "peers"))
import numpy as np
import common as C

os.makedirs(C.WORK, exist_ok=True)
for name, value in zip(["W1", "b1", "W2", "b2"], C.init_params("float64")):
    np.save(os.path.join(C.WORK, f"init_{name}.npy"), value)
print("wrote init_W1/b1/W2/b2.npy to", C.WORK)
