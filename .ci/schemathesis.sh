#!/usr/bin/env bash
# Proves the API contract against the running service: builds the debug binary, then for
# SQLite (fresh temporary file) and PostgreSQL (fresh database) starts it on a free port,
# creates a resident, a volunteer, a case worker and an admin, and runs schemathesis with all
# checks and all phases once per role token. Exits non-zero on any failure.
#
#   .ci/schemathesis.sh            both backends
#   .ci/schemathesis.sh sqlite     one backend (sqlite | postgres)
#
# Environment: ST_MAX_EXAMPLES (default 30), ST_SEED (default 20260101).
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
venv="$target/schemathesis-venv"
max_examples="${ST_MAX_EXAMPLES:-30}"
seed="${ST_SEED:-20260101}"
backends=("${@:-sqlite postgres}")
read -r -a backends <<<"${backends[*]}"
password="schemathesis-wachtwoord-2026"
export HULPMARKT_JWT_SECRET="schemathesis-run-secret-of-at-least-32-bytes"
# The fuzzer signs in and registers far more often than a person would.
export HULPMARKT_LOGIN_BURST_PER_IP=1000000
export HULPMARKT_LOGIN_BURST_PER_ACCOUNT=1000000
export HULPMARKT_HASH_QUEUE=1000
# /metrics exists only with a token (unset it is 404, which the contract cannot describe).
export HULPMARKT_METRICS_TOKEN="schemathesis-metrics-token"
export HULPMARKT_LOG="${HULPMARKT_LOG:-warn}"

step() { printf '\n==> %s\n' "$*"; }


step "schemathesis in $venv"
if [[ ! -x "$venv/bin/st" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis
fi
"$venv/bin/st" --version

server_pid=""
pg_db=""
workdir="$(mktemp -d)"
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -n "$pg_db" ]]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${pg_db} WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

step "build the debug binary"
cargo build --quiet --bin hulpmarkt
# A private copy: another build into a shared CARGO_TARGET_DIR must not swap the binary under
# test, and the copy must be the code of this checkout (it serves the committed document).
cp "$target/debug/hulpmarkt" "$workdir/hulpmarkt"
bin="$workdir/hulpmarkt"
if ! "$bin" openapi | cmp -s - api-spec/openapi.json; then
  echo "the built binary does not generate api-spec/openapi.json: regenerate it with" >&2
  echo "  cargo run --quiet -- openapi > api-spec/openapi.json" >&2
  exit 1
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

# login EMAIL -> access token
login() {
  curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\": \"$1\", \"password\": \"$password\"}" | json_field access_token
}

register() { # EMAIL ROLE -> user id (registration answers alike for every address: the id
  # comes from the account itself)
  curl -fsS -X POST "$base/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\": \"$1\", \"password\": \"$password\", \"display_name\": \"$2\", \"roles\": [\"$2\"]}" >/dev/null
  curl -fsS "$base/api/v1/me" -H "Authorization: Bearer $(login "$1")" | json_field id
}

appoint() { # EMAIL ROLE [MUNICIPALITY]
  HULPMARKT_ADMIN_PASSWORD="$password" "$bin" admin create --email "$1" --role "$2" \
    ${3:+--municipality "$3"} >/dev/null
}

run_schemathesis() { # LABEL TOKEN [extra args]
  local label="$1" token="$2"
  shift 2
  step "schemathesis ($backend, $label)"
  local log="$workdir/st-$backend-$label.log"
  local status=0
  "$venv/bin/st" --config-file .ci/schemathesis.toml run "$base/api/v1/openapi.json" \
    --checks all \
    --phases examples,coverage,fuzzing,stateful \
    --seed "$seed" \
    --max-examples "$max_examples" \
    --workers 1 \
    --request-timeout 10 \
    --generation-database none \
    --no-color \
    -H "Authorization: Bearer $token" \
    "$@" >"$log" 2>&1 || status=$?
  # The full report on failure; the summary lines always.
  if [[ $status -ne 0 ]]; then cat "$log"; else sed -n '/SUMMARY/,$p' "$log"; fi
  return $status
}

failures=0
for backend in "${backends[@]}"; do
  case "$backend" in
    sqlite)
      export DATABASE_URL="sqlite://$workdir/hulpmarkt.db"
      ;;
    postgres)
      if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
        for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
      fi
      pg_db="hulpmarkt_st_$(date +%s)_$$"
      psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE ${pg_db}"
      # No TLS on the loopback (it protects nothing here): with TLS a one-off command such as
      # `admin create` can crash at exit after its work committed (6 of 40 runs; 0 of 40
      # without), a race between libpq's OpenSSL and the connection pool's threads.
      export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${pg_db}?sslmode=disable"
      ;;
    *) echo "unknown backend $backend (sqlite | postgres)" >&2; exit 2 ;;
  esac
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  step "start hulpmarkt on $backend at $base"
  "$bin" migrate >/dev/null
  HULPMARKT_BIND="127.0.0.1:$port" "$bin" serve >"$workdir/server-$backend.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS "$base/readyz" >/dev/null

  register "resident@example.nl" resident >/dev/null
  HULPMARKT_ST_VOLUNTEER_ID="$(register "volunteer@example.nl" volunteer)"
  export HULPMARKT_ST_VOLUNTEER_ID
  appoint "consulent@example.nl" case-worker GM0363
  appoint "beheer@example.nl" admin
  resident="$(login resident@example.nl)"
  volunteer="$(login volunteer@example.nl)"
  case_worker="$(login consulent@example.nl)"
  admin="$(login beheer@example.nl)"

  # Every operation as a resident; then the operations where another role's answers differ.
  run_schemathesis resident "$resident" || failures=$((failures + 1))
  run_schemathesis volunteer "$volunteer" --include-tag accounts --include-tag offers --include-tag matches || failures=$((failures + 1))
  run_schemathesis case-worker "$case_worker" --include-tag accounts --include-tag cases --include-tag intake --include-tag "help requests" || failures=$((failures + 1))
  run_schemathesis admin "$admin" --include-tag accounts --include-tag cases || failures=$((failures + 1))

  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server died during the run:" >&2
    tail -n 50 "$workdir/server-$backend.log" >&2
    failures=$((failures + 1))
  fi
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  if grep -q "internal error" "$workdir/server-$backend.log"; then
    echo "the server logged internal errors on $backend:" >&2
    grep "internal error" "$workdir/server-$backend.log" | head -n 20 >&2
    failures=$((failures + 1))
  fi
  if [[ -n "$pg_db" ]]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${pg_db} WITH (FORCE)" >/dev/null
    pg_db=""
  fi
done

if [[ $failures -ne 0 ]]; then
  step "schemathesis: $failures run(s) failed"
  exit 1
fi
step "schemathesis: every run passed"
