#!/usr/bin/env bash
# Installs headless Chromium for tests/suite/tests/docs.rs, which opens each
# generated docs/index.html in it (the test fails, never skips, without it).
# Debian's package; the binary is /usr/bin/chromium. Does nothing when present.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y chromium
chromium --version
