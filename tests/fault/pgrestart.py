"""Scenario 3 (issue 26): the PostgreSQL server goes away under load and comes back.

Other suites share the machine's PostgreSQL on 5432, so this scenario never touches it: it
makes a private cluster (`initdb` in a temp dir, as the `postgres` OS user when run as root,
since initdb refuses root) on a free port and stops and starts that one. Per round, under a
steady load of posts against one instance, the cluster is stopped (round 1 `-m fast`, round 2
`-m immediate`, i.e. a crash with WAL recovery), kept down a few seconds, and started again.

Expectations: while it is down the service answers 503, never 500 (and always answers); after
the start it serves writes again by itself within `RECOVERY_BOUND` seconds; every write
acknowledged before, during or after is in the database afterwards and readable by its owner;
the invariants hold. A round "held" when its outage went as expected and the final data checks
held (a lost write cannot be put on one round, so then no round held). The cluster and its directory are removed at the end.
"""

import os
import shutil
import subprocess
import tempfile
import threading
import time

import common as c
import invariants

PG_BIN = "/usr/lib/postgresql/15/bin"
RECOVERY_BOUND = 20.0
DOWN_SECONDS = 4.0


class Cluster:
    """A private PostgreSQL cluster on 127.0.0.1:`port`, data and socket in a temp dir."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="hulpmarkt-faults-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = c.free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        c.CLEANUP.append(("private cluster", self.destroy))
        self._run(["initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
                  timeout=120)

    def _run(self, argv, timeout=60, check=True):
        cmd = [os.path.join(PG_BIN, argv[0]), *argv[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if check and out.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {out.stderr.strip()[-500:]}")
        return out

    def start(self):
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=100"
        self._run(["pg_ctl", "-D", self.data, "-o", opts, "-l", os.path.join(self.dir, "pg.log"), "-w",
                   "-t", "60", "start"])

    def stop(self, mode="fast"):
        self._run(["pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop"])

    def destroy(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._run(["pg_ctl", "-D", self.data, "-m", "immediate", "-w", "-t", "30", "stop"], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class Timeline:
    """Every answer of the load with its time, for judging the outage window."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []  # (t, status)

    def add(self, status):
        with self.lock:
            self.events.append((time.monotonic(), status))


def load(base, residents, volunteers, acks, tally, timeline, stop, deadline, seed):
    i = seed
    while not stop.is_set() and time.monotonic() < deadline:
        i += 1
        if i % 3:
            who = residents[i % len(residents)]
            status, body = c.call(base, "POST", "/api/v1/help-requests", c.request_body("boodschappen"),
                                  who.token, tally, timeout=15)
            kind = "help-requests"
        else:
            who = volunteers[i % len(volunteers)]
            status, body = c.call(base, "POST", "/api/v1/offers", c.offer_body(["boodschappen"]), who.token,
                                  tally, timeout=15)
            kind = "offers"
        timeline.add(status)
        if status == 201:
            with acks[1]:
                acks[0].append((kind, body["id"], who))
        elif status != 201:
            time.sleep(0.05)  # no busy loop against a refusing service


def run(binary, workdir, rounds=2):
    t0 = time.monotonic()
    cluster = Cluster()
    cluster.start()
    c.log(f"pgrestart: private cluster on 127.0.0.1:{cluster.port} in {cluster.dir}")
    db = c.Database("postgres", workdir, pg_port=cluster.port, label="pgrestart")
    svc = c.Service(binary, db.url, workdir, "pgrestart", extra_env={"HULPMARKT_DB_TIMEOUT_MS": "2000"})
    svc.cli("migrate")
    svc.start()
    residents = c.register_many(svc.base, ["resident"], 3, "pres")
    volunteers = c.register_many(svc.base, ["volunteer"], 3, "pvol")
    tally, timeline = c.Tally(), Timeline()
    acks = ([], threading.Lock())
    stop = threading.Event()
    deadline = time.monotonic() + 40 * rounds + 30
    workers = [threading.Thread(target=load, daemon=True,
                                args=(svc.base, residents, volunteers, acks, tally, timeline, stop, deadline, w))
               for w in range(4)]
    for w in workers:
        w.start()
    problems, held, recoveries = [], 0, []
    for r in range(1, rounds + 1):
        time.sleep(3)
        mode = "fast" if r % 2 else "immediate"
        t_down = time.monotonic()
        cluster.stop(mode)
        time.sleep(DOWN_SECONDS)
        cluster.start()
        t_up = time.monotonic()
        # Recovered: the first 201 answered after the cluster was back.
        t_rec = None
        while time.monotonic() - t_up < RECOVERY_BOUND + 5:
            with timeline.lock:
                t_rec = next((t for t, s in timeline.events if t > t_up and s == 201), None)
            if t_rec:
                break
            time.sleep(0.2)
        with timeline.lock:
            window = [s for t, s in timeline.events if t_down <= t <= (t_rec or time.monotonic())]
        round_problems = []
        n500 = sum(1 for s in window if isinstance(s, int) and s >= 500 and s != 503)
        n503 = sum(1 for s in window if s == 503)
        nerr = sum(1 for s in window if isinstance(s, str))
        if n500:
            round_problems.append(f"{n500} 5xx other than 503 during the outage")
        if nerr:
            round_problems.append(f"{nerr} calls without an answer during the outage")
        if n503 == 0:
            round_problems.append("no 503 during the outage (the outage was not observed)")
        if t_rec is None or t_rec - t_up > RECOVERY_BOUND:
            round_problems.append(f"no write served within {RECOVERY_BOUND:.0f}s after the database came back")
        rec = (t_rec - t_up) if t_rec else float("inf")
        recoveries.append(rec)
        c.log(f"pgrestart round {r} ({mode}): down {t_up - t_down:.1f}s, {len(window)} answers in the window "
              f"({n503} x 503, {n500} other 5xx, {nerr} unanswered), writes again {rec:.1f}s after start")
        if round_problems:
            problems += [f"round {r} ({mode}): {p}" for p in round_problems]
        else:
            held += 1
    time.sleep(2)
    stop.set()
    for w in workers:
        w.join(timeout=30)
    # Every acknowledged write is there and readable by its owner.
    with acks[1]:
        acked = list(acks[0])
    lost = c.missing_ids(db, "help_requests", [o for k, o, _ in acked if k == "help-requests"])
    lost += c.missing_ids(db, "offers", [o for k, o, _ in acked if k == "offers"])
    unreadable = []
    for kind, oid, owner in acked[-150:]:
        status, _ = c.call(svc.base, "GET", f"/api/v1/{kind}/{oid}", None, owner.token, tally)
        if status != 200:
            unreadable.append((kind, oid, status))
    final = []
    if lost:
        final.append(f"acknowledged but lost: {len(lost)}, e.g. {lost[:3]}")
    if unreadable:
        final.append(f"acknowledged but not readable: {len(unreadable)}, e.g. {unreadable[:3]}")
    final += invariants.report(invariants.check(db), prefix="")
    if final:
        problems += final
        held = 0  # lost or broken data cannot be put on one round: no round held
    non503 = tally.count_5xx(allow=(503,))
    if non503:
        problems.append(f"{non503} 5xx other than 503 in the whole run")
    svc.stop()
    errs = svc.internal_errors()
    db.drop()
    cluster.destroy()
    ok = held == rounds and not final and non503 == 0
    lines = [f"pgrestart: tried {rounds}, held {held}; acknowledged {len(acked)} writes, lost {len(lost)}; "
             f"writes again after {', '.join(f'{x:.1f}s' for x in recoveries)}; "
             f"5xx other than 503: {non503}, no answer {tally.errors()}; codes {tally.histogram()}"]
    lines += [f"    {p}" for p in problems[:8]]
    lines += [f"    5xx: {m} {p} -> {s} {b!r}" for m, p, s, b in tally.fivexx[:5] if s != 503]
    if not ok:
        lines += tally.sample_lines()[:6]
    if errs:
        lines.append(f"    server logged {len(errs)} internal error(s), e.g. {errs[0][:300]}")
    lines.append(f"pgrestart: {time.monotonic() - t0:.0f}s")
    return ok, lines
