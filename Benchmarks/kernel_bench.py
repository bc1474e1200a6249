"""Jupyter kernel speed, Hebb against ipykernel, through jupyter_client in one sitting:
start-up (process start to the first kernel_info_reply) and a trivial cell's round trip
(execute_request to execute_reply and idle). Medians; run on a quiet machine.

    .venv/bin/python Benchmarks/kernel_bench.py [--hebb .build/release/hebb] [--runs 5] [--cells 50]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import queue
import socket
import tempfile
import time

import jupyter_client


def startup_seconds(kernel_name):
    """One start: from start_kernel to the first kernel_info_reply, then a clean shutdown.
    Not client.wait_for_ready(): after the reply it waits for 0.2 s of IOPub silence, a
    floor of the client's that would hide the kernel's own start-up. The request is re-sent
    every 10 ms until the kernel's sockets are bound and one is answered."""
    manager = jupyter_client.KernelManager(kernel_name=kernel_name)
    start = time.perf_counter()
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    elapsed = None
    while elapsed is None and time.perf_counter() - start < 60:
        msg_id = client.kernel_info()
        deadline = time.perf_counter() + 0.01
        while time.perf_counter() < deadline:
            try:
                reply = client.get_shell_msg(timeout=0.002)
            except queue.Empty:
                continue
            if reply["msg_type"] == "kernel_info_reply":
                elapsed = time.perf_counter() - start
                break
    client.stop_channels()
    manager.shutdown_kernel(now=False)
    if elapsed is None:
        raise RuntimeError(f"{kernel_name}: no kernel_info_reply within 60 s")
    return elapsed

def bind_seconds(argv):
    """From spawning `argv + [connection file]` until the kernel's shell port accepts a TCP
    connection: the kernel's own start-up, without jupyter_client's reconnect interval
    (its sockets connect before the kernel binds and retry every 100 ms or more)."""
    def free_port():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
    ports = {name: free_port() for name in ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(dict(ports, ip="127.0.0.1", transport="tcp", key="bench", signature_scheme="hmac-sha256"), file)
    start = time.perf_counter()
    process = subprocess.Popen(argv + [file.name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < 60:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", ports["shell_port"])) == 0:
                    return time.perf_counter() - start
            time.sleep(0.0005)
        raise RuntimeError(f"{argv[0]}: the shell port was not bound within 60 s")
    finally:
        process.kill()
        process.wait()
        os.unlink(file.name)


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
        kernels = [("hebb", "1 + 1", [arguments.hebb, "kernel"]),
                   ("python3", "1 + 1", [sys.executable, "-m", "ipykernel_launcher", "-f"])]
        results = {}
        for name, code, argv in kernels:
            binds = [bind_seconds(argv) for _ in range(arguments.runs)]
            startups = [startup_seconds(name) for _ in range(arguments.runs)]
            trip = round_trip_seconds(name, arguments.cells, code)
            results[name] = (statistics.median(binds), statistics.median(startups), trip)
            print(f"{name:8s} sockets bound: {1000 * results[name][0]:7.1f} ms   through jupyter_client to the first "
                  f"kernel_info_reply: {1000 * results[name][1]:7.1f} ms (medians of {arguments.runs})"
                  f"   trivial cell round trip: {1000 * trip:6.2f} ms (median of {arguments.cells})")
        hebb, python = results["hebb"], results["python3"]
        print(f"hebb/ipykernel: sockets bound {hebb[0] / python[0]:.3f}x (target <= 0.1), first reply through "
              f"jupyter_client {hebb[1] / python[1]:.3f}x, round trip {hebb[2] / python[2]:.3f}x (target <= 1)")

if __name__ == "__main__":
    sys.exit(main())
