#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine: installs what the tests
# need first, then the Rust tests, then the Python spec check. It says what
# it installs before it does, and installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

cat <<'EOF'
test.sh: before the tests, installs what is missing (nothing already there is touched):
  - with apt-get, as root (sudo when not root): chromium (docs tests), postgresql (store tests),
    and a system user eventbind-pg to run PostgreSQL as (scripts/install-test-deps*.sh);
  - with pip: moto[server] (the SQS tests' local server), pyyaml and jsonschema (scripts/check_specs.py),
    into a virtual environment at target/test-venv when this Python refuses pip (PEP 668).
  Then `cargo test --workspace --locked`: about 5 GB under target/ and 10-15 minutes on 2 cores
  from a cold start. The corpora must be at ../shared beside this clone.
EOF

# A system Python marked "externally managed" (PEP 668: Debian 12, Ubuntu
# 23.04 and later) refuses `pip install`; the Python packages then go into a
# virtual environment of ours, first on PATH, so every later `python3` (the
# install script, the moto launcher of the tests, the spec check) is its.
externally_managed() {
    python3 - <<'PY'
import os, sys, sysconfig
in_venv = sys.prefix != sys.base_prefix
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
sys.exit(0 if (os.path.exists(marker) and not in_venv) else 1)
PY
}

if ! command -v python3 >/dev/null 2>&1; then
    echo "test.sh: python3 is required (moto for the SQS tests, scripts/check_specs.py)" >&2
    exit 1
fi
if externally_managed; then
    venv="$PWD/target/test-venv"
    echo "test.sh: this Python refuses pip installs (PEP 668, externally managed); using the virtual environment $venv"
    if [ ! -x "$venv/bin/python3" ]; then
        mkdir -p target
        if ! python3 -m venv "$venv"; then
            echo "test.sh: cannot create a virtual environment: install Python's venv module (Debian: apt-get install python3-venv) and run again" >&2
            exit 1
        fi
    fi
    export PATH="$venv/bin:$PATH"
fi

bash scripts/install-test-deps.sh
bash scripts/install-test-deps-chromium.sh
if ! python3 -c "import yaml, jsonschema" 2>/dev/null; then
    echo "test.sh: installing pyyaml and jsonschema with pip ($(command -v python3))"
    python3 -m pip install --quiet pyyaml jsonschema
fi

cargo test --workspace --locked --all-features
python3 scripts/check_specs.py
