#!/usr/bin/env bash
# Load benchmark of the real service against its own ceiling (issue 8).
#
#   bench/load.sh                   SQLite and PostgreSQL, 100,000 offers + 100,000 requests
#   bench/scale.sh                  PostgreSQL with 1,000,000 + 1,000,000 (see there)
#
# For each backend: builds the release binary, seeds a fresh database (`hulpmarkt seed`: real
# PC4 coordinates, all categories, mixed request states, one shared password hash), starts the
# server pinned to one core (SERVER_CPU) and drives it with wrk pinned to the other
# (CLIENT_CPU), CONNECTIONS connections for DURATION seconds per scenario:
#   healthz   GET /healthz, the ceiling of this machine
#   get_one   GET /api/v1/help-requests/{id} as its owner (rotating over OWNERS residents)
#   post      POST /api/v1/help-requests (validated, stored, matched, proposed)
#   cases     GET /api/v1/cases as a case worker of GM0363 (reported as skipped if the route
#             is not there yet)
#   werkplek_queue, werkplek_case
#             the case worker's workplace in a browser session: GET /werkplek/zaken (the
#             queue, first page) and GET /werkplek/zaken/{id} (one case, which writes its
#             audit entry on every read, as the API does)
#   floor     after the server has stopped: the storage floor, the rows one matched POST
#             stores written straight into the same database and nothing else (SQLite:
#             bench/storage_floor.py on the server's core; PostgreSQL: pgbench with
#             bench/storage_floor.pgbench on the client's core, CONNECTIONS clients), the most
#             POSTs per second this machine could store with these tables
# and prints requests/s, p50/p99, errors (every non-2xx and socket error), the ratio to
# /healthz of the same run, and the server's peak RSS (VmHWM). PostgreSQL itself is not
# pinned (it shares both cores). Talks to 127.0.0.1 only; cleans up after itself.
#
# Environment: BACKENDS ("sqlite postgres"), OFFERS, REQUESTS, DURATION (s), CONNECTIONS,
# OWNERS, CANDIDATE_SEARCH (timed searches after seeding, 0 = off), PG_URL (server URL without
# database), PG_PARAMS (appended to the service's database URL; "?sslmode=disable": TLS on
# the loopback protects nothing and cost a fifth of reading one request, see the README; set
# it empty to measure with libpq's default, TLS when the server offers it), SCENARIOS
# ("healthz get_one post cases"), KEEP_DB=1 (keep the database), HULPMARKT_BIN (measure this
# binary instead of building the tree's; it needs the `seed` command of `bench-tools`),
# BASELINE_BIN (a second binary, e.g. the commit before a change: the post scenario then runs
# first on it as `post_base`, on the same database and tokens, then on the measured binary,
# so the two POST figures stand side by side in one run; the baseline sees the smaller
# database, which favours it).
set -euo pipefail
cd "$(dirname "$0")/.."
BACKENDS="${BACKENDS:-sqlite postgres}"
OFFERS="${OFFERS:-100000}"
REQUESTS="${REQUESTS:-100000}"
DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-32}"
OWNERS="${OWNERS:-100}"
CANDIDATE_SEARCH="${CANDIDATE_SEARCH:-0}"
SCENARIOS="${SCENARIOS:-healthz get_one post cases werkplek_queue werkplek_case floor}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PG_PARAMS="${PG_PARAMS-?sslmode=disable}"
PORT="${PORT:-18282}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
TARGET="${CARGO_TARGET_DIR:-target}"
PASSWORD="Een-lang-wachtwoord-42"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

work="$(mktemp -d)"
# A copy, so that another build into a shared target directory cannot swap the binary mid-run.
BIN="$work/hulpmarkt"
if [ -n "${HULPMARKT_BIN:-}" ]; then # a binary built elsewhere (paired A/B runs)
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
  if [ -n "$pg_db" ] && [ -z "${KEEP_DB:-}" ]; then
    psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
  fi
  pg_db=""
}
cleanup() { stop_server; drop_pg; rm -rf "$work"; }
trap cleanup EXIT

# info for the offer index's lines (the "offer index built" line below), warn for the rest.
export HULPMARKT_LOG="warn,hulpmarkt::services::live_offers=info,hulpmarkt::background=info" HULPMARKT_BIND="127.0.0.1:$PORT"
export HULPMARKT_JWT_SECRET="bench-secret-bench-secret-bench-secret-0123"
export HULPMARKT_LOGIN_BURST_PER_IP=100000000 HULPMARKT_LOGIN_BURST_PER_ACCOUNT=100000000
export HULPMARKT_SEED_PASSWORD="$PASSWORD" HULPMARKT_ADMIN_PASSWORD="$PASSWORD"
# curl over plain HTTP on the loopback: the session cookie goes without `Secure`.
export HULPMARKT_WEB_COOKIE_SECURE=false
export BENCH_PC4S="$PWD/data/nl/postcodes_pc4.csv"
BASE="http://127.0.0.1:$PORT"

login() { # email -> access token
  curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

web_session() { # email -> "name=value" of a workplace session cookie (login form, its CSRF)
  local jar="$work/jar.txt" csrf
  rm -f "$jar"
  csrf="$(curl -sf -c "$jar" "$BASE/werkplek/inloggen" | python3 -c '
import re, sys
print(re.search(r"name=\"csrf\" value=\"([^\"]+)\"", sys.stdin.read()).group(1))')"
  curl -sf -b "$jar" -c "$jar" -o /dev/null -X POST "$BASE/werkplek/inloggen" \
    --data-urlencode "email=$1" --data-urlencode "password=$PASSWORD" --data-urlencode "csrf=$csrf"
  awk '$6 == "hulpmarkt_werkplek" {print $6 "=" $7}' "$jar"
}

run_wrk() { # name script url -> RESULT line into $work/<backend>.<name>
  local name="$1" script="$2" url="$3"
  taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
    -s "$script" "$url" >"$work/$backend.$name.txt" 2>&1 || true
  grep '^RESULT' "$work/$backend.$name.txt" | sed "s/^RESULT/RESULT scenario=$name/" >>"$work/$backend.results"
  grep '^RESULT' "$work/$backend.$name.txt" >/dev/null || { echo "wrk failed for $name:"; cat "$work/$backend.$name.txt"; }
}

# The storage floor (bench/storage_floor.*): the rows one matched POST stores, written
# straight into this run's database with nothing else around them, as the server's core
# would at best; the seeded database gains those rows, so it runs last.
storage_floor() {
  case "$backend" in
    sqlite) taskset -c "$SERVER_CPU" python3 bench/storage_floor.py "$work/bench.db" 20000 \
      >>"$work/$backend.results" ;;
    postgres)
      local requester offer volunteer tps
      requester="$(psql -Atq "$DATABASE_URL" -c "SELECT requester_id FROM help_requests WHERE requester_id IS NOT NULL LIMIT 1")"
      IFS='|' read -r offer volunteer < <(psql -Atq "$DATABASE_URL" -c "SELECT id, volunteer_id FROM offers WHERE status = 'active' LIMIT 1")
      tps="$(taskset -c "$CLIENT_CPU" pgbench -n -M prepared -c "$CONNECTIONS" -j 1 -T "$DURATION" \
        -D "requester=$requester" -D "offer=$offer" -D "volunteer=$volunteer" \
        -f bench/storage_floor.pgbench "$DATABASE_URL" 2>&1 | awk '/^tps/{print $3}')"
      echo "RESULT scenario=floor rps=${tps:-0} clients=$CONNECTIONS" >>"$work/$backend.results" ;;
  esac
}

start_server() { # binary log: starts it on the server's core and waits for /healthz
  taskset -c "$SERVER_CPU" "$1" serve >"$2" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
}

# The offer index and the demand count are built in the background after start (seconds at
# 100,000 offers, on the server's one core); the scenarios measure the service after that.
wait_for_index() { # server log
  for _ in $(seq 1 600); do grep -q "offer index built" "$1" && break; sleep 0.5; done
  grep -o "offer index built.*" "$1" | head -n1 | sed 's/^/index: /' || echo "index: not built within 300 s"
}

for backend in $BACKENDS; do
  echo "=== $backend: seeding $OFFERS offers and $REQUESTS requests"
  case "$backend" in
    sqlite) export DATABASE_URL="sqlite://$work/bench.db" ;;
    postgres)
      pg_db="hulpmarkt_bench_$$"
      psql -q "$PG_URL/postgres" -c "CREATE DATABASE $pg_db" >/dev/null
      export DATABASE_URL="$PG_URL/$pg_db$PG_PARAMS" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  start=$(date +%s)
  "$BIN" seed --offers "$OFFERS" --requests "$REQUESTS" --sample-owners "$OWNERS" \
    --sample-file "$work/owners.csv"
  "$BIN" admin create --role case-worker --municipality GM0363 --email consulent@bench.test \
    --display-name Consulent >/dev/null
  if [ "$backend" = postgres ]; then psql -q "$DATABASE_URL" -c "VACUUM ANALYZE" >/dev/null; fi
  echo "seeded in $(( $(date +%s) - start )) s"
  if [ "$CANDIDATE_SEARCH" -gt 0 ]; then
    taskset -c "$SERVER_CPU" "$BIN" seed --password x --time-candidate-search "$CANDIDATE_SEARCH" \
      | tee -a "$work/$backend.extra"
  fi

  start_server "$BIN" "$work/server.$backend.log"

  # Log in as the sampled residents (argon2 on the server: two at a time) and the case worker.
  : >"$work/tokens.csv"
  while IFS=, read -r email id; do
    printf '%s,%s\n' "$(login "$email")" "$id" >>"$work/tokens.csv"
  done <"$work/owners.csv"
  login consulent@bench.test >"$work/caseworker.csv"
  wait_for_index "$work/server.$backend.log"
  : >"$work/$backend.results"
  # The logins' argon2id hashes (7 MiB each) set a peak of their own; report it apart and
  # reset the peak (clear_refs 5), so the scenarios' peak is the serving one.
  login_hwm_kb="$(awk '/VmHWM/{print $2}' "/proc/$server_pid/status")"
  echo "RESULT login_peak_rss_mb=$(( login_hwm_kb / 1024 ))" >>"$work/$backend.results"
  echo 5 >"/proc/$server_pid/clear_refs" 2>/dev/null || echo "RESULT note=peak_not_reset" >>"$work/$backend.results"

  for scenario in $SCENARIOS; do
    case "$scenario" in
      healthz) run_wrk healthz bench/plain.lua "$BASE/healthz" ;;
      get_one) BENCH_TOKENS="$work/tokens.csv" run_wrk get_one bench/get_request.lua "$BASE" ;;
      post)
        if [ -n "${BASELINE_BIN:-}" ]; then
          stop_server
          cp "$BASELINE_BIN" "$work/baseline"
          start_server "$work/baseline" "$work/server.$backend.base.log"
          wait_for_index "$work/server.$backend.base.log"
          BENCH_TOKENS="$work/tokens.csv" run_wrk post_base bench/post_request.lua "$BASE"
          stop_server
          start_server "$BIN" "$work/server.$backend.again.log"
          wait_for_index "$work/server.$backend.again.log"
        fi
        BENCH_TOKENS="$work/tokens.csv" run_wrk post bench/post_request.lua "$BASE" ;;
      floor) ;; # after the server has stopped, below
      werkplek_queue)
        BENCH_COOKIE="$(web_session consulent@bench.test)" BENCH_PATH=/werkplek/zaken \
          run_wrk werkplek_queue bench/get_page.lua "$BASE" ;;
      werkplek_case)
        case_id="$(curl -sf -H "Authorization: Bearer $(cat "$work/caseworker.csv")" \
          "$BASE/api/v1/cases?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"
        BENCH_COOKIE="$(web_session consulent@bench.test)" BENCH_PATH="/werkplek/zaken/$case_id" \
          run_wrk werkplek_case bench/get_page.lua "$BASE" ;;
      cases)
        code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/caseworker.csv")" "$BASE/api/v1/cases")"
        if [ "$code" = 404 ]; then
          echo "RESULT scenario=cases skipped=route_not_present_404" >>"$work/$backend.results"
        else
          BENCH_TOKENS="$work/caseworker.csv" run_wrk cases bench/get_cases.lua "$BASE"
        fi ;;
    esac
  done
  hwm_kb="$(awk '/VmHWM/{print $2}' "/proc/$server_pid/status")"
  echo "RESULT peak_rss_mb=$(( hwm_kb / 1024 ))" >>"$work/$backend.results"
  stop_server
  if [[ " $SCENARIOS " == *" floor "* ]]; then storage_floor; fi
  drop_pg
  rm -f "$work/bench.db"*

  python3 - "$backend" "$work/$backend.results" "$OFFERS" "$REQUESTS" "$CONNECTIONS" "$DURATION" <<'PY'
import sys, re
backend, path, offers, requests, conns, dur = sys.argv[1:]
rows, rss, login_rss, note = [], None, None, ""
for line in open(path):
    kv = dict(re.findall(r"(\w+)=(\S*)", line))
    if "peak_rss_mb" in kv:
        rss = kv["peak_rss_mb"]
    elif "login_peak_rss_mb" in kv:
        login_rss = kv["login_peak_rss_mb"]
    elif "note" in kv:
        note = " (could not reset the peak after the logins: this includes them)"
    else:
        rows.append(kv)
ceiling = next((float(r["rps"]) for r in rows if r.get("scenario") == "healthz" and "rps" in r), None)
print(f"\n{backend}: {int(offers):,} offers, {int(requests):,} requests, {conns} connections, {dur} s per scenario")
print(f"{'scenario':<10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'of /healthz':>13}")
for r in rows:
    if "skipped" in r:
        print(f"{r['scenario']:<10}skipped: route not present (404)")
        continue
    rps = float(r["rps"])
    ratio = f"{100 * rps / ceiling:.1f} %" if ceiling else "n/a"
    if r["scenario"] == "floor":
        post = next((float(p["rps"]) for p in rows if p.get("scenario") == "post" and "rps" in p), None)
        of_floor = f"; POST reached {100 * post / rps:.0f} % of it" if post and rps else ""
        print(f"{'floor':<10}{rps:>10.0f}{'':>9}{'':>9}{'':>8}{ratio:>13}"
              f"   (storage alone: the rows of a matched POST, nothing else{of_floor})")
        continue
    errors = int(r["non2xx"]) + int(r["socket_errors"])
    print(f"{r['scenario']:<10}{rps:>10.0f}{float(r['p50_ms']):>9.2f}{float(r['p99_ms']):>9.2f}{errors:>8}{ratio:>13}")
    if errors and r.get("first_error"):
        print(f"{'':<10}first error: {r['first_error']}")
print(f"server peak RSS (VmHWM) during the scenarios: {rss} MB{note}")
print(f"server peak RSS (VmHWM) up to the end of the logins (argon2id, 7 MiB per hash): {login_rss} MB")
PY
  if [ -f "$work/$backend.extra" ]; then cat "$work/$backend.extra"; fi
done
