"""Shared plumbing of the fault suite: the HTTP client, the status tally, the service
processes, accounts, and the databases (a fresh PostgreSQL database or SQLite file per run).

Everything here is bounded: every HTTP call has a timeout, every wait a deadline, and every
process or database made here is registered in `CLEANUP` so that `run.py` removes it even
when a scenario fails half-way.
"""

import collections
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

PASSWORD = "fout-suite-wachtwoord-2026"
JWT_SECRET = "fault-suite-secret-of-at-least-32-bytes-long"
PG_ADMIN = {"host": "127.0.0.1", "port": 5432}
HTTP_TIMEOUT = 20.0

# Cleanup actions, newest first when run (a stack): (label, callable).
CLEANUP = []


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- HTTP + tally


class Tally:
    """Status codes per scenario, thread-safe. Transport failures count as `ERR:<kind>`;
    which of them a scenario tolerates is its own decision (a killed service may drop
    connections, a live one must not)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes = collections.Counter()
        self.fivexx = []  # (method, path, status, body excerpt)
        self.samples = {}  # (method, status) -> body excerpt of the first such answer

    def add(self, method, path, status, body):
        with self.lock:
            self.codes[status] += 1
            if isinstance(status, int) and status >= 500 and len(self.fivexx) < 20:
                self.fivexx.append((method, path, status, body[:200]))
            if status not in (200, 201, 202, 204):
                route = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", path.split("?")[0])
                self.samples.setdefault((method, route, status), body[:160])

    def count_5xx(self, allow=()):
        return sum(n for s, n in self.codes.items() if isinstance(s, int) and s >= 500 and s not in allow)

    def count(self, pred):
        return sum(n for s, n in self.codes.items() if pred(s))

    def errors(self):
        return sum(n for s, n in self.codes.items() if isinstance(s, str))

    def sample_lines(self, prefix="    "):
        """One answer body per (method, route, status) that was not a success."""
        return [f"{prefix}{m} {r} -> {s}: {b}" for (m, r, s), b in sorted(self.samples.items(), key=str)
                if isinstance(s, int)]

    def histogram(self):
        return " ".join(f"{k}:{v}" for k, v in sorted(self.codes.items(), key=lambda kv: str(kv[0])))


def call(base, method, path, body=None, token=None, tally=None, timeout=HTTP_TIMEOUT):
    """One HTTP request on a fresh connection. Returns (status, parsed JSON or text);
    status is a string `ERR:<kind>` when no answer came."""
    host, port = base.rsplit("/", 1)[-1].split(":")
    headers = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read().decode("utf-8", "replace")
        status = resp.status
    except (socket.timeout, TimeoutError):
        status, raw = "ERR:timeout", ""
    except (ConnectionError, http.client.HTTPException, OSError) as e:
        status, raw = f"ERR:{type(e).__name__}", ""
    finally:
        conn.close()
    if tally is not None:
        tally.add(method, path, status, raw)
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw
    return status, parsed


def at_once(jobs, workers=None):
    """Runs the callables in `jobs` on their own threads, released together by a barrier,
    and returns their results in order. Bounded: each job is one HTTP call with a timeout."""
    n = len(jobs)
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        results[i] = jobs[i]()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=HTTP_TIMEOUT + 40)
    return results


# --------------------------------------------------------------------------- bodies

CATEGORIES = ["boodschappen", "vervoer", "tuin", "klussen", "gezelschap", "administratie"]


def request_body(category="boodschappen", postcode="3512 AB"):
    """A valid help request (Utrecht), the integration tests' fixture with a unique title."""
    tag = uuid.uuid4().hex[:8]
    return {
        "domain": "wmo", "category": category, "title": f"Hulp gezocht {tag}",
        "description": f"Fout-suite verzoek {tag}: graag hulp op dinsdagochtend.",
        "postcode": postcode, "urgency": "normal", "involves_minor": False, "remote_ok": False,
        "max_distance_km": 10,
        "availability": {"slots": [{"weekday": "tue", "start": "09:00", "end": "12:00"}],
                         "from": None, "until": None, "session_minutes": 60},
        "consent_municipality": True, "confirm_duplicate": True,
    }


def offer_body(categories=("boodschappen",), capacity=2, postcode="3511"):
    """A valid offer (Utrecht) matching `request_body`'s times and place."""
    return {
        "categories": list(categories), "postcode": postcode, "radius_km": 5,
        "remote_ok": False,
        "availability": {"slots": [{"weekday": "tue", "start": "09:00", "end": "12:00"}],
                         "from": None, "until": None},
        "capacity": capacity, "note": "Fout-suite aanbod.",
    }


# --------------------------------------------------------------------------- databases


def psql(dbname, sql, port=None, host=None):
    """Runs `sql` with `psql -At` and returns the output lines (raises on error)."""
    out = subprocess.run(
        ["psql", "-h", host or PG_ADMIN["host"], "-p", str(port or PG_ADMIN["port"]), "-U", "postgres",
         "-d", dbname, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {out.stderr.strip()}")
    return [l for l in out.stdout.splitlines() if l != ""]


class Database:
    """A fresh database for one scenario: a PostgreSQL database (dropped WITH (FORCE) at
    cleanup) or an SQLite file in a temp dir. `query(sql)` returns rows as lists of strings."""

    def __init__(self, backend, workdir, pg_port=None, label="f"):
        self.backend = backend
        if backend == "postgres":
            self.port = pg_port or PG_ADMIN["port"]
            self.name = f"hulpmarkt_fault_{label}_{int(time.time())}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            psql("postgres", f"CREATE DATABASE {self.name}", port=self.port)
            self.url = f"postgres://postgres@127.0.0.1:{self.port}/{self.name}?sslmode=disable"
            CLEANUP.append((f"drop {self.name}", self.drop))
        else:
            self.path = os.path.join(workdir, f"{label}-{uuid.uuid4().hex[:6]}.db")
            self.url = f"sqlite://{self.path}"

    def drop(self):
        if self.backend == "postgres" and not getattr(self, "dropped", False):
            self.dropped = True
            try:
                psql("postgres", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", port=self.port)
            except Exception as e:  # the private cluster may be gone already
                log(f"drop {self.name}: {e}")

    def query(self, sql):
        if self.backend == "postgres":
            return [line.split("|") for line in psql(self.name, sql, port=self.port)]
        import sqlite3
        con = sqlite3.connect(self.path, timeout=30)
        try:
            return [[("" if v is None else str(v)) for v in row] for row in con.execute(sql).fetchall()]
        finally:
            con.close()

    def integrity(self):
        """`PRAGMA integrity_check` on SQLite ('ok' when sound); 'ok' on PostgreSQL."""
        if self.backend != "sqlite":
            return "ok"
        rows = self.query("PRAGMA integrity_check")
        return ";".join(r[0] for r in rows)


def missing_ids(db, table, ids):
    """The ids of `ids` that are not rows of `table`."""
    ids = list(ids)
    found = set()
    for i in range(0, len(ids), 200):
        chunk = ids[i:i + 200]
        quoted = ",".join(f"'{x}'" for x in chunk)
        found |= {r[0] for r in db.query(f"SELECT id FROM {table} WHERE id IN ({quoted})")}
    return [x for x in ids if x not in found]


# --------------------------------------------------------------------------- the service


class Service:
    """One `hulpmarkt serve` process on its own port. `kill9()` is SIGKILL without warning;
    `stop()` is SIGTERM with a bounded wait and then SIGKILL."""

    def __init__(self, binary, db_url, workdir, name, extra_env=None):
        self.binary, self.db_url, self.workdir, self.name = binary, db_url, workdir, name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ)
        self.env.update({
            "DATABASE_URL": db_url,
            "HULPMARKT_BIND": f"127.0.0.1:{self.port}",
            "HULPMARKT_JWT_SECRET": JWT_SECRET,
            "HULPMARKT_LOGIN_BURST_PER_IP": "1000000",
            "HULPMARKT_LOGIN_BURST_PER_ACCOUNT": "1000000",
            "HULPMARKT_HASH_QUEUE": "1000",
            "HULPMARKT_DAILY_PROPOSAL_CAP": "50",
            "HULPMARKT_LOG": os.environ.get("HULPMARKT_LOG", "warn"),
            "HULPMARKT_DISPATCH_SECONDS": "0",
        })
        self.env.update(extra_env or {})
        self.proc = None
        self.logpath = os.path.join(workdir, f"server-{name}.log")
        CLEANUP.append((f"stop {name}", self.stop))

    def cli(self, *args, extra_env=None, timeout=120):
        env = dict(self.env)
        env.update(extra_env or {})
        out = subprocess.run([self.binary, *args], env=env, capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"hulpmarkt {' '.join(args)} failed: {out.stderr.strip()[-500:]}")
        return out.stdout

    def start(self, ready_within=60):
        with open(self.logpath, "a") as logf:
            self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=logf,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        return self.wait_ready(ready_within)

    def wait_ready(self, within):
        """Seconds until `/readyz` answered 200, or raises after `within` seconds."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < within:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.logpath}:\n"
                                   + self.log_tail())
            status, _ = call(self.base, "GET", "/readyz", timeout=2)
            if status == 200:
                return time.monotonic() - t0
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready within {within}s")

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()
        self.proc = None

    def log_tail(self, n=20):
        try:
            with open(self.logpath) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def internal_errors(self):
        """Lines of the server log that report an internal error (the 500 path)."""
        try:
            with open(self.logpath) as f:
                return [l.rstrip() for l in f if "internal error" in l]
        except OSError:
            return []


class Account:
    """A signed-in resident and/or volunteer (registered through the API) or an appointed
    account (created with the CLI, as `.ci/schemathesis.sh` does)."""

    def __init__(self, email, token, uid):
        self.email, self.token, self.id = email, token, uid


def login(base, email):
    status, body = call(base, "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
    if status != 200:
        raise RuntimeError(f"login {email}: {status} {body}")
    return body["access_token"]


def register(base, roles, tag="u"):
    email = f"{tag}-{uuid.uuid4().hex[:12]}@example.nl"
    body = {"email": email, "password": PASSWORD, "display_name": f"Fout {tag}", "roles": list(roles)}
    status, answer = call(base, "POST", "/api/v1/auth/register", body)
    if status != 202:
        raise RuntimeError(f"register: {status} {answer}")
    token = login(base, email)
    status, me = call(base, "GET", "/api/v1/me", token=token)
    if status != 200:
        raise RuntimeError(f"me: {status} {me}")
    return Account(email, token, me["id"])


def register_many(base, roles, n, tag="u"):
    """`n` accounts, registered four at a time (argon2 hashing is the slow part)."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda _: register(base, roles, tag), range(n)))


def appoint(service, role, municipality=None):
    email = f"staff-{uuid.uuid4().hex[:12]}@gemeente.example.nl"
    args = ["admin", "create", "--email", email, "--role", role]
    if municipality:
        args += ["--municipality", municipality]
    service.cli(*args, extra_env={"HULPMARKT_ADMIN_PASSWORD": PASSWORD})
    token = login(service.base, email)
    status, me = call(service.base, "GET", "/api/v1/me", token=token)
    return Account(email, token, me["id"] if status == 200 else None)


def run_cleanup():
    while CLEANUP:
        label, fn = CLEANUP.pop()
        try:
            fn()
        except Exception as e:  # keep cleaning
            print(f"cleanup {label}: {e}", file=sys.stderr)


def workdir():
    d = tempfile.mkdtemp(prefix="hulpmarkt-faults-")
    return d
