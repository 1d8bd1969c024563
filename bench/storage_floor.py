#!/usr/bin/env python3
"""The storage floor of POST /api/v1/help-requests on SQLite (issue 8).

Writes, straight into a seeded database and with nothing else around them, the rows that one
matched POST stores: its help request and its proposal (`matches`), each pair in its own
savepoint, MAX_GROUP pairs per commit, with the service writer's pragmas (synchronous FULL
by default, a 16 MiB page cache, temporary storage in memory, the same autocheckpoint bound).
That is the service's best case for storage: a full group at every commit, no reads (no
near-duplicate check, no candidate confirmation, no helpers), no HTTP, no token, no
validation, no matching. Run pinned to the server's core, it says how many POSTs per second
that core could take at most on this machine with these tables and indexes.

    storage_floor.py DB_PATH [REQUESTS] [SYNCHRONOUS]

Prints `RESULT scenario=floor rps=… us_per_request=…` like the wrk scripts. It adds rows to
the database; load.sh runs it last, on the database it seeded for the run.
"""
import os
import random
import sqlite3
import sys
import time

# As in src/db/sqlite_writer.rs.
WRITER_CACHE_KIB = 16 * 1024
WAL_AUTOCHECKPOINT_PAGES = 16_000
MAX_GROUP = 32


def v7_key(ms, rnd):
    """A version 7 UUID as the service makes them (domain::ids::new_key): time first."""
    value = (ms << 80) | (0x7 << 76) | ((rnd >> 62) << 64) | (0x2 << 62) | (rnd & ((1 << 62) - 1))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def main():
    path = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    synchronous = sys.argv[3] if len(sys.argv) > 3 else "FULL"
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "busy_timeout = 5000",
        "journal_mode = WAL",
        "foreign_keys = ON",
        f"synchronous = {synchronous}",
        f"cache_size = -{WRITER_CACHE_KIB}",
        f"wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}",
        "temp_store = MEMORY",
    ):
        conn.execute(f"PRAGMA {pragma}")
    requesters = [r[0] for r in conn.execute(
        "SELECT DISTINCT requester_id FROM help_requests WHERE requester_id IS NOT NULL "
        "ORDER BY random() LIMIT 1000")]
    offers = conn.execute(
        "SELECT id, volunteer_id FROM offers WHERE status = 'active' ORDER BY random() LIMIT 1000"
    ).fetchall()
    places = conn.execute(
        "SELECT pc4, municipality_code, lat, lon FROM help_requests ORDER BY random() LIMIT 1000"
    ).fetchall()
    if not requesters or not offers or not places:
        sys.exit("storage_floor: the database is not seeded (hulpmarkt seed)")

    # Everything the loop needs is made before the clock starts: keys, rows, times.
    start_ms = int(time.time() * 1000)
    rows = []
    for i in range(total):
        ms = start_ms + i // 8
        request_id, match_id = v7_key(ms, random.getrandbits(74)), v7_key(ms, random.getrandbits(74))
        pc4, municipality, lat, lon = random.choice(places)
        offer_id, volunteer_id = random.choice(offers)
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}000"
        rows.append((
            (request_id, random.choice(requesters), "wmo", "klussen",
             f"Hulp gezocht {i}", f"Melding {i}: een plank ophangen in de gang", pc4,
             municipality, lat, lon, "normal", False, False, 10.0,
             '{"slots":[{"weekday":"mon","start":"09:00","end":"12:00"}],"session_minutes":60}',
             None, None, 60, True, "proposed", now, now, now),
            (match_id, request_id, offer_id, volunteer_id, "proposed", 0.8,
             '{"proximity":0.9,"availability":1.0,"same_municipality":1.0,"continuity":0.0,"load":1.0}',
             "Dichtbij, op maandagochtend beschikbaar.", now, now, "system", now),
        ))
    insert_request = (
        "INSERT INTO help_requests (id, requester_id, domain, category, title, description, pc4, "
        "municipality_code, lat, lon, urgency, involves_minor, remote_ok, max_distance_km, "
        "availability, available_from, available_until, session_minutes, consent_municipality, "
        "status, created_at, updated_at, status_changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    insert_match = (
        "INSERT INTO matches (id, request_id, offer_id, volunteer_id, status, score, score_parts, "
        "explanation, proposed_at, expires_at, created_by, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

    started = time.perf_counter()
    for first in range(0, total, MAX_GROUP):
        conn.execute("BEGIN IMMEDIATE")
        for request, proposal in rows[first:first + MAX_GROUP]:
            conn.execute("SAVEPOINT one_write")
            conn.execute(insert_request, request)
            conn.execute(insert_match, proposal)
            conn.execute("RELEASE one_write")
        conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    print(f"RESULT scenario=floor rps={total / seconds:.1f} us_per_request={seconds / total * 1e6:.1f} "
          f"requests={total} group={MAX_GROUP} synchronous={synchronous} sqlite={sqlite3.sqlite_version}")


if __name__ == "__main__":
    main()
