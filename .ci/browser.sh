#!/usr/bin/env bash
# Browser tests of the case workers' workplace (/werkplek/): the debug binary on a fresh
# SQLite database on a free loopback port, two case workers made with `hulpmarkt admin
# create` (everything else is seeded through the JSON API by the tests), then
# tests/browser with playwright-core driving Debian's Chromium and axe-core on every screen.
# Screenshots go to target/screenshots/. Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
(cd tests/browser && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
cargo build --bin hulpmarkt
bin="${CARGO_TARGET_DIR:-target}/debug/hulpmarkt"

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export DATABASE_URL="sqlite://${work}/werkplek.db"
export HULPMARKT_BIND="127.0.0.1:${port}"
export HULPMARKT_WEB_COOKIE_SECURE=false   # plain HTTP on the loopback
export HULPMARKT_WEB_IDLE_SECONDS=12       # short, so that the idle test waits little
export HULPMARKT_SWEEP_MINUTES=0
export HULPMARKT_LOGIN_BURST_PER_IP=1000 HULPMARKT_LOGIN_BURST_PER_ACCOUNT=1000
export HULPMARKT_JWT_SECRET="browser-tests-secret-0123456789-abcdef"
export HULPMARKT_LOG=warn
export HULPMARKT_ADMIN_PASSWORD="Werkplek-browser-test-42"
amsterdam="consulent-amsterdam@gemeente.example"
utrecht="consulent-utrecht@gemeente.example"
"$bin" admin create --email "$amsterdam" --display-name "Sanne Jansen" \
  --role case-worker --municipality GM0363 >/dev/null
"$bin" admin create --email "$utrecht" --display-name "Pieter de Boer" \
  --role case-worker --municipality GM0344 >/dev/null

# An admin who is a case worker too (the CLI appoints one role at a time; the page for
# admins is theirs).
beheer="beheer-amsterdam@gemeente.example"
"$bin" admin create --email "$beheer" --display-name "Fatima El Amrani" \
  --role case-worker --municipality GM0363 >/dev/null
python3 - "${work}/werkplek.db" "$beheer" <<'PY'
import sqlite3, sys
with sqlite3.connect(sys.argv[1]) as db:
    db.execute("UPDATE users SET is_admin = 1 WHERE email = ?", (sys.argv[2],))
PY

"$bin" serve >"${work}/server.log" 2>&1 &
server=$!
stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:${port}/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "${work}/server.log"; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:${port}/readyz" >/dev/null

mkdir -p target/screenshots
BASE_URL="http://127.0.0.1:${port}" \
WERKPLEK_PASSWORD="$HULPMARKT_ADMIN_PASSWORD" \
WERKPLEK_AMSTERDAM="$amsterdam" WERKPLEK_UTRECHT="$utrecht" WERKPLEK_BEHEER="$beheer" \
WERKPLEK_IDLE_SECONDS="$HULPMARKT_WEB_IDLE_SECONDS" \
SCREENSHOT_DIR="$PWD/target/screenshots" \
  timeout 600 node --test --test-concurrency=1 tests/browser/werkplek.test.mjs
