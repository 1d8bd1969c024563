#!/usr/bin/env python3
"""Does registration tell by its timing whether an address has an account? (issue 24)

Starts the service (HULPMARKT_BIN, default target/release/hulpmarkt) on a fresh SQLite
database on 127.0.0.1, registers ROUNDS new addresses and ROUNDS addresses that already have
an account, in alternating order (new, taken, taken, new, ...), and prints for each kind the
status codes, the bodies seen, and the latency's median, p10/p90 and mean, then the difference
of the medians against the spread of each kind. Bounded: 2 x ROUNDS requests, then it stops.

    cargo build --release && python3 bench/registration_timing.py
"""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROUNDS = int(os.environ.get("ROUNDS", "200"))
BIN = os.environ.get("HULPMARKT_BIN", "target/release/hulpmarkt")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="hulpmarkt-reg-")
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"sqlite://{tmp}/hulpmarkt.db",
        "HULPMARKT_BIND": f"127.0.0.1:{port}",
        "HULPMARKT_LOG": "warn",
        # Every request comes from one address: the per-IP limit is not what is measured.
        "HULPMARKT_LOGIN_BURST_PER_IP": "100000",
        "HULPMARKT_DISPATCH_SECONDS": "0",
    })
    server = subprocess.Popen([BIN], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn = None
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/readyz")
                if conn.getresponse().read() is not None:
                    break
            except OSError:
                time.sleep(0.1)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def register(email):
            body = json.dumps({"email": email, "password": "Lange-zin-voor-de-meting-42",
                               "display_name": "Meting", "roles": ["resident"]})
            start = time.perf_counter()
            conn.request("POST", "/api/v1/auth/register", body,
                         {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            return time.perf_counter() - start, response.status, data

        # The taken addresses: each registered once beforehand (a second registration of one
        # address is then always "taken"; the per-account limit allows 5 in its window).
        taken = [f"bestaand-{i}@example.nl" for i in range(ROUNDS)]
        for email in taken:
            register(email)
        results = {"new": [], "taken": []}
        statuses = {"new": set(), "taken": set()}
        bodies = {"new": set(), "taken": set()}
        for i in range(ROUNDS):
            order = ["new", "taken"] if i % 2 == 0 else ["taken", "new"]
            for kind in order:
                email = f"nieuw-{i}@example.nl" if kind == "new" else taken[i]
                seconds, status, data = register(email)
                results[kind].append(seconds * 1000)
                statuses[kind].add(status)
                bodies[kind].add(data)
        for kind in ("new", "taken"):
            xs = sorted(results[kind])
            deciles = statistics.quantiles(xs, n=10)
            print(f"{kind:5}  statuses {sorted(statuses[kind])}  distinct bodies {len(bodies[kind])}  "
                  f"median {statistics.median(xs):.2f} ms  p10 {deciles[0]:.2f}  p90 {deciles[-1]:.2f}  "
                  f"mean {statistics.mean(xs):.2f} ms  (n={len(xs)})")
        same_body = bodies["new"] == bodies["taken"]
        diff = statistics.median(results["taken"]) - statistics.median(results["new"])
        spread = min(statistics.quantiles(sorted(results[k]), n=10)[-1]
                     - statistics.quantiles(sorted(results[k]), n=10)[0] for k in results)
        print(f"same status and body: {statuses['new'] == statuses['taken'] and same_body}; "
              f"median taken - new: {diff:+.2f} ms; narrowest p10-p90 spread: {spread:.2f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
