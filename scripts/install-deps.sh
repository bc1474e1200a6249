#!/usr/bin/env bash
# Installs the C libraries Hebb links (OpenBLAS, libedit, SLEEF for vectorized math, LIBXSMM for
# small matrix products (x86-64 only), ZeroMQ and OpenSSL's libcrypto for
# the Jupyter kernel) and the tools its tests use (pkg-config, tmux for the REPL test), via
# apt-get, only when something is missing. With --kernel-tests, also the Python venv .venv
# with the Jupyter clients the kernel tests drive (jupyter_client, jupyter_kernel_test,
# nbclient, nbformat, and ipykernel for the kernel benchmark), only when it lacks them.
# With --browser-test, also Debian's `chromium` (optional: the browser test of the HTML
# export, scripts/browser-test.sh, is skipped without it; HEBB_REQUIRE_BROWSER_TEST=1 makes
# a failed install an error, as in CI). The two options may be given together.
set -euo pipefail
cd "$(dirname "$0")/.."
# librsvg2-2, libcairo2 and a font are loaded at run time by the kernel for PNG copies of plots.
packages=(libopenblas-dev libedit-dev libsleef-dev pkg-config tmux libzmq3-dev libssl-dev librsvg2-2 libcairo2 fonts-dejavu-core)
# Debian builds LIBXSMM for amd64 only; elsewhere Package.swift leaves it out.
if [ "$(uname -m)" = x86_64 ]; then packages+=(libxsmm-dev); fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

apt_install() {
    echo "installing: $*"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

kernel_tests=0
for option in "$@"; do
    case "$option" in
        --kernel-tests) kernel_tests=1 ;;
        --browser-test)
            if ! command -v chromium >/dev/null 2>&1; then
                if ! apt_install chromium; then
                    echo "could not install chromium: the browser test of the HTML export will be skipped" >&2
                    if [ "${HEBB_REQUIRE_BROWSER_TEST:-0}" = 1 ]; then exit 1; fi
                fi
            fi
            ;;
        *) echo "install-deps.sh: unknown option $option (--kernel-tests, --browser-test)" >&2; exit 2 ;;
    esac
done
[ "$kernel_tests" = 1 ] || exit 0

# The venv for the kernel tests. A failure here (no network on a laptop) only skips those
# tests locally; CI (HEBB_REQUIRE_KERNEL_TESTS=1) fails instead.
python_packages=(jupyter_client jupyter_kernel_test nbclient nbformat ipykernel)
if ! .venv/bin/python -c "import jupyter_client, jupyter_kernel_test, nbclient, nbformat, ipykernel" 2>/dev/null; then
    status=0
    {
        if ! python3 -m venv .venv 2>/dev/null; then
            apt_install python3-venv && python3 -m venv .venv
        fi
        .venv/bin/python -m pip install --quiet --disable-pip-version-check "${python_packages[@]}"
    } || status=$?
    if [ "$status" -ne 0 ]; then
        echo "could not set up the Python venv .venv for the kernel tests" >&2
        if [ "${HEBB_REQUIRE_KERNEL_TESTS:-0}" = 1 ]; then exit 1; fi
    fi
fi
