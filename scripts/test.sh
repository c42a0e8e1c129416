#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine: installs what the tests
# need first (moto for the SQS tests, Chromium for the docs test, PyYAML and
# jsonschema for the Python spec check), then the Rust tests, then that check.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
bash scripts/install-test-deps-chromium.sh
if ! python3 -c "import yaml, jsonschema" 2>/dev/null; then
    python3 -m pip install --quiet pyyaml jsonschema
fi

cargo test --workspace --locked
python3 scripts/check_specs.py
