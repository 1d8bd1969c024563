#!/usr/bin/env bash
# Login flood benchmark: 64 concurrent clients log in for DURATION seconds while one client
# polls /healthz. The server is pinned to one core and the load generator to the other, so the
# server's hashing limit is 1 / (time of one hash), measured here in the same run.
#
#   bench/login_flood.sh            (needs wrk: apt-get install wrk)
#
# Prints the login throughput, its ratio to the hashing limit, client time-outs, and the
# /healthz latency during the flood. Talks to 127.0.0.1 only; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-20}"
PORT="${PORT:-18181}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

cargo build --release --quiet --bin hulpmarkt --example hash_time
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

DATABASE_URL="sqlite://$work/bench.db" HULPMARKT_BIND="127.0.0.1:$PORT" HULPMARKT_LOG=warn \
HULPMARKT_LOGIN_BURST_PER_IP=100000000 HULPMARKT_LOGIN_BURST_PER_ACCOUNT=100000000 \
  taskset -c "$SERVER_CPU" target/release/hulpmarkt serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

export BENCH_EMAIL="flood@example.nl" BENCH_PASSWORD="Een-lang-wachtwoord-42"
curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/register" -H 'content-type: application/json' \
  -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\",\"display_name\":\"Flood\",\"roles\":[\"resident\"]}" >/dev/null

hash_ms="$(taskset -c "$SERVER_CPU" target/release/examples/hash_time 15)"
idle_health="$(taskset -c "$CLIENT_CPU" wrk -t1 -c1 -d5s --latency -s bench/probe.lua "http://127.0.0.1:$PORT/healthz" | awk '/ 50%/{print $2} / 99%/{print $2}' | paste -sd' ')"

taskset -c "$CLIENT_CPU" wrk -t1 -c1 -d"${DURATION}s" --latency -s bench/probe.lua "http://127.0.0.1:$PORT/healthz" >"$work/health.txt" &
health_pid=$!
taskset -c "$CLIENT_CPU" wrk -t2 -c64 -d"${DURATION}s" --timeout 10s -s bench/login.lua "http://127.0.0.1:$PORT/api/v1/auth/login" >"$work/login.txt"
wait "$health_pid"

result="$(grep '^RESULT' "$work/login.txt")"
ok="$(sed -E 's/.*ok=([0-9]+).*/\1/' <<<"$result")"
dur="$(sed -E 's/.*duration_s=([0-9.]+).*/\1/' <<<"$result")"
timeouts="$(sed -E 's/.*timeouts=([0-9]+).*/\1/' <<<"$result")"
health_p50="$(awk '/ 50%/{print $2}' "$work/health.txt")"
health_p99="$(awk '/ 99%/{print $2}' "$work/health.txt")"
health_rps="$(awk '/Requests\/sec/{print $2}' "$work/health.txt")"
python3 - "$hash_ms" "$ok" "$dur" <<'PY'
import sys
hash_ms, ok, dur = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
limit = 1000.0 / hash_ms  # one server core
rate = ok / dur
print(f"one argon2id hash: {hash_ms:.1f} ms -> hashing limit {limit:.1f} logins/s on 1 server core")
print(f"successful logins: {ok} in {dur:.1f} s = {rate:.1f}/s = {100*rate/limit:.0f}% of the limit")
PY
echo "login answers: $result"
echo "client time-outs: $timeouts"
echo "/healthz idle p50/p99: $idle_health; during the flood: p50 $health_p50, p99 $health_p99, $health_rps req/s"
