"""The Python twin of scalar_loop.hebb: `x = x + 1`, 10^7 times, 3 reps, at module level
(globals, as in the Hebb script). Usage: scalar_loop.py [n]"""
import sys, time
n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
for rep in range(1, 4):
    x = 0
    t0 = time.perf_counter()
    for i in range(1, n + 1):
        x = x + 1
    ns = (time.perf_counter() - t0) / n * 1e9
    print(f"RESULT system=python-scalar-loop rep {rep} x={x} ns_per_iter={ns:.1f}")
