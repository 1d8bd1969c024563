#!/usr/bin/env bash
# Residents' POSTs during the global matching batch (issue 20).
#
#   bench/batch_during_posts.sh      SQLite and PostgreSQL, 20,000 offers + 20,000 requests
#
# For each backend: builds the release binary, seeds a fresh database (`hulpmarkt seed`),
# starts the server pinned to one core (SERVER_CPU), lets CLIENTS residents post help requests
# without pause (bench/posts_during.py, on the other core), and after WARMUP seconds runs the
# global batch over every waiting request (planned on a reading connection, written in short
# steps): MODE=api (default) asks the server (`POST /api/v1/matching-batch` as an admin: the
# batch of the serving process, as the six-hourly sweep runs it), MODE=cli runs
# `hulpmarkt match` as a second process beside the server. Prints the POSTs before and during
# the batch: count, errors, p50, p99 and the longest. Talks to 127.0.0.1 only; cleans up.
#
# Environment: MODE (api, cli), BACKENDS ("sqlite postgres"), OFFERS, REQUESTS, CLIENTS (4), WARMUP (s, 5),
# OWNERS (100), PG_URL (server URL without database), PORT, SERVER_CPU, CLIENT_CPU,
# HULPMARKT_BIN (a binary to measure instead of building this tree's).
set -euo pipefail
cd "$(dirname "$0")/.."
BACKENDS="${BACKENDS:-sqlite postgres}"
OFFERS="${OFFERS:-20000}"
REQUESTS="${REQUESTS:-20000}"
MODE="${MODE:-api}"
CLIENTS="${CLIENTS:-4}"
WARMUP="${WARMUP:-5}"
OWNERS="${OWNERS:-100}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PORT="${PORT:-18283}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
TARGET="${CARGO_TARGET_DIR:-target}"
PASSWORD="Een-lang-wachtwoord-42"

work="$(mktemp -d)"
BIN="$work/hulpmarkt"
if [ -n "${HULPMARKT_BIN:-}" ]; then
  cp "$HULPMARKT_BIN" "$BIN"
else
  cargo build --release --quiet --features bench-tools --bin hulpmarkt
  cp "$TARGET/release/hulpmarkt" "$BIN"
fi
server_pid=""
pg_db=""
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
drop_pg() {
  if [ -n "$pg_db" ]; then psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true; fi
  pg_db=""
}
cleanup() { stop_server; drop_pg; rm -rf "$work"; }
trap cleanup EXIT

export HULPMARKT_LOG="warn" HULPMARKT_BIND="127.0.0.1:$PORT" HULPMARKT_SWEEP_MINUTES=0
export HULPMARKT_JWT_SECRET="bench-secret-bench-secret-bench-secret-0123"
export HULPMARKT_LOGIN_BURST_PER_IP=100000000 HULPMARKT_LOGIN_BURST_PER_ACCOUNT=100000000
export HULPMARKT_SEED_PASSWORD="$PASSWORD" HULPMARKT_ADMIN_PASSWORD="$PASSWORD"
BASE="http://127.0.0.1:$PORT"

for backend in $BACKENDS; do
  case "$backend" in
    sqlite) export DATABASE_URL="sqlite://$work/bench.db" ;;
    postgres)
      pg_db="hulpmarkt_batch_$$"
      psql -q "$PG_URL/postgres" -c "CREATE DATABASE $pg_db" >/dev/null
      export DATABASE_URL="$PG_URL/$pg_db?sslmode=disable" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  echo "=== $backend: $OFFERS offers, $REQUESTS requests, $CLIENTS residents posting"
  "$BIN" seed --offers "$OFFERS" --requests "$REQUESTS" --sample-owners "$OWNERS" \
    --sample-file "$work/owners.csv" >/dev/null
  "$BIN" admin create --role admin --email beheer@bench.test >/dev/null
  if [ "$backend" = postgres ]; then psql -q "$DATABASE_URL" -c "VACUUM ANALYZE" >/dev/null; fi
  taskset -c "$SERVER_CPU" "$BIN" serve >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done
  : >"$work/tokens.csv"
  while IFS=, read -r email id; do
    token="$(curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
      -d "{\"email\":\"$email\",\"password\":\"$PASSWORD\"}" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
    printf '%s,%s\n' "$token" "$id" >>"$work/tokens.csv"
  done <"$work/owners.csv"
  admin="$(curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"beheer@bench.test\",\"password\":\"$PASSWORD\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
  case "$MODE" in
    api) batch=(curl -sf -m 1800 -X POST -H "Authorization: Bearer $admin" "$BASE/api/v1/matching-batch") ;;
    cli) batch=("$BIN" match) ;;
    *) echo "unknown MODE $MODE" >&2; exit 1 ;;
  esac
  echo "batch: $MODE"
  taskset -c "$CLIENT_CPU" python3 bench/posts_during.py "$BASE" "$work/tokens.csv" \
    data/nl/postcodes_pc4.csv "$CLIENTS" "$WARMUP" -- "${batch[@]}"
  stop_server
  drop_pg
  rm -f "$work/bench.db"*
done
