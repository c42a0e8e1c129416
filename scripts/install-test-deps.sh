#!/usr/bin/env bash
# Installs what the receiving tests need beyond cargo: moto's SQS-compatible
# server (and boto3, which it brings) for the SQS consumer and `eventbind
# listen` tests. Does nothing when they are already importable. The tests
# fail, naming this script, when moto is missing; they never skip.
set -euo pipefail

if ! command -v python3 >/dev/null 2>&1; then
    echo "install-test-deps: python3 is required for the SQS tests (moto)" >&2
    exit 1
fi

if python3 -c "import moto.server, boto3" 2>/dev/null; then
    exit 0
fi

python3 -m pip install --quiet "moto[server]"
python3 -c "import moto.server, boto3"
