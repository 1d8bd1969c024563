"""The invariants every scenario checks afterwards, in SQL on the database itself (the same
statements on SQLite and PostgreSQL), with the schema of `migrations/`.

Each check is a query that returns the offending rows; an empty result is a pass. They are the
rules of docs/ARCHITECTURE.md that concurrency, a crash or a lost database connection must not
break:

- an offer never holds more accepted, nor more live (proposed or accepted), matches than its
  capacity, and its `active_load` equals its live matches (the conditional UPDATE's counter);
- a request has at most one live match, and its status agrees with it (`proposed` with a
  proposed match, `matched` with an accepted one, no live match otherwise);
- an unresolved case belongs to an escalated request (never to a finished one);
- nothing of an erased person remains linked to them (requests, offers, matches).
"""

LIVE = "('proposed', 'accepted')"
FINISHED = "('completed', 'cancelled', 'referred', 'closed')"

CHECKS = [
    ("offer with more accepted matches than its capacity",
     """SELECT o.id, o.capacity, (SELECT count(*) FROM matches m WHERE m.offer_id = o.id
        AND m.status = 'accepted') AS n FROM offers o
        WHERE (SELECT count(*) FROM matches m WHERE m.offer_id = o.id AND m.status = 'accepted')
        > o.capacity"""),
    ("offer with more live matches than its capacity",
     f"""SELECT o.id, o.capacity, (SELECT count(*) FROM matches m WHERE m.offer_id = o.id
        AND m.status IN {LIVE}) AS n FROM offers o
        WHERE (SELECT count(*) FROM matches m WHERE m.offer_id = o.id AND m.status IN {LIVE})
        > o.capacity"""),
    ("offer whose active_load differs from its live matches",
     f"""SELECT o.id, o.active_load, (SELECT count(*) FROM matches m WHERE m.offer_id = o.id
        AND m.status IN {LIVE}) AS n FROM offers o
        WHERE o.active_load <> (SELECT count(*) FROM matches m WHERE m.offer_id = o.id
        AND m.status IN {LIVE})"""),
    ("request with more than one live match",
     f"""SELECT request_id, count(*) FROM matches WHERE status IN {LIVE}
        GROUP BY request_id HAVING count(*) > 1"""),
    ("finished request with a live match",
     f"""SELECT h.id, h.status, m.id, m.status FROM help_requests h JOIN matches m
        ON m.request_id = h.id WHERE m.status IN {LIVE} AND h.status IN {FINISHED}"""),
    ("request status disagrees with its live match",
     f"""SELECT h.id, h.status, m.status FROM help_requests h
        LEFT JOIN matches m ON m.request_id = h.id AND m.status IN {LIVE}
        WHERE (h.status = 'proposed' AND (m.status IS NULL OR m.status <> 'proposed'))
           OR (h.status = 'matched' AND (m.status IS NULL OR m.status <> 'accepted'))
           OR (h.status NOT IN ('proposed', 'matched') AND m.status IS NOT NULL)"""),
    ("unresolved case of a finished request",
     f"""SELECT c.id, c.status, h.id, h.status FROM cases c JOIN help_requests h
        ON h.id = c.request_id WHERE c.status <> 'resolved' AND h.status IN {FINISHED}"""),
    ("unresolved case of a request that is not escalated",
     """SELECT c.id, c.status, h.id, h.status FROM cases c JOIN help_requests h
        ON h.id = c.request_id WHERE c.status <> 'resolved' AND h.status <> 'escalated'"""),
    ("help request still linked to an erased account",
     """SELECT h.id, h.status, h.requester_id FROM help_requests h JOIN users u
        ON u.id = h.requester_id WHERE u.erased_at IS NOT NULL"""),
    ("offer still linked to an erased account",
     """SELECT o.id, o.status, o.volunteer_id FROM offers o JOIN users u
        ON u.id = o.volunteer_id WHERE u.erased_at IS NOT NULL"""),
    ("match still linked to an erased volunteer",
     """SELECT m.id, m.status, m.volunteer_id FROM matches m JOIN users u
        ON u.id = m.volunteer_id WHERE u.erased_at IS NOT NULL"""),
]


def check(db, seen=None):
    """Runs every check on `db`; returns a list of (name, count, sample rows) that failed.

    With `seen` (a set kept by the caller across the trials on one database) only rows not
    reported before count, keyed by check and the row's first column (the object's id): a
    trial is charged with what broke during it, not with an earlier trial's damage."""
    failed = []
    for name, sql in CHECKS:
        rows = db.query(" ".join(sql.split()))
        if seen is not None:
            rows = [r for r in rows if (name, r[0]) not in seen]
            seen.update((name, r[0]) for r in rows)
        if rows:
            failed.append((name, len(rows), rows[:3]))
    return failed


def report(failed, prefix="  "):
    lines = []
    for name, n, sample in failed:
        lines.append(f"{prefix}INVARIANT BROKEN: {name}: {n} row(s), e.g. {sample}")
    return lines


def counts(db):
    """Row counts of the main tables, for the figures of a run."""
    out = {}
    for table in ("users", "help_requests", "offers", "matches", "cases"):
        out[table] = int(db.query(f"SELECT count(*) FROM {table}")[0][0])
    return out
