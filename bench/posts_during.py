#!/usr/bin/env python3
"""Residents' POSTs while a long job runs (issue 20): how long does a POST wait?

    posts_during.py BASE TOKENS PC4S CLIENTS WARMUP -- COMMAND...

CLIENTS threads post help requests to BASE (one keep-alive connection each, residents from
the TOKENS file of `token,request_id` lines, postcodes from PC4S) without pause. After WARMUP
seconds COMMAND starts (e.g. `hulpmarkt match`); posting stops one second after it ends, and
at the latest after 30 minutes. Prints one RESULT line for the POSTs that ran wholly before
the command (`window=before`) and one for those that overlapped it (`window=during`): count,
errors (any status but 201, or a failed connection), p50, p99 and the longest, in ms.
Talks to 127.0.0.1 only.
"""

import http.client
import json
import random
import subprocess
import sys
import threading
import time
import urllib.parse

CATEGORIES = [("boodschappen", "wmo"), ("klussen", "wmo"), ("tuin", "wmo"), ("vervoer", "wmo"),
              ("gezelschap", "wmo"), ("taalcoaching", "participatiewet"),
              ("digitale-hulp", "participatiewet"), ("huiswerkbegeleiding", "jeugdwet")]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LIMIT_S = 30 * 60


def main():
    base, tokens_path, pc4_path, clients, warmup = sys.argv[1:6]
    command = sys.argv[sys.argv.index("--") + 1:]
    url = urllib.parse.urlparse(base)
    assert url.hostname == "127.0.0.1", "local only"
    tokens = [line.split(",")[0] for line in open(tokens_path) if line.strip()]
    pc4s = [line[:4] for line in open(pc4_path) if line[:4].isdigit()]
    stop = threading.Event()
    samples = []  # (start, end, ok)
    lock = threading.Lock()

    def client(k):
        rng = random.Random(k)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        n = 0
        while not stop.is_set():
            n += 1
            category, domain = rng.choice(CATEGORIES)
            start_hour = rng.randint(8, 17)
            body = json.dumps({
                "domain": domain, "category": category,
                "title": f"Hulp gezocht {k}-{n}", "description": f"Melding {k}-{n} tijdens de ronde",
                "postcode": rng.choice(pc4s), "urgency": "normal", "involves_minor": False,
                "remote_ok": False, "max_distance_km": 10,
                "availability": {"slots": [{"weekday": rng.choice(WEEKDAYS),
                                            "start": f"{start_hour:02d}:00",
                                            "end": f"{start_hour + 3:02d}:00"}],
                                 "session_minutes": 60},
                "consent_municipality": True, "confirm_duplicate": True})
            headers = {"content-type": "application/json",
                       "authorization": "Bearer " + tokens[(k + n) % len(tokens)]}
            began = time.monotonic()
            try:
                conn.request("POST", "/api/v1/help-requests", body, headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 201
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
            with lock:
                samples.append((began, time.monotonic(), ok))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(int(clients))]
    for t in threads:
        t.start()
    time.sleep(float(warmup))
    job_start = time.monotonic()
    job = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=LIMIT_S)
    job_end = time.monotonic()
    time.sleep(1)
    stop.set()
    for t in threads:
        t.join()
    output = job.stdout.strip()
    print(output if job.returncode else (output.splitlines()[-1] if output else "(no output)"))
    print(f"RESULT job_seconds={job_end - job_start:.2f} job_exit={job.returncode}")
    windows = {
        "before": [s for s in samples if s[1] <= job_start],
        "during": [s for s in samples if s[0] < job_end and s[1] > job_start],
    }
    for name, rows in windows.items():
        ms = sorted((end - start) * 1000 for start, end, _ in rows)
        errors = sum(1 for *_, ok in rows if not ok)
        if not ms:
            print(f"RESULT window={name} posts=0")
            continue
        at = lambda q: ms[min(len(ms) - 1, round((len(ms) - 1) * q))]
        print(f"RESULT window={name} posts={len(ms)} errors={errors} p50_ms={at(0.5):.1f} "
              f"p99_ms={at(0.99):.1f} max_ms={ms[-1]:.1f}")


if __name__ == "__main__":
    main()
