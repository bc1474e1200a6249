#!/usr/bin/env python3
"""Writes vecmath.csv: inputs across each vectorized function's domain and the exact results.

Run once (numpy and mpmath needed): python3 make_vecmath_fixture.py > vecmath.csv
Rows are `function,dtype,x,y,hi,lo`: x (and y, pow's exponent; else 0) are exact values of
the dtype, written with repr; hi + lo is the exact result (mpmath at 300 bits) as a
double-double, so a test can measure float64 errors to a fraction of an ulp. A result out of
the dtype's range is written as inf (the correctly rounded value). IEEE special cases (±0,
±inf, NaN inputs) come from NumPy, and pow's C99 Annex F cases from the C library's pow and
powf (NumPy's power(x, 0.5) is sqrt, which differs at -0 and -inf), with lo = 0.
"""
import ctypes
import sys
import numpy as np
import mpmath as mp

mp.mp.prec = 300
rng = np.random.default_rng(20261203)
PER_FUNCTION = 400

FUNCTIONS = {
    "exp": mp.exp, "log": mp.log, "tanh": mp.tanh,
    "sigmoid": lambda x: 1 / (1 + mp.exp(-x)),
    "softplus": lambda x: mp.log1p(mp.exp(x)) if x < 0 else x + mp.log1p(mp.exp(-x)),
    "log1p": mp.log1p, "expm1": mp.expm1, "sqrt": mp.sqrt, "sin": mp.sin, "cos": mp.cos,
}

# NumPy's version of each function, for IEEE special values only.
NUMPY = {
    "exp": np.exp, "log": np.log, "tanh": np.tanh, "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "softplus": lambda x: np.logaddexp(x, 0),
    "log1p": np.log1p, "expm1": np.expm1, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
}


def log_uniform(lo, hi, n):
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n))


def finite_inputs(name, dtype):
    """Values across the domain: both signs over many binades, the core interval, the tails."""
    info = np.finfo(dtype)
    tiny, big = float(info.smallest_subnormal), float(info.max)
    overflow = float(np.log(info.max))             # exp's overflow threshold
    underflow = float(np.log(info.smallest_subnormal))
    n = PER_FUNCTION
    if name in ("exp", "expm1"):
        parts = [rng.uniform(underflow - 5, overflow, n // 2), rng.uniform(-2, 2, n // 4),
                 np.linspace(overflow - 1, overflow + 1, 16), np.linspace(underflow - 1, underflow + 3, 16),
                 log_uniform(tiny, 1, n // 8) * rng.choice([-1, 1], n // 8)]
    elif name in ("log", "sqrt"):
        parts = [log_uniform(tiny, big, n // 2), rng.uniform(0, 4, n // 4),
                 1 + rng.uniform(-1e-3, 1e-3, n // 8), [tiny, float(info.tiny), big, 1.0]]
    elif name == "log1p":
        parts = [log_uniform(tiny, big, n // 4), -log_uniform(tiny, 1, n // 4), rng.uniform(-1, 3, n // 4),
                 -1 + log_uniform(float(info.eps) / 2, 1e-2, 16)]
    elif name in ("tanh", "sigmoid", "softplus"):
        parts = [rng.uniform(-40, 40, n // 2), log_uniform(tiny, big, n // 4) * rng.choice([-1, 1], n // 4),
                 rng.uniform(-800, 800, n // 8)]
    else:  # sin, cos: the core, large arguments, and near multiples of pi/2
        parts = [rng.uniform(-10, 10, n // 2), log_uniform(tiny, big, n // 4) * rng.choice([-1, 1], n // 4),
                 np.arange(1, 40) * np.pi / 2]
    x = np.concatenate([np.asarray(p, dtype=np.float64) for p in parts]).astype(dtype)
    return [float(v) for v in x if np.isfinite(v)]


def pow_inputs(dtype):
    info = np.finfo(dtype)
    n = PER_FUNCTION
    base = log_uniform(float(info.tiny), float(info.max) ** 0.5, n // 2)
    exponent = rng.uniform(-1, 1, n // 2) * (np.log(float(info.max)) / np.abs(np.log(base)) + 1)
    pairs = list(zip(base, exponent))
    pairs += list(zip(rng.uniform(0, 3, n // 4), rng.uniform(-30, 30, n // 4)))
    pairs += [(-b, float(k)) for b, k in zip(rng.uniform(0.1, 10, 32), rng.integers(-20, 20, 32))]
    pairs += [(2.0, float(k)) for k in range(-20, 31)] + [(10.0, float(k)) for k in range(-8, 9)]
    out = []
    for b, e in pairs:
        b, e = dtype(b), dtype(e)
        if np.isfinite(b) and np.isfinite(e):
            out.append((float(b), float(e)))
    return out


def specials(dtype):
    info = np.finfo(dtype)
    return [0.0, -0.0, np.inf, -np.inf, np.nan, float(info.smallest_subnormal), -float(info.smallest_subnormal),
            float(info.tiny), float(info.max), -float(info.max), 1.0, -1.0]


def double_double(value, dtype):
    """(hi, lo) with hi + lo = value to ~106 bits; ±inf where the dtype cannot hold the value."""
    info = np.finfo(dtype)
    limit = mp.mpf(float(info.max)) * (1 + mp.mpf(2) ** -(info.nmant + 1))   # max + half an ulp
    if abs(value) >= limit:
        return (float("inf") if value > 0 else float("-inf"), 0.0)
    hi = float(value)
    lo = float(value - hi)
    return hi, lo


LIBM = ctypes.CDLL("libm.so.6")
LIBM.pow.restype = ctypes.c_double
LIBM.pow.argtypes = [ctypes.c_double, ctypes.c_double]
LIBM.powf.restype = ctypes.c_float
LIBM.powf.argtypes = [ctypes.c_float, ctypes.c_float]


def rows():
    for dtype, label in ((np.float64, "float64"), (np.float32, "float32")):
        with np.errstate(all="ignore"):
            for name, f in FUNCTIONS.items():
                for x in specials(dtype):
                    y = float(NUMPY[name](dtype(x)))
                    yield name, label, x, 0.0, y, 0.0
                for x in finite_inputs(name, dtype):
                    if name in ("log", "sqrt") and x < 0 or name == "log1p" and x <= -1:
                        continue
                    yield (name, label, x, 0.0) + double_double(f(mp.mpf(x)), dtype)
            c_pow = LIBM.pow if dtype == np.float64 else LIBM.powf
            for b in (0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, np.inf, -np.inf, np.nan):
                for e in (0.0, -0.0, 1.0, -1.0, 2.0, 3.0, -3.0, 0.5, np.inf, -np.inf, np.nan):
                    yield "pow", label, b, e, float(c_pow(b, e)), 0.0
            for b, e in pow_inputs(dtype):
                value = mp.power(mp.mpf(b), mp.mpf(e))
                if not mp.im(value) == 0:
                    continue
                yield ("pow", label, b, e) + double_double(mp.re(value), dtype)


def main():
    out = sys.stdout
    out.write("function,dtype,x,y,hi,lo\n")
    for name, label, x, y, hi, lo in rows():
        out.write(f"{name},{label},{x!r},{y!r},{hi!r},{lo!r}\n")


if __name__ == "__main__":
    main()
