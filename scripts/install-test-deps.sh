#!/usr/bin/env bash
# Installs what the receiving tests need beyond cargo:
# - moto's SQS-compatible server (and boto3, which it brings) for the SQS
#   consumer and `eventbind listen` tests;
# - PostgreSQL's server binaries (initdb, pg_ctl, postgres) and an
#   unprivileged system user, `eventbind-pg`, to run them as: the store tests
#   start their own server in a temporary folder, and postgres refuses to run
#   as root (the tests run as root here and in CI).
# Does nothing for what is already there. The tests fail, naming this script,
# when something is missing; they never skip.
set -euo pipefail

if ! command -v python3 >/dev/null 2>&1; then
    echo "install-test-deps: python3 is required for the SQS tests (moto)" >&2
    exit 1
fi

if ! python3 -c "import moto.server, boto3" 2>/dev/null; then
    python3 -m pip install --quiet "moto[server]"
    python3 -c "import moto.server, boto3"
fi

# Debian keeps the server binaries under /usr/lib/postgresql/<version>/bin,
# off the PATH; the test launcher looks there too.
have_postgres() {
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
    compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null
}

if ! have_postgres; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-test-deps: PostgreSQL (initdb, pg_ctl) is missing; install the postgresql package as root" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y postgresql
    have_postgres
fi

if ! id -u eventbind-pg >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-test-deps: the system user eventbind-pg is missing; create it as root (useradd --system eventbind-pg)" >&2
        exit 1
    fi
    useradd --system --no-create-home --shell /usr/sbin/nologin eventbind-pg
fi
