"""The Python twin of call_loop.hebb: `x = inc(x)` with a one-line function, 10^6 times,
3 reps, at module level. Usage: call_loop.py [n]"""
import sys, time
def inc(v):
    return v + 1
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
for rep in range(1, 4):
    x = 0
    t0 = time.perf_counter()
    for i in range(1, n + 1):
        x = inc(x)
    ns = (time.perf_counter() - t0) / n * 1e9
    print(f"RESULT system=python-call-loop rep {rep} x={x} ns_per_iter={ns:.1f}")
