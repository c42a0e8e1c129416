#!/usr/bin/env bash
# Installs headless Chromium for tests/suite/tests/docs.rs and docs_layout.rs,
# which open each generated docs/index.html in it (the tests fail, never skip,
# without it). Debian's package through apt-get, as root (sudo when not root);
# the binary is /usr/bin/chromium. Does nothing when a Chromium is present
# (on PATH, or $CHROMIUM).
set -euo pipefail

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-test-deps-chromium: Chromium is missing, and installing it needs root:" >&2
        echo "  run 'apt-get install chromium' as root, or set CHROMIUM to a Chromium binary" >&2
        exit 1
    fi
    sudo="sudo"
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps-chromium: Chromium is missing and this is not a Debian-like system (no apt-get):" >&2
    echo "  install Chromium with your package manager, or set CHROMIUM to a Chromium binary" >&2
    exit 1
fi
echo "install-test-deps-chromium: installing Debian's chromium package with apt-get${sudo:+ (through sudo)}:"
echo "  apt-get update, then apt-get install -y chromium (about 100 MB to download, 400 MB on disk)"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y chromium
chromium --version
