#!/usr/bin/env bash
# Checks the engine's global assignment against scipy's exact linear_sum_assignment on
# random instances (issue 5 acceptance). Creates a virtualenv with numpy and scipy in
# target/oracle-venv on first use. Prints "N passed, M failed"; non-zero exit on a mismatch.
#
# Usage: scripts/assignment_oracle.sh [INSTANCES] [SEED]
set -euo pipefail

cd "$(dirname "$0")/.."
instances="${1:-200}"
seed="${2:-42}"
venv="target/oracle-venv"
out="target/oracle-instances"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check numpy scipy
fi

rm -rf "$out"
cargo run --quiet --example assignment_oracle -- \
    --instances "$instances" --seed "$seed" --out "$out"
"$venv/bin/python" scripts/assignment_oracle.py "$out"
