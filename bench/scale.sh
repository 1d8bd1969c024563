#!/usr/bin/env bash
# Scale run (issue 8): PostgreSQL with 1,000,000 active offers and 1,000,000 requests, seeded
# by the same tool. Reports the candidate search alone (CANDIDATE_SEARCH timed searches at
# random PC4s, categories and distances, run in-process against the database) and request
# creation under load (the `post` scenario: p50/p99 at CONNECTIONS connections) and the
# storage floor of a POST at that size (the `floor` scenario, see load.sh).
#
#   bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export BACKENDS=postgres OFFERS="${OFFERS:-1000000}" REQUESTS="${REQUESTS:-1000000}"
export CANDIDATE_SEARCH="${CANDIDATE_SEARCH:-1000}" SCENARIOS="${SCENARIOS:-healthz post floor}"
exec bench/load.sh
