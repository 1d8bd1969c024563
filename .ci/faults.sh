#!/usr/bin/env bash
# The fault suite (issue 26, tests/fault/): builds the debug binary once, then runs races
# between two instances on one PostgreSQL database, kill -9 under write load (SQLite and
# PostgreSQL) and a restart of a private PostgreSQL cluster under load. Exits non-zero when
# an invariant broke or a 5xx was seen. About 5 minutes.
#
#   .ci/faults.sh                                   everything
#   FAULTS_ONLY=kill FAULTS_BACKENDS=sqlite .ci/faults.sh   one scenario, one backend
#
# See tests/fault/run.py for the other settings. Needs python3 (stdlib only), psql, and
# /usr/lib/postgresql/15/bin for the private cluster; never restarts the shared server.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT

step() { printf '\n==> %s\n' "$*"; }

step "build the debug binary"
cargo build --quiet --bin hulpmarkt
# A private copy: another build into a shared CARGO_TARGET_DIR must not swap the binary under test.
cp "$target/debug/hulpmarkt" "$workdir/hulpmarkt"

if [[ ",${FAULTS_BACKENDS:-postgres}," == *",postgres,"* ]] && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  step "PostgreSQL: start the local server, it is down"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the checkout
step "fault suite"
python3 tests/fault/run.py --binary "$workdir/hulpmarkt"
