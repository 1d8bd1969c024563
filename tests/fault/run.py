"""The fault suite of issue 26: what the service does under races between two instances, a
`kill -9` under load, and a PostgreSQL outage. Started by `.ci/faults.sh`, which builds the
binary; run by hand with

    python3 tests/fault/run.py --binary PATH

Environment:
    FAULTS_ONLY       comma list of scenarios: races,kill,pgrestart (default: all)
    FAULTS_BACKENDS   comma list of backends for `kill`: sqlite,postgres (default: both);
                      `races` needs postgres (two instances on one database), `pgrestart`
                      makes its own private PostgreSQL cluster
    FAULTS_SCALE      multiplies the number of race trials (default 1)
    FAULTS_KILL_ROUNDS, FAULTS_KILL_SECONDS   rounds per backend and seconds of load (3, 3)

Prints per scenario `tried N, held M` with its status-code histogram, and exits 1 when any
expectation or invariant failed or any 5xx was seen (503 only while PostgreSQL is down), 2 on
a broken setup. Uses 127.0.0.1 only, and removes every process, database and cluster it made.
"""

import argparse
import os
import shutil
import signal
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common as c  # noqa: E402

ALL = ["races", "kill", "pgrestart"]


def env_list(name, default):
    raw = os.environ.get(name, "").strip()
    return [x.strip() for x in raw.split(",") if x.strip()] if raw else list(default)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="the hulpmarkt binary under test")
    args = parser.parse_args()
    only = env_list("FAULTS_ONLY", ALL)
    backends = env_list("FAULTS_BACKENDS", ["sqlite", "postgres"])
    unknown = [x for x in only if x not in ALL] + [b for b in backends if b not in ("sqlite", "postgres")]
    if unknown:
        print(f"unknown scenario or backend: {unknown}", file=sys.stderr)
        return 2
    scale = int(os.environ.get("FAULTS_SCALE", "1"))
    kill_rounds = int(os.environ.get("FAULTS_KILL_ROUNDS", "3"))
    kill_seconds = float(os.environ.get("FAULTS_KILL_SECONDS", "3"))

    # SIGTERM (a CI timeout) cleans up like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    work = c.workdir()
    t0 = time.monotonic()
    results = []  # (scenario, ok, lines)
    try:
        for scenario in only:
            c.log(f"==> {scenario}")
            try:
                if scenario == "races":
                    if "postgres" not in backends:
                        c.log("races: skipped (needs postgres)")
                        continue
                    import races
                    ok, lines = races.run(args.binary, work, scale)
                elif scenario == "kill":
                    import kill
                    ok, lines = kill.run(args.binary, work, backends, kill_rounds, kill_seconds)
                else:
                    if "postgres" not in backends:
                        c.log("pgrestart: skipped (needs postgres)")
                        continue
                    import pgrestart
                    ok, lines = pgrestart.run(args.binary, work)
            except Exception:
                ok, lines = False, [f"{scenario}: SETUP FAILED", traceback.format_exc()]
            finally:
                c.run_cleanup()
            results.append((scenario, ok, lines))
            for line in lines:
                print(line, flush=True)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        c.run_cleanup()
        keep = os.environ.get("FAULTS_KEEP_LOGS")
        if keep:
            shutil.copytree(work, keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)

    print("\n==> fault suite summary")
    for scenario, ok, lines in results:
        print(f"{'PASS' if ok else 'FAIL'} {scenario}")
        for line in lines:
            if "tried" in line:
                print(f"  {line.strip()}")
    print(f"fault suite: {time.monotonic() - t0:.0f}s")
    failed = [s for s, ok, _ in results if not ok]
    if failed:
        print(f"fault suite: FAILED ({', '.join(failed)})")
        return 1
    print("fault suite: every scenario held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
