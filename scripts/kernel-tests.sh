#!/usr/bin/env bash
# The Jupyter kernel tests with the real clients (jupyter_client, jupyter_kernel_test,
# nbclient) from the venv .venv that scripts/install-deps.sh makes. The kernelspec of the
# freshly built binary is installed into a temporary Jupyter path, so nothing outside the
# checkout is touched. Without the venv (a local machine that never ran install-deps) the
# tests are skipped with a message; CI sets HEBB_REQUIRE_KERNEL_TESTS=1 and fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."
hebb="${HEBB:-.build/debug/hebb}"
python=.venv/bin/python
if ! "$python" -c "import jupyter_client, jupyter_kernel_test, nbclient, nbformat" 2>/dev/null; then
    if [ "${HEBB_REQUIRE_KERNEL_TESTS:-0}" = 1 ]; then
        echo "kernel tests: the Python venv .venv with jupyter_client, jupyter_kernel_test, nbclient, nbformat is missing" >&2
        exit 1
    fi
    echo "kernel tests SKIPPED: no .venv with the Jupyter clients (run ./scripts/install-deps.sh to create it)"
    exit 0
fi
jupyter_home=$(mktemp -d)
trap 'rm -rf "$jupyter_home"' EXIT
"$hebb" kernel install --prefix "$jupyter_home" >/dev/null
export JUPYTER_PATH="$jupyter_home/share/jupyter"
export JUPYTER_DATA_DIR="$jupyter_home/data" JUPYTER_RUNTIME_DIR="$jupyter_home/runtime" JUPYTER_CONFIG_DIR="$jupyter_home/config"
export HEBB_BINARY="$hebb"
"$python" -m unittest -v Tests/kernel/test_conformance.py Tests/kernel/test_behaviour.py Tests/kernel/test_notebooks.py
