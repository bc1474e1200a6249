#!/usr/bin/env python3
"""Writes the small .npy files that NPYTests loads: one per header version and dtype the
loader accepts, plus the ones it must refuse. Run from anywhere; output goes to ./npy beside
this script. Deterministic: re-running gives byte-identical files."""
import os
import numpy as np
from numpy.lib import format as npformat

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "npy")


def save(name, array, version=None):
    with open(os.path.join(OUT, name), "wb") as f:
        npformat.write_array(f, array, version=version, allow_pickle=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    base = np.array([[1.5, -2.0, 3.25], [0.0, 1e-300, -np.inf]])
    save("f8_2x3.npy", base)
    save("f4_4.npy", np.array([0.1, -1.0, 3.5, 1e30], dtype="<f4"))
    save("i4_2x2.npy", np.array([[1, -2], [2147483647, -2147483648]], dtype="<i4"))
    save("i8_3.npy", np.array([0, -5, 2**53], dtype="<i8"))
    save("u1_2x2.npy", np.array([[0, 255], [17, 3]], dtype="|u1"))
    save("b1_3.npy", np.array([True, False, True]))
    save("scalar.npy", np.array(42.5))
    save("empty_0x3.npy", np.zeros((0, 3)))
    save("f8_v2.npy", base, version=(2, 0))
    save("f8_v3.npy", base, version=(3, 0))
    save("f8_3d.npy", np.arange(24, dtype="<f8").reshape(2, 3, 4))
    # Refused: Fortran order, big-endian, complex, structured.
    save("fortran.npy", np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    save("bigendian.npy", np.arange(3, dtype=">f8"))
    save("complex.npy", np.array([1 + 2j]))
    save("structured.npy", np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")]))


if __name__ == "__main__":
    main()
