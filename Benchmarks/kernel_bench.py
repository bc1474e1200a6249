"""Jupyter kernel speed, Hebb against ipykernel, through jupyter_client in one sitting:
start-up (process start to the first kernel_info_reply) and a trivial cell's round trip
(execute_request to execute_reply and idle). Medians; run on a quiet machine.

    .venv/bin/python Benchmarks/kernel_bench.py [--hebb .build/release/hebb] [--runs 5] [--cells 50]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import jupyter_client


def startup_seconds(kernel_name):
    """One start: from start_kernel to a kernel_info_reply, then a clean shutdown."""
    manager = jupyter_client.KernelManager(kernel_name=kernel_name)
    start = time.perf_counter()
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    elapsed = time.perf_counter() - start
    client.stop_channels()
    manager.shutdown_kernel(now=False)
    return elapsed


def round_trip_seconds(kernel_name, cells, code):
    """Median time of `cells` executions of `code`, each until its reply and idle status."""
    manager, client = jupyter_client.manager.start_new_kernel(kernel_name=kernel_name)
    try:
        client.execute_interactive(code, timeout=60, output_hook=lambda message: None)   # warm-up
        times = []
        for _ in range(cells):
            start = time.perf_counter()
            reply = client.execute_interactive(code, timeout=60, output_hook=lambda message: None)
            times.append(time.perf_counter() - start)
            assert reply["content"]["status"] == "ok", reply["content"]
        return statistics.median(times)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hebb", default=".build/release/hebb")
    parser.add_argument("--runs", type=int, default=5, help="start-ups per kernel")
    parser.add_argument("--cells", type=int, default=50, help="trivial cells per kernel")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as prefix:
        subprocess.run([arguments.hebb, "kernel", "install", "--prefix", prefix], check=True, stdout=subprocess.DEVNULL)
        os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        kernels = [("hebb", "1 + 1"), ("python3", "1 + 1")]
        results = {}
        for name, code in kernels:
            startups = [startup_seconds(name) for _ in range(arguments.runs)]
            trip = round_trip_seconds(name, arguments.cells, code)
            results[name] = (statistics.median(startups), trip)
            print(f"{name:8s} start-up to kernel_info_reply: {1000 * results[name][0]:8.1f} ms (median of {arguments.runs})"
                  f"   trivial cell round trip: {1000 * trip:6.2f} ms (median of {arguments.cells})")
        hebb, python = results["hebb"], results["python3"]
        print(f"hebb/ipykernel: start-up {hebb[0] / python[0]:.3f}x (target <= 0.1), round trip {hebb[1] / python[1]:.3f}x (target <= 1)")


if __name__ == "__main__":
    sys.exit(main())
