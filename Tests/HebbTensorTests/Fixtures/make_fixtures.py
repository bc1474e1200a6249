#!/usr/bin/env python3
"""NumPy reference outputs for every HebbTensor kernel in docs/tensor-api.md.

Writes kernels/<content hash>.npy (inputs and expected outputs, each distinct array once)
and kernels/index.json, which NumPyFixtureTests.swift walks: one case per entry, {"name",
"op", "params", "inputs", "expected" (a file, a list of files, or null), "error" (true when
the call is invalid and the kernel must throw), "rtol", "atol"}. Inputs are deterministic (fixed seed), so re-running
the script gives identical files. Convolution and pooling references are plain loops, written
from the definitions rather than with any NumPy convolution helper.

Semantics follow the contract where it differs from raw NumPy: comparisons give bool arrays
(as NumPy's do), argmax/argmin give float indices, integer labels are floats, and a `single`
index next to a `list` index drops its axis in place (the contract's per-axis rule, not
NumPy's "advanced indices go first" rule).
"""
import hashlib
import io
import itertools
import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "kernels")
rng = np.random.default_rng(12345)
cases = []

# Tolerances: exact for data movement, tight for one rounding, looser for sums and libm.
EXACT = (0.0, 0.0)
TIGHT = (1e-14, 1e-300)
LIBM = (1e-13, 1e-15)
SUMS = (1e-10, 1e-12)
F32 = (2e-5, 1e-6)


def save(array, role):
    """Saves under a name derived from the content, so arrays shared by cases are stored once."""
    array = np.array(array, order="C")  # (np.ascontiguousarray would make 0-d arrays 1-D)
    if array.dtype not in (np.float64, np.float32, np.bool_):
        array = array.astype(np.float64)
    buffer = io.BytesIO()
    np.save(buffer, array)
    data = buffer.getvalue()
    name = hashlib.sha1(data).hexdigest()[:12] + ".npy"
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    return name


def add(name, op, inputs, expected=None, params=None, tol=TIGHT, error=False):
    """Records one case; `expected` is an array, a list of arrays, or None with error=True."""
    entry = {"name": name, "op": op, "params": params or {}, "error": error,
             "inputs": [save(a, f"in{i}") for i, a in enumerate(inputs)]}
    if isinstance(expected, (list, tuple)):
        entry["expected"] = [save(e, f"out{i}") for i, e in enumerate(expected)]
    elif expected is not None:
        entry["expected"] = save(expected, "out")
    else:
        entry["expected"] = None
    if any(np.asarray(a).dtype == np.float32 for a in inputs) and tol not in (EXACT,):
        tol = (max(tol[0], F32[0]), max(tol[1], F32[1]))
    entry["rtol"], entry["atol"] = tol
    cases.append(entry)


def normal(*shape, dtype=np.float64):
    return rng.normal(size=shape).astype(dtype)


def dtype_name(dtype):
    return "float32" if np.dtype(dtype) == np.float32 else "float64"


# MARK: - creation

def creation():
    for shape in [[], [0], [3], [2, 3], [2, 0, 4]]:
        for dtype in (np.float64, np.float32):
            add(f"zeros {shape} {dtype_name(dtype)}", "zeros", [], np.zeros(shape, dtype),
                {"shape": shape, "dtype": dtype_name(dtype)}, EXACT)
            add(f"ones {shape} {dtype_name(dtype)}", "ones", [], np.ones(shape, dtype),
                {"shape": shape, "dtype": dtype_name(dtype)}, EXACT)
    for n in [0, 1, 4]:
        add(f"eye {n}", "eye", [], np.eye(n), {"n": n, "dtype": "float64"}, EXACT)
    add("eye 3 float32", "eye", [], np.eye(3, dtype=np.float32), {"n": 3, "dtype": "float32"}, EXACT)
    for start, stop, step in [(0, 5, 1), (0, 1, 0.1), (5, 0, -1), (1, 2, 0.3), (0.1, 1, 0.2),
                              (3, 3, 1), (3, 0, 1), (-2.5, 2.5, 0.5)]:
        add(f"arange {start} {stop} {step}", "arange", [], np.arange(start, stop, step, dtype=np.float64),
            {"start": start, "stop": stop, "step": step, "dtype": "float64"}, (1e-12, 1e-12))
    add("arange negative fractional step", "arange", [], np.arange(1, -1, -0.25),
        {"start": 1, "stop": -1, "step": -0.25, "dtype": "float64"}, (1e-12, 1e-12))
    add("arange zero step", "arange", [], None, {"start": 0, "stop": 1, "step": 0, "dtype": "float64"}, error=True)
    add("linspace float32", "linspace", [], np.linspace(0, 1, 5, dtype=np.float32),
        {"start": 0, "stop": 1, "count": 5, "dtype": "float32"}, EXACT)
    add("arange float32", "arange", [], np.arange(0, 1, 0.25, dtype=np.float32),
        {"start": 0, "stop": 1, "step": 0.25, "dtype": "float32"}, EXACT)
    for start, stop, count in [(0, 1, 5), (0, 1, 1), (0, 1, 0), (-3, 7, 11), (1, 0, 4), (0, 1, 7)]:
        add(f"linspace {start} {stop} {count}", "linspace", [], np.linspace(start, stop, count),
            {"start": start, "stop": stop, "count": count, "dtype": "float64"}, (1e-14, 1e-15))
    a = normal(3, 4)
    add("cast to float32", "cast", [a], a.astype(np.float32), {"dtype": "float32"}, EXACT)
    b = normal(2, 3, dtype=np.float32)
    add("cast to float64", "cast", [b], b.astype(np.float64), {"dtype": "float64"}, EXACT)
    add("reshape -1", "reshape", [a], a.reshape(2, -1), {"shape": [2, -1]}, EXACT)
    add("reshape to 1-D", "reshape", [a], a.reshape(-1), {"shape": [-1]}, EXACT)
    add("reshape bad", "reshape", [a], None, {"shape": [5, -1]}, error=True)


# MARK: - elementwise

BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "pow": np.power,
    "maximum": np.maximum, "minimum": np.minimum, "equal": np.equal, "notEqual": np.not_equal,
    "less": np.less, "lessEqual": np.less_equal, "greater": np.greater, "greaterEqual": np.greater_equal,
}
COMPARISONS = {"equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"}

# Shape pairs that broadcast, including the corner cases: scalars, size-1 axes on both
# sides, rank promotion, zero-size axes.
BROADCAST_PAIRS = [
    ([3, 4], [3, 4]), ([3, 4], [4]), ([4], [3, 4]), ([3, 1], [1, 4]), ([3, 4], []), ([], [3, 4]),
    ([], []), ([2, 1, 4], [3, 1]), ([1], [5]), ([5, 1, 1], [1, 2, 1]), ([0, 3], [3]), ([0, 3], [1, 3]),
    ([2, 3, 4], [2, 1, 4]), ([1, 1], [1]),
]
BAD_PAIRS = [([3, 4], [5]), ([2, 3], [3, 2]), ([0], [2])]


def binary_inputs(op, shape, dtype):
    a = normal(*shape, dtype=dtype) if shape else np.array(rng.normal(), dtype=dtype)
    if op == "pow":
        return np.abs(a) + dtype(0.5)
    if op in COMPARISONS:
        # Small integers so that equal elements really occur.
        return np.asarray(rng.integers(-2, 3, size=shape), dtype=dtype)
    if op == "div":
        return np.where(np.abs(a) < 0.1, dtype(0.5), a).astype(dtype)
    return a


def result(op, array, dtype):
    """A binary op's expected output: comparisons stay bool, the rest take the operands' dtype."""
    return array if op in COMPARISONS else array.astype(dtype)


def elementwise():
    with np.errstate(all="ignore"):
        for op, fn in BINARY.items():
            tol = EXACT if op in COMPARISONS or op in ("maximum", "minimum") else (LIBM if op == "pow" else TIGHT)
            for sa, sb in BROADCAST_PAIRS:
                a, b = binary_inputs(op, sa, np.float64), binary_inputs(op, sb, np.float64)
                add(f"{op} {sa} {sb}", "binary", [a, b], result(op, fn(a, b), np.float64), {"op": op}, tol)
            a, b = binary_inputs(op, [2, 3], np.float32), binary_inputs(op, [3], np.float32)
            add(f"{op} float32", "binary", [a, b], result(op, fn(a, b), np.float32), {"op": op}, tol)
            a = binary_inputs(op, [2, 3], np.float64)
            for scalar in [2.0, -0.5, 0.0]:
                if op == "pow" and scalar < 0:
                    scalar = 1.5
                if op == "div" and scalar == 0:
                    continue
                add(f"{op} tensor-scalar {scalar}", "binary_scalar_right", [a],
                    result(op, fn(a, scalar), np.float64), {"op": op, "scalar": scalar}, tol)
                b = np.abs(a) + 0.5 if op in ("div", "pow") else a
                add(f"{op} scalar-tensor {scalar}", "binary_scalar_left", [b],
                    result(op, fn(scalar, b), np.float64), {"op": op, "scalar": scalar}, tol)
            for sa, sb in BAD_PAIRS:
                add(f"{op} {sa} {sb} incompatible", "binary", [normal(*sa), normal(*sb)], None, {"op": op}, error=True)
        add("dtype mismatch", "binary", [normal(2), normal(2, dtype=np.float32)], None, {"op": "add"}, error=True)
        special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0])
        add("add special", "binary", [special, special[::-1].copy()], special + special[::-1], {"op": "add"}, EXACT)
        add("div by zero", "binary", [np.array([1.0, -1.0, 0.0]), np.zeros(3)], np.array([1.0, -1.0, 0.0]) / 0.0,
            {"op": "div"}, EXACT)
        add("maximum nan", "binary", [np.array([np.nan, 1.0]), np.array([0.0, np.nan])],
            np.maximum([np.nan, 1.0], [0.0, np.nan]), {"op": "maximum"}, EXACT)
        bases = np.array([-2.0, -2.0, 0.0, 0.0, 2.0, np.inf, 1.0, -1.0])
        powers = np.array([0.5, 3.0, -1.0, 0.0, -np.inf, -1.0, np.nan, np.inf])
        add("pow special", "binary", [bases, powers], np.power(bases, powers), {"op": "pow"}, EXACT)
        add("where nan mask", "where", [np.array([np.nan, 0.0, -0.0, 2.0]), np.ones(4), np.zeros(4)],
            np.where(np.array([np.nan, 0.0, -0.0, 2.0]) != 0, 1.0, 0.0), {}, EXACT)
        add("compare nan", "binary", [np.array([np.nan, 1.0]), np.array([np.nan, np.nan])],
            np.not_equal([np.nan, 1.0], [np.nan, np.nan]), {"op": "notEqual"}, EXACT)

        for (sa, sb) in BROADCAST_PAIRS + BAD_PAIRS:
            try:
                shape = list(np.broadcast_shapes(tuple(sa), tuple(sb)))
            except ValueError:
                shape = None
            cases.append({"name": f"broadcastShapes {sa} {sb}", "op": "broadcast_shapes", "inputs": [],
                          "params": {"a": sa, "b": sb, "result": shape}, "expected": None, "error": False,
                          "rtol": 0.0, "atol": 0.0})
    unary()
    broadcasting()


UNARY = {
    "neg": np.negative, "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "abs": np.abs, "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "relu": lambda x: np.maximum(x, 0), "sign": np.sign,
    "square": np.square, "reciprocal": lambda x: 1 / x, "sin": np.sin, "cos": np.cos, "floor": np.floor,
    "round": np.round, "isPositive": lambda x: (x > 0).astype(x.dtype),
    "log1p": np.log1p, "expm1": np.expm1, "softplus": lambda x: np.logaddexp(x, 0),
}


def unary():
    general = np.concatenate([rng.normal(size=20) * 3, [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.0, -0.0, 30.0, -30.0]])
    positive = np.abs(general) + 1e-3
    with np.errstate(all="ignore"):
        for op, fn in UNARY.items():
            source = positive if op in ("log", "sqrt", "log1p") else general
            exact = op in ("neg", "abs", "relu", "sign", "floor", "round", "isPositive", "square")
            tol = EXACT if exact else (TIGHT if op == "reciprocal" else LIBM)
            add(f"{op}", "unary", [source.reshape(3, 10)], fn(source.reshape(3, 10)), {"op": op}, tol)
            f32 = source[:12].astype(np.float32).reshape(2, 2, 3)
            add(f"{op} float32", "unary", [f32], fn(f32).astype(np.float32), {"op": op}, tol)
            add(f"{op} 0-d", "unary", [np.array(0.75)], np.asarray(fn(np.array(0.75))), {"op": op}, tol)
            add(f"{op} empty", "unary", [np.zeros((0, 2))], np.zeros((0, 2)), {"op": op}, EXACT)
        special = np.array([np.inf, -np.inf, 0.0, -0.0, -1.0, 1000.0, -1000.0, 710.0])
        for op in ("exp", "log", "sqrt", "tanh", "sigmoid", "reciprocal", "sign", "abs", "relu", "log1p", "expm1", "softplus"):
            add(f"{op} special values", "unary", [special], UNARY[op](special), {"op": op}, LIBM)


def broadcasting():
    for source, target in [([4], [3, 4]), ([3, 1], [3, 4]), ([], [2, 2]), ([1, 1], [2, 3, 4]), ([2, 3], [2, 3])]:
        a = normal(*source) if source else np.array(1.25)
        add(f"broadcast {source} to {target}", "broadcast_to", [a], np.broadcast_to(a, target), {"shape": target}, EXACT)
    add("broadcast bad", "broadcast_to", [normal(3)], None, {"shape": [4]}, error=True)
    for source, target in [([3, 4], [4]), ([3, 4], [3, 1]), ([3, 4], []), ([2, 3, 4], [3, 1]),
                           ([2, 3, 4], [1, 1, 4]), ([3, 4], [3, 4]), ([5, 1, 3], [1, 1])]:
        a = normal(*source)
        lead = len(source) - len(target)
        summed = a.sum(axis=tuple(range(lead))) if lead else a
        axes = tuple(i for i, n in enumerate(target) if n == 1 and summed.shape[i] != 1)
        summed = summed.sum(axis=axes, keepdims=True) if axes else summed
        add(f"sumToShape {source} to {target}", "sum_to_shape", [a], np.asarray(summed).reshape(target),
            {"shape": target}, SUMS)
    x, y = normal(3, 4), normal(3, 4)
    for alpha in [0.5, -2.0, 0.0]:
        add(f"axpy {alpha}", "axpy", [x, y], y + alpha * x, {"alpha": alpha}, TIGHT)
    add("axpy shapes differ", "axpy", [normal(3), normal(4)], None, {"alpha": 1.0}, error=True)
    mask = (rng.uniform(size=(3, 4)) > 0.5).astype(float)
    a, b = normal(3, 4), normal(4)
    add("where broadcast", "where", [mask, a, b], np.where(mask != 0, a, b), {}, EXACT)
    add("where scalar mask", "where", [np.array(0.0), a, b], np.where(0.0, a, b), {}, EXACT)
    add("where bad", "where", [mask, normal(2), b], None, {}, error=True)


# MARK: - reductions

def reductions():
    a = normal(3, 4, 5)
    a[1, 2, :] = 2.5  # ties: argmax/argmin must pick the first
    a[0, :, 3] = -2.5
    with np.errstate(all="ignore"):
        for op in ("sum", "mean", "max", "min", "argmax", "argmin"):
            fn = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min,
                  "argmax": np.argmax, "argmin": np.argmin}[op]
            tol = SUMS if op in ("sum", "mean") else EXACT
            for axis in [None, 0, 1, 2, -1, -3]:
                for keep in (False, True):
                    if op in ("argmax", "argmin") and axis is None and keep:
                        continue  # NumPy's keepdims argmax over everything is not in the contract
                    expected = fn(a, axis=axis, keepdims=keep) if op not in ("argmax", "argmin") or axis is not None \
                        else fn(a)
                    add(f"{op} axis {axis} keep {keep}", "reduce", [a], np.asarray(expected, dtype=np.float64),
                        {"op": op, "axis": axis, "keepDims": keep}, tol)
            m = normal(4, 6, dtype=np.float32)
            add(f"{op} float32", "reduce", [m], np.asarray(fn(m, axis=0), dtype=np.float32),
                {"op": op, "axis": 0, "keepDims": False}, tol)
            add(f"{op} 0-d", "reduce", [np.array(1.5)], np.asarray(fn(np.array(1.5)), dtype=np.float64),
                {"op": op, "axis": None, "keepDims": False}, tol)
            add(f"{op} bad axis", "reduce", [a], None, {"op": op, "axis": 3, "keepDims": False}, error=True)
        big = rng.normal(size=10007) + 1e3
        add("sum long", "reduce", [big], np.asarray(big.sum()), {"op": "sum", "axis": None, "keepDims": False}, SUMS)
        add("mean long", "reduce", [big], np.asarray(big.mean()), {"op": "mean", "axis": 0, "keepDims": False}, SUMS)
        empty = np.zeros((0, 3))
        add("sum empty axis", "reduce", [empty], empty.sum(axis=0), {"op": "sum", "axis": 0, "keepDims": False}, EXACT)
        add("sum empty all", "reduce", [empty], np.asarray(0.0), {"op": "sum", "axis": None, "keepDims": False}, EXACT)
        for op in ("max", "min", "argmax", "argmin"):
            add(f"{op} empty axis", "reduce", [empty], None, {"op": op, "axis": 0, "keepDims": False}, error=True)
        withnan = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]])
        add("max with nan", "reduce", [withnan], np.max(withnan, axis=1), {"op": "max", "axis": 1, "keepDims": False}, EXACT)
        add("min with nan", "reduce", [withnan], np.min(withnan, axis=1), {"op": "min", "axis": 1, "keepDims": False}, EXACT)
        # NumPy's argmax/argmin report the first NaN, consistent with max/min propagating it.
        add("argmax with nan", "reduce", [withnan], np.argmax(withnan, axis=1).astype(float),
            {"op": "argmax", "axis": 1, "keepDims": False}, EXACT)
        add("argmin with nan", "reduce", [withnan], np.argmin(withnan, axis=1).astype(float),
            {"op": "argmin", "axis": 1, "keepDims": False}, EXACT)
        long32 = (rng.normal(size=30011) + 100).astype(np.float32)
        add("sum float32 long", "reduce", [long32], np.asarray(long32.sum(dtype=np.float64), dtype=np.float32),
            {"op": "sum", "axis": None, "keepDims": False}, F32)
        add("mean float32 long", "reduce", [long32], np.asarray(long32.mean(dtype=np.float64), dtype=np.float32),
            {"op": "mean", "axis": 0, "keepDims": False}, F32)
        rows32 = (rng.normal(size=(3, 20000)) + 10).astype(np.float32)
        add("sum float32 long rows", "reduce", [rows32], rows32.sum(axis=1, dtype=np.float64).astype(np.float32),
            {"op": "sum", "axis": 1, "keepDims": False}, F32)
        add("sum with nan", "reduce", [withnan], np.sum(withnan, axis=0), {"op": "sum", "axis": 0, "keepDims": False}, EXACT)


# MARK: - linear algebra

def linear_algebra():
    for (m, k, n) in [(3, 4, 5), (1, 1, 1), (7, 3, 2), (16, 33, 9)]:
        for ta in (False, True):
            for tb in (False, True):
                a = normal(k, m) if ta else normal(m, k)
                b = normal(n, k) if tb else normal(k, n)
                expected = (a.T if ta else a) @ (b.T if tb else b)
                add(f"matmul {m}x{k}x{n} tA {ta} tB {tb}", "matmul", [a, b], expected,
                    {"transposeA": ta, "transposeB": tb}, SUMS)
    v, w, M = normal(4), normal(4), normal(4, 3)
    add("matmul vector-matrix", "matmul", [v, M], v @ M, {}, SUMS)
    add("matmul matrix-vector", "matmul", [M.T.copy(), v], M.T @ v, {}, SUMS)
    add("matmul dot", "matmul", [v, w], np.asarray(v @ w), {}, SUMS)
    add("matmul matrix-vector transposed", "matmul", [M, v], M.T @ v, {"transposeA": True}, SUMS)
    u = normal(3)
    add("matmul vector times transposed matrix", "matmul", [u, M], u @ M.T, {"transposeB": True}, SUMS)
    big_a, big_b = normal(70, 64), normal(50, 64)
    add("matmul 64x70x50 tB", "matmul", [big_a, big_b], big_a @ big_b.T, {"transposeB": True}, SUMS)
    add("transpose 0-d", "transpose", [np.array(2.0)], np.array(2.0), {"axes": None}, EXACT)
    f32a, f32b = normal(5, 6, dtype=np.float32), normal(6, 2, dtype=np.float32)
    add("matmul float32", "matmul", [f32a, f32b], f32a @ f32b, {}, F32)
    add("matmul empty inner", "matmul", [np.zeros((3, 0)), np.zeros((0, 2))], np.zeros((3, 2)), {}, EXACT)
    add("matmul misaligned", "matmul", [normal(3, 4), normal(5, 2)], None, {}, error=True)
    add("matmul 3-D", "matmul", [normal(2, 3, 4), normal(4, 2)], None, {}, error=True)
    add("matmul vector-matrix misaligned", "matmul", [normal(3), M], None, {}, error=True)
    for shape, axes in [([3, 4], None), ([2, 3, 4], None), ([2, 3, 4], [1, 0, 2]), ([2, 3, 4], [2, 0, 1]),
                        ([5], None), ([2, 3, 4], [-1, 0, 1]), ([1, 3, 1], [2, 1, 0])]:
        a = normal(*shape)
        add(f"transpose {shape} {axes}", "transpose", [a], np.transpose(a, axes), {"axes": axes}, EXACT)
    add("transpose bad axes", "transpose", [normal(2, 3)], None, {"axes": [0, 0]}, error=True)
    a, b = normal(3), normal(4)
    add("outer", "outer", [a, b], np.outer(a, b), {}, TIGHT)


# MARK: - indexing

def spec_json(spec):
    if spec == "all":
        return {"kind": "all"}
    if isinstance(spec, int):
        return {"kind": "single", "index": spec}
    if isinstance(spec, list):
        return {"kind": "list", "indices": spec}
    start, stop, step = spec
    return {"kind": "range", "start": start, "stop": stop, "step": step}


def apply_specs(a, specs):
    """The contract's per-axis indexing: basic indexing everywhere, then the (single) list
    index as a gather on its own axis after earlier single indices have dropped theirs."""
    basic, list_axis, list_indices, dropped_before = [], None, None, 0
    for axis, spec in enumerate(specs):
        if isinstance(spec, list):
            list_axis, list_indices = axis - dropped_before, spec
            basic.append(slice(None))
        elif isinstance(spec, int):
            basic.append(spec)
            if list_axis is None:
                dropped_before += 1
        elif spec == "all":
            basic.append(slice(None))
        else:
            basic.append(slice(*spec))
    result = a[tuple(basic)]
    if list_axis is not None:
        result = np.take(result, list_indices, axis=list_axis)
    return np.array(result, order="C")


def indexing():
    a = normal(5, 4, 3)
    good = [
        [1], [-1], [(1, 4, None)], [(None, None, -1)], [(4, 0, -2)], [(-2, None, None)], [(None, 100, None)],
        [(10, 20, None)], [(3, 1, None)], ["all", 2], ["all", (None, None, -1), -1], [2, 3, 1], [-5, -4, -3],
        [[0, 2, 2, 4]], [[-1, 0]], ["all", [3, 0]], [1, [2, 0]], [[4, 1], 2], [(None, None, 2), [0, 0], (1, None, None)],
        [[]], [(None, None, -3), "all", (2, None, -1)], [(1, 2, None)],
    ]
    for specs in good:
        add(f"slice {specs}", "slice", [a], apply_specs(a, specs), {"specs": [spec_json(s) for s in specs]}, EXACT)
    add("slice no specs", "slice", [a], a, {"specs": []}, EXACT)
    add("slice 0-d", "slice", [np.array(3.0)], np.array(3.0), {"specs": []}, EXACT)
    bad = [[5], [-6], ["all", 4], [[0, 5]], [(None, None, 0)], [1, 1, 1, 1], [[0], [0]]]
    for specs in bad:
        add(f"slice {specs} error", "slice", [a], None, {"specs": [spec_json(s) for s in specs]}, error=True)
    m = normal(6, 4)
    for specs, value_shape in [([(1, 3, None)], [2, 4]), ([(1, 3, None)], [4]), (["all", 1], []),
                               ([[0, 5, 2]], [3, 4]), ([[-1, 0]], [2, 4]), ([(None, None, -2), (1, None, None)], [3, 3]), ([2], [1])]:
        value = normal(*value_shape) if value_shape else np.array(7.0)
        target = m.copy()
        view_shape = apply_specs(m, specs).shape
        fill = np.broadcast_to(value, view_shape)
        assign_into(target, specs, fill)
        add(f"sliceAssign {specs}", "slice_assign", [m, value], target,
            {"specs": [spec_json(s) for s in specs]}, EXACT)
    for specs, value_shape in [([[0, 2, 0, 0]], [4, 4]), ([(None, None, 2)], [4]), (["all", [1, 1]], [6, 2]),
                               ([3, (None, 2, None)], [2]), ([[5, 5, 5]], [4])]:
        value = normal(*value_shape)
        target = m.copy()
        add_into(target, specs, np.broadcast_to(value, apply_specs(m, specs).shape))
        add(f"sliceAdd {specs}", "slice_add", [m, value], target, {"specs": [spec_json(s) for s in specs]}, TIGHT)
    add("sliceAssign bad value", "slice_assign", [m, normal(3)], None,
        {"specs": [spec_json((1, 3, None))]}, error=True)
    joining()


def assign_into(target, specs, fill):
    # Element by element over the selection so the contract's axis order is kept exactly.
    positions = selection_positions(target.shape, specs)
    for out_index, source in zip(np.ndindex(*fill.shape) if fill.shape else [()], positions):
        target[source] = fill[out_index]


def add_into(target, specs, values):
    positions = selection_positions(target.shape, specs)
    for out_index, source in zip(np.ndindex(*values.shape) if values.shape else [()], positions):
        target[source] += values[out_index]


def selection_positions(shape, specs):
    """Source positions of the selection, in the row-major order of the result."""
    per_axis = []
    for axis, n in enumerate(shape):
        spec = specs[axis] if axis < len(specs) else "all"
        if spec == "all":
            per_axis.append((list(range(n)), True))
        elif isinstance(spec, int):
            per_axis.append(([spec % n], False))
        elif isinstance(spec, list):
            per_axis.append(([i % n for i in spec], True))
        else:
            per_axis.append((list(range(n))[slice(*spec)], True))
    return [tuple(p) for p in itertools.product(*[positions for positions, _ in per_axis])]


def joining():
    a, b, c = normal(2, 3), normal(2, 3), normal(2, 3)
    for axis in (0, 1, -1, -2):
        add(f"concat axis {axis}", "concat", [a, b, c], np.concatenate([a, b, c], axis=axis), {"axis": axis}, EXACT)
        add(f"stack axis {axis}", "stack", [a, b, c], np.stack([a, b, c], axis=axis), {"axis": axis}, EXACT)
    add("stack axis 2", "stack", [a, b], np.stack([a, b], axis=2), {"axis": 2}, EXACT)
    add("stack axis -3", "stack", [a, b], np.stack([a, b], axis=-3), {"axis": -3}, EXACT)
    d = normal(4, 3)
    add("concat uneven rows", "concat", [a, d], np.concatenate([a, d]), {"axis": 0}, EXACT)
    add("concat with empty", "concat", [a, np.zeros((0, 3))], a, {"axis": 0}, EXACT)
    v, w = normal(2), normal(3)
    add("concat 1-D", "concat", [v, w], np.concatenate([v, w]), {"axis": 0}, EXACT)
    add("stack scalars", "stack", [np.array(1.0), np.array(2.0)], np.stack([1.0, 2.0]), {"axis": 0}, EXACT)
    add("concat mismatch", "concat", [a, normal(2, 4)], None, {"axis": 0}, error=True)
    add("stack mismatch", "stack", [a, d], None, {"axis": 0}, error=True)
    add("concat bad axis", "concat", [a, b], None, {"axis": 2}, error=True)
    add("concat 0-d", "concat", [np.array(1.0), np.array(2.0)], None, {"axis": 0}, error=True)
    labels = np.array([0.0, 2.0, 1.0, 2.0, 3.0])
    add("onehot", "onehot", [labels], np.eye(4)[labels.astype(int)], {"classes": 4, "dtype": "float64"}, EXACT)
    add("onehot float32", "onehot", [labels], np.eye(5, dtype=np.float32)[labels.astype(int)],
        {"classes": 5, "dtype": "float32"}, EXACT)
    add("onehot empty", "onehot", [np.zeros(0)], np.zeros((0, 3)), {"classes": 3, "dtype": "float64"}, EXACT)
    add("onehot out of range", "onehot", [np.array([0.0, 4.0])], None, {"classes": 4, "dtype": "float64"}, error=True)
    add("onehot negative", "onehot", [np.array([-1.0])], None, {"classes": 4, "dtype": "float64"}, error=True)
    add("onehot fractional", "onehot", [np.array([1.5])], None, {"classes": 4, "dtype": "float64"}, error=True)
    # The contract asks for 1-D labels; the kernel also takes n-d labels the NumPy way (eye[labels]).
    grid = np.array([[0.0, 3.0], [2.0, 2.0]])
    add("onehot 2-D", "onehot", [grid], np.eye(4)[grid.astype(int)], {"classes": 4, "dtype": "float64"}, EXACT)
    add("onehot nan", "onehot", [np.array([np.nan])], None, {"classes": 4, "dtype": "float64"}, error=True)


# MARK: - softmax

def softmax_ref(x, axis):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax_ref(x, axis):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax():
    a = normal(3, 4, 5) * 3
    for axis in (0, 1, 2, -1):
        add(f"softmax axis {axis}", "softmax", [a], softmax_ref(a, axis), {"axis": axis}, LIBM)
        add(f"logSoftmax axis {axis}", "log_softmax", [a], log_softmax_ref(a, axis), {"axis": axis}, LIBM)
    extreme = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 999.0]])
    for axis in (0, 1):
        add(f"softmax extreme axis {axis}", "softmax", [extreme], softmax_ref(extreme, axis), {"axis": axis}, LIBM)
        add(f"logSoftmax extreme axis {axis}", "log_softmax", [extreme], log_softmax_ref(extreme, axis),
            {"axis": axis}, LIBM)
    with np.errstate(all="ignore"):
        masked = np.array([[-np.inf, 0.0, 1.0], [2.0, -np.inf, -np.inf]])
        add("softmax with -inf", "softmax", [masked], softmax_ref(masked, 1), {"axis": 1}, LIBM)
        add("logSoftmax with -inf", "log_softmax", [masked], log_softmax_ref(masked, 1), {"axis": 1}, LIBM)
    extreme32 = extreme.astype(np.float32)
    add("softmax extreme float32", "softmax", [extreme32], softmax_ref(extreme32, 1), {"axis": 1}, F32)
    add("logSoftmax extreme float32", "log_softmax", [extreme32], log_softmax_ref(extreme32, 1), {"axis": 1}, F32)
    f32 = (normal(4, 10) * 5).astype(np.float32)
    add("softmax float32", "softmax", [f32], softmax_ref(f32, 1), {"axis": 1}, F32)
    add("logSoftmax float32", "log_softmax", [f32], log_softmax_ref(f32, 1), {"axis": 1}, F32)
    v = normal(7)
    add("softmax 1-D", "softmax", [v], softmax_ref(v, 0), {"axis": 0}, LIBM)
    add("softmax bad axis", "softmax", [v], None, {"axis": 1}, error=True)


# MARK: - convolution and pooling (plain loops)

def pad_input(x, padding):
    n, c, h, w = x.shape
    padded = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=x.dtype)
    padded[:, :, padding:padding + h, padding:padding + w] = x
    return padded


def conv2d_ref(x, w, stride, padding):
    n, c, h, wd = x.shape
    o, c2, kh, kw = w.shape
    assert c == c2
    xp = pad_input(x, padding)
    oh, ow = (h + 2 * padding - kh) // stride + 1, (wd + 2 * padding - kw) // stride + 1
    out = np.zeros((n, o, oh, ow), dtype=x.dtype)
    for b in range(n):
        for f in range(o):
            for i in range(oh):
                for j in range(ow):
                    total = 0.0
                    for ch in range(c):
                        for di in range(kh):
                            for dj in range(kw):
                                total += xp[b, ch, i * stride + di, j * stride + dj] * w[f, ch, di, dj]
                    out[b, f, i, j] = total
    return out


def conv2d_backward_ref(x, w, grad, stride, padding):
    """Gradients of sum(grad * conv2d(x, w)) with respect to x and w, by the same loops."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = pad_input(x, padding)
    gxp = np.zeros_like(xp)
    gw = np.zeros_like(w)
    _, _, oh, ow = grad.shape
    for b in range(n):
        for f in range(o):
            for i in range(oh):
                for j in range(ow):
                    g = grad[b, f, i, j]
                    for ch in range(c):
                        for di in range(kh):
                            for dj in range(kw):
                                gxp[b, ch, i * stride + di, j * stride + dj] += g * w[f, ch, di, dj]
                                gw[f, ch, di, dj] += g * xp[b, ch, i * stride + di, j * stride + dj]
    return gxp[:, :, padding:padding + h, padding:padding + wd], gw


def maxpool_ref(x, size, stride):
    n, c, h, w = x.shape
    oh, ow = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.zeros((n, c, oh, ow), dtype=x.dtype)
    where = {}
    for b in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    best, best_at = -np.inf, None
                    for di in range(size):
                        for dj in range(size):
                            value = x[b, ch, i * stride + di, j * stride + dj]
                            if best_at is None or value > best:
                                best, best_at = value, (i * stride + di, j * stride + dj)
                    out[b, ch, i, j] = best
                    where[(b, ch, i, j)] = best_at
    return out, where


def maxpool_backward_ref(x, grad, where):
    gx = np.zeros_like(x)
    for (b, ch, i, j), (si, sj) in where.items():
        gx[b, ch, si, sj] += grad[b, ch, i, j]
    return gx


def convolution():
    configs = [((1, 1, 5, 5), (1, 1, 3, 3), 1, 0), ((2, 3, 6, 7), (4, 3, 3, 3), 1, 1), ((2, 2, 7, 7), (3, 2, 3, 3), 2, 0),
               ((1, 3, 8, 8), (2, 3, 5, 5), 1, 2), ((2, 1, 6, 6), (2, 1, 2, 2), 2, 0), ((1, 2, 5, 6), (2, 2, 1, 1), 1, 0),
               ((1, 1, 4, 4), (1, 1, 3, 3), 3, 1)]
    for xs, ws, stride, padding in configs:
        x, w = normal(*xs), normal(*ws)
        out = conv2d_ref(x, w, stride, padding)
        params = {"stride": stride, "padding": padding}
        add(f"conv2d x{list(xs)} w{list(ws)} s{stride} p{padding}", "conv2d", [x, w], out, params, SUMS)
        grad = normal(*out.shape)
        gx, gw = conv2d_backward_ref(x, w, grad, stride, padding)
        add(f"conv2dBackwardInput x{list(xs)} w{list(ws)} s{stride} p{padding}", "conv2d_backward_input", [grad, w], gx,
            dict(params, inputShape=list(xs)), SUMS)
        add(f"conv2dBackwardFilter x{list(xs)} w{list(ws)} s{stride} p{padding}", "conv2d_backward_filter", [grad, x],
            gw, dict(params, filterShape=list(ws)), SUMS)
    x32, w32 = normal(1, 2, 5, 5, dtype=np.float32), normal(3, 2, 3, 3, dtype=np.float32)
    add("conv2d float32", "conv2d", [x32, w32], conv2d_ref(x32.astype(float), w32.astype(float), 1, 1).astype(np.float32),
        {"stride": 1, "padding": 1}, F32)
    add("conv2d channel mismatch", "conv2d", [normal(1, 2, 5, 5), normal(1, 3, 3, 3)], None,
        {"stride": 1, "padding": 0}, error=True)
    add("conv2d filter too big", "conv2d", [normal(1, 1, 2, 2), normal(1, 1, 3, 3)], None,
        {"stride": 1, "padding": 0}, error=True)
    add("conv2d 3-D input", "conv2d", [normal(1, 5, 5), normal(1, 1, 3, 3)], None, {"stride": 1, "padding": 0}, error=True)
    add("conv2d zero stride", "conv2d", [normal(1, 1, 5, 5), normal(1, 1, 3, 3)], None, {"stride": 0, "padding": 0},
        error=True)
    for xs, size, stride in [((1, 1, 4, 4), 2, 2), ((2, 3, 6, 6), 2, 2), ((1, 2, 7, 7), 3, 2), ((2, 2, 5, 6), 2, 1),
                             ((1, 1, 5, 5), 2, 2)]:
        x = normal(*xs)  # continuous values: no ties inside a window
        out, where = maxpool_ref(x, size, stride)
        params = {"size": size, "stride": stride}
        add(f"maxPool2d x{list(xs)} k{size} s{stride}", "maxpool2d", [x], out, params, EXACT)
        grad = normal(*out.shape)
        add(f"maxPool2dBackward x{list(xs)} k{size} s{stride}", "maxpool2d_backward", [x, grad],
            maxpool_backward_ref(x, grad, where), params, TIGHT)
    add("maxPool2d window too big", "maxpool2d", [normal(1, 1, 2, 2)], None, {"size": 3, "stride": 1}, error=True)


# MARK: - per-side padding, a stride per axis, average pooling, np.pad

def conv2d_sides_ref(x, w, stride, padding):
    """conv2d by loops with stride (sh, sw) and zero padding ((top, bottom), (left, right)),
    the padding made with np.pad; returns the output and a function giving the input and
    filter gradients of sum(grad * output)."""
    (sh, sw), ((top, bottom), (left, right)) = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    n, c, hp, wp = xp.shape
    o, _, kh, kw = w.shape
    oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    out = np.zeros((n, o, oh, ow))
    for b, f, i, j in itertools.product(range(n), range(o), range(oh), range(ow)):
        out[b, f, i, j] = np.sum(xp[b, :, i * sh:i * sh + kh, j * sw:j * sw + kw] * w[f])

    def backward(grad):
        gxp, gw = np.zeros_like(xp), np.zeros_like(w)
        for b, f, i, j in itertools.product(range(n), range(o), range(oh), range(ow)):
            gxp[b, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += grad[b, f, i, j] * w[f]
            gw[f] += grad[b, f, i, j] * xp[b, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
        return gxp[:, :, top:top + x.shape[2], left:left + x.shape[3]], gw
    return out, backward


def tf_same_padding(extent, kernel, stride):
    """TensorFlow's SAME rule (tf.nn.convolution docs): out = ceil(in / stride), the padding
    split evenly with the odd one after."""
    out = -(-extent // stride)
    total = max((out - 1) * stride + kernel - extent, 0)
    return (total // 2, total - total // 2)


def avgpool_ref(x, size, stride):
    n, c, h, w = x.shape
    oh, ow = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.zeros((n, c, oh, ow))
    for b, ch, i, j in itertools.product(range(n), range(c), range(oh), range(ow)):
        out[b, ch, i, j] = x[b, ch, i * stride:i * stride + size, j * stride:j * stride + size].mean()
    return out


def avgpool_backward_ref(x, grad, size, stride):
    gx = np.zeros_like(x)
    _, _, oh, ow = grad.shape
    for b, ch, i, j in itertools.product(range(x.shape[0]), range(x.shape[1]), range(oh), range(ow)):
        gx[b, ch, i * stride:i * stride + size, j * stride:j * stride + size] += grad[b, ch, i, j] / size ** 2
    return gx


def convolution_layouts():
    configs = [((1, 2, 6, 5), (2, 2, 2, 3), (1, 1), ((0, 1), (1, 1))),
               ((2, 1, 7, 6), (3, 1, 3, 2), (2, 3), ((1, 2), (0, 3))),
               ((1, 3, 5, 5), (2, 3, 3, 3), (1, 2), ((2, 2), (0, 0)))]
    # TensorFlow's SAME for even kernels and strides, where it is asymmetric.
    for xs, ws, stride in [((1, 2, 5, 5), (2, 2, 2, 2), (1, 1)), ((2, 1, 7, 6), (2, 1, 3, 3), (2, 2)),
                           ((1, 1, 6, 8), (1, 1, 4, 3), (3, 2))]:
        padding = (tf_same_padding(xs[2], ws[2], stride[0]), tf_same_padding(xs[3], ws[3], stride[1]))
        configs.append((xs, ws, stride, padding))
    for xs, ws, stride, padding in configs:
        x, w = normal(*xs), normal(*ws)
        out, backward = conv2d_sides_ref(x, w, stride, padding)
        params = {"stride": list(stride), "padding": [list(p) for p in padding]}
        label = f"x{list(xs)} w{list(ws)} s{list(stride)} p{params['padding']}"
        add(f"conv2d {label}", "conv2d", [x, w], out, params, SUMS)
        grad = normal(*out.shape)
        gx, gw = backward(grad)
        add(f"conv2dBackwardInput {label}", "conv2d_backward_input", [grad, w], gx, dict(params, inputShape=list(xs)), SUMS)
        add(f"conv2dBackwardFilter {label}", "conv2d_backward_filter", [grad, x], gw, dict(params, filterShape=list(ws)),
            SUMS)
    for xs, size, stride in [((1, 1, 4, 4), 2, 2), ((2, 3, 5, 5), 3, 1), ((1, 2, 7, 6), 2, 3)]:
        x = normal(*xs)
        out = avgpool_ref(x, size, stride)
        params = {"size": size, "stride": stride}
        add(f"avgPool2d x{list(xs)} k{size} s{stride}", "avgpool2d", [x], out, params, SUMS)
        grad = normal(*out.shape)
        add(f"avgPool2dBackward x{list(xs)} k{size} s{stride}", "avgpool2d_backward", [grad], avgpool_backward_ref(x, grad, size, stride),
            dict(params, inputShape=list(xs)), SUMS)
    for xs, widths, value in [((3, 4), ((1, 2), (0, 3)), 0.0), ((2,), ((3, 0),), 1.5),
                              ((1, 2, 3, 3), ((0, 0), (1, 0), (2, 1), (0, 2)), -2.0)]:
        x = normal(*xs)
        params = {"widths": [list(p) for p in widths], "value": value}
        add(f"pad x{list(xs)} {params['widths']} value {value}", "pad", [x], np.pad(x, widths, constant_values=value),
            params, EXACT)
    add("pad negative width", "pad", [normal(2, 2)], None, {"widths": [[1, -1], [0, 0]], "value": 0.0}, error=True)
    add("pad wrong count", "pad", [normal(2, 2)], None, {"widths": [[1, 1]], "value": 0.0}, error=True)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    creation()
    elementwise()
    reductions()
    linear_algebra()
    indexing()
    softmax()
    convolution()
    convolution_layouts()
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump({"generator": "Tests/HebbTensorTests/Fixtures/make_fixtures.py", "numpy": np.__version__,
                   "cases": cases}, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, name)) for name in os.listdir(OUT))
    print(f"{len(cases)} cases, {len(os.listdir(OUT))} files, {total} bytes")


if __name__ == "__main__":
    main()
