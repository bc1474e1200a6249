"""NumPy's twin of elementwise.hebb: the same functions on 10^7 values, float64 and float32,
median of 5 after a warm-up. sigmoid is 1/(1+exp(-x)) and softplus logaddexp(x, 0), as
NumPy users write them."""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
import statistics, time
import numpy as np

FUNCTIONS = {
    "exp": np.exp, "log": np.log, "tanh": np.tanh, "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "softplus": lambda x: np.logaddexp(x, 0), "log1p": np.log1p, "expm1": np.expm1, "sqrt": np.sqrt,
    "sin": np.sin, "cos": np.cos, "pow": lambda x: x ** 1.7,
}
POSITIVE = {"log", "sqrt", "log1p", "pow"}

rng = np.random.default_rng(0)
for dtype in (np.float64, np.float32):
    normal = rng.standard_normal(10_000_000).astype(dtype)
    positive = np.abs(normal) + dtype(0.1)
    for name, f in FUNCTIONS.items():
        x = positive if name in POSITIVE else normal
        f(x)
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            f(x)
            times.append(time.perf_counter() - t0)
        print(f"RESULT system=numpy fn={name} dtype={np.dtype(dtype).name} n=1e7 median_ms={statistics.median(times) * 1000:.1f}")
