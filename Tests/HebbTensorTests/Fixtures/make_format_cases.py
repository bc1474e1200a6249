#!/usr/bin/env python3
"""Writes format_cases.json: arrays and the string NumPy prints for each
(np.array2string with default options, except `precision` where a case sets it).
FormattingTests checks Tensor.formatted(precision:) against every case.

Also writes format_fuzz.txt: one- and two-element arrays of random doubles and floats of
every magnitude (raw bit patterns included), one per line as
`dtype precision hex-value... | numpy text`, which stresses the digit generation
(shortest digits, cut-offs, exact rounding, exponent widths).
Deterministic: a fixed seed, so re-running gives the same file."""
import json
import os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "format_cases.json")
FUZZ_OUT = os.path.join(HERE, "format_fuzz.txt")
rng = np.random.default_rng(20240607)
cases = []


def add(name, array, precision=8):
    array = np.asarray(array)
    assert array.dtype in (np.float64, np.float32)
    cases.append({
        "name": name,
        "dtype": "float64" if array.dtype == np.float64 else "float32",
        "shape": list(array.shape),
        # repr() of each value reads back exactly (nan and inf as 'nan', 'inf', '-inf').
        "values": [repr(float(v)) for v in array.reshape(-1)],
        "precision": precision,
        "expected": np.array2string(array, precision=precision),
    })


def handwritten():
    add("ints", [1.0, 2.0, 3.0])
    add("two by two", [[1.0, 2.5], [3.0, 4.0]])
    add("thirds", [1 / 3, 1.0])
    add("scalar", np.array(3.0))
    add("scalar negative zero", np.array(-0.0))
    add("scalar third", np.array(1 / 3))
    add("scalar big", np.array(1e20))
    add("scalar nan", np.array(np.nan))
    add("negative zero", [-0.0, 1.0])
    add("zeros", np.zeros((2, 3)))
    add("nan inf", [np.nan, np.inf, -np.inf, 1.5])
    add("only nonfinite", [np.nan, -np.inf])
    add("big", [1e16, 1.0])
    add("cutoff 1e8", [1e8, 1.0])
    add("below cutoff", [99999999.0, 1.0])
    add("small", [1e-5, 1.0])
    add("ratio", [1.0, 1000.0])
    add("ratio over", [1.0, 1000.5])
    add("tiny", [5e-324, 1.0])
    add("huge exponent", [1e300, 1e-300, -1.0])
    add("point one plus point two", [0.1 + 0.2, 0.7])
    add("round up carries", [0.999999999, 9.9999999999])
    add("ties", [0.125, 0.375, 2.5], precision=2)
    add("precision 0", [1.5, 2.5, -0.5, 3.49], precision=0)
    add("precision 3", [np.pi, np.e, 100.0], precision=3)
    add("precision 12", [np.pi, 1 / 7], precision=12)
    add("precision 20", [0.1, 1 / 3], precision=20)
    add("mixed sign", [[-1.0, 2.0], [3.25, -400.5]])
    add("arange 3d", np.arange(24.0).reshape(2, 3, 4))
    add("arange 4d", np.arange(48.0).reshape(2, 2, 3, 4) / 7)
    add("one element nested", np.ones((1, 1, 1)))
    add("column", np.arange(5.0).reshape(5, 1))
    add("long row", np.arange(40.0) / 3)
    add("long row ints", np.arange(100.0))
    add("long rows 2d", np.arange(60.0).reshape(2, 30) * 1.5)
    add("long rows 3d", np.linspace(-1, 1, 90).reshape(3, 1, 30))
    add("scientific long row", np.logspace(-10, 10, 30))
    add("summary 1d", np.arange(2000.0))
    add("summary 1001", np.arange(1001.0) / 10)
    add("summary 2d", np.arange(1200.0).reshape(30, 40))
    add("summary 3d", np.arange(2000.0).reshape(2, 10, 100))
    add("summary narrow axis", np.arange(1005.0).reshape(5, 201))
    add("summary 4d", np.arange(4096.0).reshape(8, 8, 8, 8))
    add("summary hides extremes", np.concatenate([[1e-9], np.ones(1500), [1e20]]))
    add("1000 no summary", np.arange(1000.0).reshape(10, 100))
    add("float32 basic", np.array([0.1, 0.2, 1 / 3], dtype=np.float32))
    add("float32 cutoff", np.array([1e6, 1.0], dtype=np.float32))
    add("float32 below cutoff", np.array([999999.0, 1.0], dtype=np.float32))
    add("float32 min digits", np.array([1e-5, 1.2345678e-5], dtype=np.float32))
    add("float32 exponent", np.array([0.1, 1.2345678e-5], dtype=np.float32))
    add("float32 ratio", np.array([1e-4, 0.1001], dtype=np.float32))
    add("float32 limit", np.array([np.float32(0.0001), 0.05], dtype=np.float32))
    add("float32 matrix", (np.arange(12, dtype=np.float32) / 7).reshape(3, 4))
    add("float32 nan", np.array([np.nan, -np.inf, 2.5], dtype=np.float32))


def random_cases():
    for index in range(150):
        dtype = np.float32 if index % 4 == 3 else np.float64
        ndim = int(rng.integers(0, 4))
        shape = tuple(int(rng.integers(1, 6)) for _ in range(ndim))
        kind = index % 5
        if kind == 0:
            values = rng.normal(size=shape) * 10.0 ** int(rng.integers(-6, 11))
        elif kind == 1:
            values = rng.integers(-1000, 1000, size=shape).astype(float) / 10.0 ** int(rng.integers(0, 4))
        elif kind == 2:
            values = rng.uniform(-1, 1, size=shape) * 10.0 ** rng.uniform(-8, 12, size=shape)
        elif kind == 3:
            values = np.round(rng.normal(size=shape), int(rng.integers(0, 5)))
        else:
            values = rng.normal(size=shape)
            flat = values.reshape(-1)
            for spot in rng.integers(0, flat.size, size=2):
                flat[spot] = rng.choice([np.nan, np.inf, -np.inf, 0.0, -0.0])
        precision = 8 if index % 3 else int(rng.integers(0, 12))
        add(f"random {index}", np.asarray(values, dtype=dtype), precision)


def fuzz_lines(count):
    """Random values drawn to hit every path of NumPy's Dragon4 digit generation."""
    lines = []
    while len(lines) < count:
        kind = len(lines) % 6
        if kind == 0:
            x = float(np.frombuffer(rng.bytes(8), dtype="<f8")[0])
        elif kind == 1:
            x = float(rng.uniform(1e-4, 1e8))
        elif kind == 2:
            x = float(rng.integers(1, 10**9)) / 10 ** int(rng.integers(0, 12))
        elif kind == 3:
            x = float(np.frombuffer(rng.bytes(4), dtype="<f4")[0])
        elif kind == 4:
            x = float(rng.normal()) * 10.0 ** int(rng.integers(-5, 9))
        else:
            x = float(np.float32(rng.uniform(1e-4, 1e6)))
        if not np.isfinite(x):
            continue
        dtype = np.float32 if kind in (3, 5) else np.float64
        precision = int(rng.choice([0, 1, 3, 8, 12, 17]))
        with np.errstate(over="ignore"):
            array = np.array([x] if len(lines) % 2 else [x, x * 1.5 + 1], dtype=dtype)
        values = " ".join(float(v).hex() for v in array)
        lines.append(f"{dtype.__name__} {precision} {values} | {np.array2string(array, precision=precision)}")
    return lines


def main():
    handwritten()
    random_cases()
    with open(FUZZ_OUT, "w") as f:
        f.write("\n".join(fuzz_lines(3000)) + "\n")
    with open(OUT, "w") as f:
        json.dump(cases, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
