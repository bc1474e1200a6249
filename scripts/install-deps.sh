#!/usr/bin/env bash
# Installs the C libraries Hebb links (OpenBLAS, libedit) and the tools its tests use
# (pkg-config, tmux for the REPL test), via apt-get, only when something is missing.
set -euo pipefail
packages=(libopenblas-dev libedit-dev pkg-config tmux)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
