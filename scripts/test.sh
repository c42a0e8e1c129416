#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine: installs what the tests
# need first, then the Rust tests, then the independent Python check of the specs.
set -euo pipefail
cd "$(dirname "$0")/.."

# The spec check uses PyYAML and jsonschema (Python); install them if missing.
if ! python3 -c "import yaml, jsonschema" 2>/dev/null; then
    python3 -m pip install --quiet pyyaml jsonschema
fi

cargo build --workspace --all-targets --locked
cargo test --workspace --locked
python3 scripts/check_specs.py
