"""Scenario 2 (issue 26): `kill -9` of the service under write load, on SQLite and PostgreSQL.

Per backend one database and several rounds. In each round the service runs, worker threads
post help requests and offers and accept the proposals they get, and every acknowledged write
is recorded (a 201 with its id, a 200 on an accept). At a random moment the process gets
SIGKILL while the load goes on; then, before the restart, SQLite's `PRAGMA integrity_check`
must say `ok`, every acknowledged id must be in the database (and an acknowledged accept still
`accepted`: nobody ends a match here) and the invariants must hold; after the restart each
acknowledged request and offer must be readable by its owner through the API.

A round "held" when all of that held and no 5xx was seen (dropped connections around the kill
are expected and only counted).
"""

import random
import threading
import time

import common as c
import invariants


class Acks:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests, self.offers, self.accepts = {}, {}, set()

    def add(self, kind, oid, owner):
        with self.lock:
            getattr(self, kind)[oid] = owner


def load(base, residents, volunteers, acks, tally, stop, deadline, seed):
    """One worker: posts and accepts until `stop` is set or `deadline` passes."""
    rnd = random.Random(seed)
    cats = ["boodschappen", "tuin", "klussen"]
    while not stop.is_set() and time.monotonic() < deadline:
        roll = rnd.random()
        if roll < 0.5:
            r = rnd.choice(residents)
            status, body = c.call(base, "POST", "/api/v1/help-requests", c.request_body(rnd.choice(cats)),
                                  r.token, tally, timeout=10)
            if status == 201:
                acks.add("requests", body["id"], r)
            elif isinstance(status, str):
                time.sleep(0.05)  # the service is down: no busy loop against a closed port
        elif roll < 0.8:
            v = rnd.choice(volunteers)
            status, body = c.call(base, "POST", "/api/v1/offers",
                                  c.offer_body([rnd.choice(cats)], capacity=rnd.randint(1, 3)), v.token, tally,
                                  timeout=10)
            if status == 201:
                acks.add("offers", body["id"], v)
            elif isinstance(status, str):
                time.sleep(0.05)  # the service is down: no busy loop against a closed port
        else:
            v = rnd.choice(volunteers)
            status, page = c.call(base, "GET", "/api/v1/matches?status=proposed&per_page=5", None, v.token,
                                  tally, timeout=10)
            for m in (page or {}).get("items", []) if isinstance(page, dict) else []:
                if m.get("status") != "proposed":
                    continue
                status, _ = c.call(base, "POST", f"/api/v1/matches/{m['id']}/accept", None, v.token, tally,
                                   timeout=10)
                if status == 200:
                    with acks.lock:
                        acks.accepts.add(m["id"])
                break


def run_backend(binary, workdir, backend, rounds, seconds):
    tally = c.Tally()
    problems = []
    held = 0
    db = c.Database(backend, workdir, label="kill")
    svc = c.Service(binary, db.url, workdir, f"kill-{backend}")
    svc.cli("migrate")
    svc.start()
    residents = c.register_many(svc.base, ["resident"], 4, "kres")
    volunteers = c.register_many(svc.base, ["volunteer"], 8, "kvol")
    acks = Acks()
    rnd = random.Random(26)
    restart_times = []
    seen = set()
    for rnd_no in range(1, rounds + 1):
        before = len(tally.fivexx), tally.count_5xx()
        stop = threading.Event()
        deadline = time.monotonic() + seconds + 5
        workers = [threading.Thread(target=load, daemon=True,
                                    args=(svc.base, residents, volunteers, acks, tally, stop, deadline,
                                          rnd_no * 100 + w)) for w in range(6)]
        for w in workers:
            w.start()
        time.sleep(rnd.uniform(seconds * 0.5, seconds))
        svc.kill9()
        time.sleep(0.5)  # the load keeps knocking on a dead port
        stop.set()
        for w in workers:
            w.join(timeout=c.HTTP_TIMEOUT + 5)
        with acks.lock:
            reqs, offs, accs = dict(acks.requests), dict(acks.offers), set(acks.accepts)
        round_problems = []
        integrity = db.integrity()
        if integrity != "ok":
            round_problems.append(f"integrity_check: {integrity[:300]}")
        lost_r = c.missing_ids(db, "help_requests", reqs)
        lost_o = c.missing_ids(db, "offers", offs)
        if lost_r or lost_o:
            round_problems.append(f"acknowledged but lost: {len(lost_r)} request(s), {len(lost_o)} offer(s), "
                                  f"e.g. {(lost_r + lost_o)[:3]}")
        if accs:
            quoted = ",".join(f"'{x}'" for x in accs)
            not_acc = db.query(f"SELECT id, status FROM matches WHERE id IN ({quoted}) AND status <> 'accepted'")
            if not_acc:
                round_problems.append(f"acknowledged accepts no longer accepted: {len(not_acc)}, e.g. {not_acc[:3]}")
        round_problems += invariants.report(invariants.check(db, seen), prefix="")
        restart_times.append(svc.start())
        # The owner reads each acknowledged request and offer back (a sample when there are many).
        sample = [("help-requests", i, o) for i, o in reqs.items()] + [("offers", i, o) for i, o in offs.items()]
        rnd.shuffle(sample)
        unreadable = []
        for kind, oid, owner in sample[:120]:
            status, _ = c.call(svc.base, "GET", f"/api/v1/{kind}/{oid}", None, owner.token, tally)
            if status != 200:
                unreadable.append((kind, oid, status))
        if unreadable:
            round_problems.append(f"acknowledged but not readable after restart: {len(unreadable)}, "
                                  f"e.g. {unreadable[:3]}")
        if tally.count_5xx() > before[1]:
            round_problems.append(f"{tally.count_5xx() - before[1]} 5xx answers in this round")
        c.log(f"kill/{backend} round {rnd_no}: acked {len(reqs)} requests, {len(offs)} offers, "
              f"{len(accs)} accepts so far; restart ready in {restart_times[-1]:.1f}s; "
              f"{'held' if not round_problems else 'BROKEN'}")
        if round_problems:
            problems += [f"round {rnd_no}: {p}" for p in round_problems]
        else:
            held += 1
    svc.stop()
    errs = svc.internal_errors()
    db.drop()
    ok = held == rounds and tally.count_5xx() == 0
    lines = [f"kill/{backend}: tried {rounds}, held {held}; acknowledged {len(acks.requests)} requests, "
             f"{len(acks.offers)} offers, {len(acks.accepts)} accepts; restart ready "
             f"{max(restart_times):.1f}s at most; 5xx {tally.count_5xx()}, "
             f"no answer {tally.errors()}; codes {tally.histogram()}"]
    lines += [f"    {p}" for p in problems[:8]]
    lines += [f"    5xx: {m} {p} -> {s} {b!r}" for m, p, s, b in tally.fivexx[:5]]
    lines += tally.sample_lines()[:6]
    if errs:
        lines.append(f"    server logged {len(errs)} internal error(s), e.g. {errs[0][:300]}")
    return ok, lines


def run(binary, workdir, backends, rounds=3, seconds=3.0):
    ok, lines = True, []
    t0 = time.monotonic()
    for backend in backends:
        b_ok, b_lines = run_backend(binary, workdir, backend, rounds, seconds)
        ok &= b_ok
        lines += b_lines
    lines.append(f"kill: {time.monotonic() - t0:.0f}s")
    return ok, lines
