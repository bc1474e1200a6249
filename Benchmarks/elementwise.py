"""The peers' twin of elementwise.hebb: the same functions on 10^7 values, float64 and
float32, median of 5 after a warm-up, in NumPy (one thread: its ufuncs do not split) and,
when it is installed, PyTorch (2 intra-op threads, like Hebb's). sigmoid is 1/(1+exp(-x))
and softplus logaddexp(x, 0) in NumPy, as NumPy users write them. Usage: elementwise.py [numpy] [torch]"""
import os, sys
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")
import statistics, time
import numpy as np

NUMPY = {
    "exp": np.exp, "log": np.log, "tanh": np.tanh, "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "softplus": lambda x: np.logaddexp(x, 0), "log1p": np.log1p, "expm1": np.expm1, "sqrt": np.sqrt,
    "sin": np.sin, "cos": np.cos, "pow": lambda x: x ** 1.7,
}
POSITIVE = {"log", "sqrt", "log1p", "pow"}


def run(system, functions, convert):
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        normal = rng.standard_normal(10_000_000).astype(dtype)
        positive = np.abs(normal) + dtype(0.1)
        inputs = {"normal": convert(normal), "positive": convert(positive)}
        for name, f in functions.items():
            x = inputs["positive" if name in POSITIVE else "normal"]
            f(x)
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                f(x)
                times.append(time.perf_counter() - t0)
            print(f"RESULT system={system} fn={name} dtype={np.dtype(dtype).name} n=1e7 "
                  f"median_ms={statistics.median(times) * 1000:.1f}", flush=True)


systems = sys.argv[1:] or ["numpy", "torch"]
if "numpy" in systems:
    run("numpy", NUMPY, lambda a: a)
if "torch" in systems:
    try:
        import torch
    except ImportError:
        print("RESULT system=torch skipped (not installed)")
    else:
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
        TORCH = {
            "exp": torch.exp, "log": torch.log, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
            "softplus": torch.nn.functional.softplus, "log1p": torch.log1p, "expm1": torch.expm1,
            "sqrt": torch.sqrt, "sin": torch.sin, "cos": torch.cos, "pow": lambda x: x ** 1.7,
        }
        run(f"torch-{torch.get_num_threads()}threads", TORCH, torch.from_numpy)
