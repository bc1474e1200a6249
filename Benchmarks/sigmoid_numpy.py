"""NumPy's sigmoid of 10^7 float64 elements, 1/(1+np.exp(-x)): median of 10 (Hebb: sigmoid.hebb)."""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
import statistics, time
import numpy as np

x = np.random.default_rng(0).standard_normal(10_000_000)
y = 1 / (1 + np.exp(-x))
times = []
for _ in range(10):
    t0 = time.perf_counter()
    y = 1 / (1 + np.exp(-x))
    times.append(time.perf_counter() - t0)
print(f"RESULT system=numpy-sigmoid n=1e7 median_ms={statistics.median(times) * 1000:.1f}")
