"""Scenario 1 (issue 26): races on PostgreSQL with two instances on one database.

Two `hulpmarkt serve` processes (different ports, one JWT secret) share a fresh database; every
race sends its concurrent calls alternately to both, released together by a barrier. The races:

- cancel20: 20 cancels of one request at once: exactly one 200, the rest 409;
- cancel-escalate-sweep: cancels vs escalations of one request vs a sweep (`hulpmarkt sweep`)
  and the global batch (`POST /matching-batch`): exactly one cancel 200, at most one escalate;
- case: cancels of an escalated request vs claims and resolutions of its case;
- match: accepts vs declines (volunteer) vs cancels (both sides) of one proposal: at most one of
  accept/decline 200;
- posts300: 150 `POST /offers` and 150 `POST /help-requests` at once (3 times), all 201;
- capacity: `PATCH /offers/{id}` capacity 1 vs accepts of the offer's four proposals;
- erasure: `DELETE /me` vs posts of requests and offers by that account on both instances.

After each race the invariants (invariants.py) are checked in SQL; a race "held" when its
expectations, the invariants and "no 5xx, no dropped connection" all held.
"""

import time

import common as c
import invariants

MUNICIPALITY = "GM0344"  # Utrecht, where the request and offer fixtures are


class Race:
    """Figures of one kind of race: tried, held, the status histogram, what broke."""

    seen = set()  # invariant violations reported already (one database per run)

    def __init__(self, name):
        self.name, self.tried, self.held = name, 0, 0
        self.tally = c.Tally()
        self.problems = []

    def finish_trial(self, db, expectations):
        """Checks the invariants and the trial's own expectations ([(ok, text)]); counts it."""
        self.tried += 1
        broken = [text for ok, text in expectations if not ok]
        broken += invariants.report(invariants.check(db, Race.seen), prefix="")
        if broken:
            self.problems += [f"trial {self.tried}: {b}" for b in broken]
        else:
            self.held += 1

    def verdict(self):
        fivexx = self.tally.count_5xx()
        errs = self.tally.errors()
        ok = self.held == self.tried and fivexx == 0 and errs == 0
        lines = [f"races/{self.name}: tried {self.tried}, held {self.held}; 5xx {fivexx}, "
                 f"no answer {errs}; codes {self.tally.histogram()}"]
        lines += [f"    {p}" for p in self.problems[:8]]
        if len(self.problems) > 8:
            lines.append(f"    … {len(self.problems) - 8} more")
        lines += [f"    5xx: {m} {p} -> {s} {b!r}" for m, p, s, b in self.tally.fivexx[:5]]
        if not ok:
            lines += self.tally.sample_lines()[:8]
        return ok, lines


def codes(results, ok=200):
    return sum(1 for s, _ in results if s == ok)


def post_request(base, acc, category, tally):
    status, body = c.call(base, "POST", "/api/v1/help-requests", c.request_body(category), acc.token, tally)
    if status != 201:
        raise RuntimeError(f"setup: POST /help-requests {status} {body}")
    return body["id"]


def race_cancel20(bases, db, resident, trials):
    race = Race("cancel20")
    for _ in range(trials):
        rid = post_request(bases[0], resident, "administratie", race.tally)
        jobs = [lambda b=bases[i % 2]: c.call(b, "POST", f"/api/v1/help-requests/{rid}/cancel",
                                               None, resident.token, race.tally) for i in range(20)]
        res = c.at_once(jobs)
        ok = codes(res)
        race.finish_trial(db, [(ok == 1, f"{ok} of 20 cancels answered 200 (expected exactly 1)"),
                               (codes(res, 409) == 19, f"{codes(res, 409)} of 20 answered 409 (expected 19)")])
    return race


def race_cancel_escalate_sweep(services, db, resident, admin, trials):
    race = Race("cancel-escalate-sweep")
    bases = [s.base for s in services]
    for _ in range(trials):
        rid = post_request(bases[0], resident, "administratie", race.tally)
        jobs = []
        for i in range(12):
            verb = "cancel" if i % 2 == 0 else "escalate"
            jobs.append(lambda b=bases[i % 2], v=verb: (v, c.call(
                b, "POST", f"/api/v1/help-requests/{rid}/{v}", None, resident.token, race.tally)))
        jobs.append(lambda: ("batch", c.call(bases[1], "POST", "/api/v1/matching-batch", None,
                                             admin.token, race.tally)))

        def sweep():
            try:
                services[0].cli("sweep", timeout=60)
                return ("sweep", (200, None))
            except Exception as e:  # a failing sweep is a finding, not a crash of the suite
                return ("sweep", ("ERR:sweep", str(e)[:200]))
        jobs.append(sweep)
        res = c.at_once(jobs)
        cancels = [r for v, r in res if v == "cancel"]
        escalates = [r for v, r in res if v == "escalate"]
        sweep_status = [r for v, r in res if v == "sweep"][0]
        race.finish_trial(db, [
            (codes(cancels) == 1, f"{codes(cancels)} of 6 cancels answered 200 (expected 1)"),
            (codes(escalates) <= 1, f"{codes(escalates)} of 6 escalations answered 200 (expected ≤ 1)"),
            (sweep_status[0] == 200, f"hulpmarkt sweep failed: {sweep_status[1]}"),
        ])
    return race


def race_case(bases, db, resident, worker, trials):
    race = Race("case")
    for _ in range(trials):
        rid = post_request(bases[0], resident, "administratie", race.tally)
        status, _ = c.call(bases[0], "POST", f"/api/v1/help-requests/{rid}/escalate", None, resident.token, race.tally)
        if status != 200:
            race.problems.append(f"setup: escalate answered {status}")
            continue
        status, page = c.call(bases[1], "GET", "/api/v1/cases?per_page=100", None, worker.token, race.tally)
        case_id = next((i["id"] for i in (page or {}).get("items", []) if i.get("request_id") == rid), None)
        if case_id is None:
            race.problems.append(f"setup: case of {rid} not in the queue ({status})")
            continue
        resolve = {"outcome": "returned_to_marketplace"}
        jobs = []
        for i in range(12):
            b = bases[i % 2]
            if i % 3 == 0:
                jobs.append(lambda b=b: ("cancel", c.call(b, "POST", f"/api/v1/help-requests/{rid}/cancel",
                                                          None, resident.token, race.tally)))
            elif i % 3 == 1:
                jobs.append(lambda b=b: ("claim", c.call(b, "POST", f"/api/v1/cases/{case_id}/claim",
                                                         None, worker.token, race.tally)))
            else:
                jobs.append(lambda b=b: ("resolve", c.call(b, "POST", f"/api/v1/cases/{case_id}/resolve",
                                                           resolve, worker.token, race.tally)))
        res = c.at_once(jobs)
        cancels = [r for v, r in res if v == "cancel"]
        claims = [r for v, r in res if v == "claim"]
        resolves = [r for v, r in res if v == "resolve"]
        race.finish_trial(db, [
            (codes(cancels) == 1, f"{codes(cancels)} of 4 cancels answered 200 (expected 1)"),
            (codes(claims) <= 1, f"{codes(claims)} of 4 claims answered 200 (expected ≤ 1)"),
            (codes(resolves) <= 1, f"{codes(resolves)} of 4 resolutions answered 200 (expected ≤ 1)"),
        ])
    return race


def race_match(bases, db, residents, volunteers, trials):
    """Two volunteers offer `klussen`; each trial's request is proposed to one of them."""
    race = Race("match")
    owner = {}
    for v in volunteers:
        status, body = c.call(bases[0], "POST", "/api/v1/offers", c.offer_body(["klussen"], capacity=10),
                              v.token, race.tally)
        if status != 201:
            raise RuntimeError(f"setup: POST /offers {status} {body}")
        owner[body["id"]] = v
    for t in range(trials):
        resident = residents[t % len(residents)]
        rid = post_request(bases[t % 2], resident, "klussen", race.tally)
        status, matches = c.call(bases[0], "GET", f"/api/v1/help-requests/{rid}/matches", None,
                                 resident.token, race.tally)
        live = [m for m in (matches or {}).get("items", []) if m.get("status") == "proposed"]
        if status != 200 or not live or live[0].get("offer_id") not in owner:
            race.problems.append(f"setup: no proposal for {rid} ({status}, {matches!r:.200})")
            continue
        mid, vol = live[0]["id"], owner[live[0]["offer_id"]]
        jobs = []
        for i in range(16):
            b = bases[i % 2]
            kind = ("accept", "decline", "cancel", "cancel-volunteer")[i % 4]
            who = resident if kind == "cancel" else vol
            verb = "cancel" if kind.startswith("cancel") else kind
            body = None if verb == "accept" else {"reason": None}
            jobs.append(lambda b=b, k=kind, w=who, v=verb, body=body: (k, c.call(
                b, "POST", f"/api/v1/matches/{mid}/{v}", body, w.token, race.tally)))
        res = c.at_once(jobs)
        acc = codes([r for k, r in res if k == "accept"])
        dec = codes([r for k, r in res if k == "decline"])
        can = codes([r for k, r in res if k.startswith("cancel")])
        race.finish_trial(db, [
            (acc + dec <= 1, f"accept 200 x{acc} and decline 200 x{dec} (expected at most one in all)"),
            (can <= 1, f"{can} cancels answered 200 (expected ≤ 1)"),
        ])
    return race


def race_posts300(bases, db, residents, volunteers, trials):
    race = Race("posts300")
    for _ in range(trials):
        jobs = []
        for i in range(300):
            b = bases[i % 2]
            if i % 2 == 0:
                v = volunteers[(i // 2) % len(volunteers)]
                body = c.offer_body(["gezelschap"], capacity=1 + (i // 2) % 3)
                jobs.append(lambda b=b, v=v, body=body: c.call(b, "POST", "/api/v1/offers", body, v.token,
                                                               race.tally))
            else:
                r = residents[(i // 2) % len(residents)]
                body = c.request_body("gezelschap")
                jobs.append(lambda b=b, r=r, body=body: c.call(b, "POST", "/api/v1/help-requests", body, r.token,
                                                               race.tally))
        res = c.at_once(jobs)
        created = codes(res, 201)
        race.finish_trial(db, [(created == 300, f"{created} of 300 posts answered 201 (expected 300)")])
    return race


def race_capacity(bases, db, make_volunteer, residents, trials):
    """Per trial a new offer (capacity 4, a category of its own) gets four proposals, then
    four accepts race three `PATCH capacity: 1`."""
    race = Race("capacity")
    categories = ["huishouden", "maaltijden", "huisdieren", "digitale-hulp", "budgetcoaching"]
    for t in range(min(trials, len(categories))):
        cat, vol = categories[t], make_volunteer()
        status, offer = c.call(bases[0], "POST", "/api/v1/offers", c.offer_body([cat], capacity=4),
                               vol.token, race.tally)
        if status != 201:
            raise RuntimeError(f"setup: POST /offers {status} {offer}")
        for r in residents[:4]:
            post_request(bases[1], r, cat, race.tally)
        status, mine = c.call(bases[0], "GET", "/api/v1/matches?per_page=100", None, vol.token, race.tally)
        proposals = [m["id"] for m in (mine or {}).get("items", []) if m.get("status") == "proposed"]
        jobs = [lambda b=bases[i % 2], m=m: ("accept", c.call(b, "POST", f"/api/v1/matches/{m}/accept",
                                                              None, vol.token, race.tally))
                for i, m in enumerate(proposals)]
        jobs += [lambda b=bases[i % 2]: ("patch", c.call(b, "PATCH", f"/api/v1/offers/{offer['id']}",
                                                         {"capacity": 1}, vol.token, race.tally))
                 for i in range(3)]
        res = c.at_once(jobs)
        accepted = codes([r for k, r in res if k == "accept"])
        patched = codes([r for k, r in res if k == "patch"])
        row = db.query(f"SELECT capacity FROM offers WHERE id = '{offer['id']}'")
        cap = int(row[0][0]) if row else -1
        race.finish_trial(db, [
            (len(proposals) == 4, f"setup: {len(proposals)} proposals instead of 4"),
            (not (patched and accepted > 1 and cap < accepted),
             f"capacity {cap} with {accepted} accepts and {patched} PATCH 200"),
        ])
    return race


def race_erasure(bases, db, make_both, trials):
    race = Race("erasure")
    # A category per trial: what an erasure leaves behind must not meet the next trial's posts.
    categories = ["boodschappen", "tuin", "vervoer", "telefoonmaatje", "mantelzorgondersteuning"]
    for t in range(trials):
        cat = categories[t % len(categories)]
        acc = make_both()
        jobs = [lambda: ("erase", c.call(bases[0], "DELETE", "/api/v1/me", {"password": c.PASSWORD},
                                         acc.token, race.tally))]
        for i in range(14):
            b = bases[i % 2]
            if i % 3 == 2:
                jobs.append(lambda b=b: ("offer", c.call(b, "POST", "/api/v1/offers",
                                                         c.offer_body([cat]), acc.token, race.tally)))
            else:
                jobs.append(lambda b=b: ("request", c.call(b, "POST", "/api/v1/help-requests",
                                                           c.request_body(cat), acc.token, race.tally)))
        res = c.at_once(jobs)
        erased = [r for k, r in res if k == "erase"][0][0]
        race.finish_trial(db, [(erased == 200, f"DELETE /me answered {erased}")])
    return race


def run(binary, workdir, scale=1):
    """Runs every race on a fresh PostgreSQL database; returns (ok, report lines)."""
    t0 = time.monotonic()
    Race.seen = set()
    db = c.Database("postgres", workdir, label="races")
    a = c.Service(binary, db.url, workdir, "races-a")
    a.cli("migrate")
    b = c.Service(binary, db.url, workdir, "races-b")
    a.start()
    b.start()
    bases = [a.base, b.base]
    c.log(f"races: two instances at {a.base} and {b.base} on {db.name}")
    residents = c.register_many(a.base, ["resident"], 10, "res")
    volunteers = c.register_many(b.base, ["volunteer"], 10, "vol")
    admin = c.appoint(a, "admin")
    worker = c.appoint(a, "case-worker", MUNICIPALITY)
    c.log(f"races: accounts ready after {time.monotonic() - t0:.1f}s")
    n = max(1, scale)
    races = [
        race_cancel20(bases, db, residents[0], 5 * n),
        race_cancel_escalate_sweep([a, b], db, residents[1], admin, 5 * n),
        race_case(bases, db, residents[2], worker, 5 * n),
        race_match(bases, db, residents, volunteers[:2], 10 * n),
        race_posts300(bases, db, residents, volunteers, 3),
        race_capacity(bases, db, lambda: c.register(a.base, ["volunteer"], "cap"), residents, 4),
        race_erasure(bases, db, lambda: c.register(a.base, ["resident", "volunteer"], "era"), 5 * n),
    ]
    ok, lines = True, []
    for race in races:
        r_ok, r_lines = race.verdict()
        ok &= r_ok
        lines += r_lines
    for s in (a, b):
        if s.proc is None or s.proc.poll() is not None:
            ok = False
            lines.append(f"  {s.name} died during the races:\n{s.log_tail()}")
    a.stop()
    b.stop()
    for s in (a, b):
        errs = s.internal_errors()
        if errs:
            lines.append(f"  {s.name} logged {len(errs)} internal error(s), e.g. {errs[0][:300]}")
    db.drop()
    lines.append(f"races: {time.monotonic() - t0:.0f}s")
    return ok, lines
