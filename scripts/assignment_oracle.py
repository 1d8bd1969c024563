#!/usr/bin/env python3
"""Checks the engine's global assignments against an exact, independent solver.

Each JSON instance (written by `cargo run --example assignment_oracle`) holds a score
matrix with null for forbidden pairs, the offers' capacities and the engine's assignment.
The oracle expands every offer into `capacity` identical columns and solves the
rectangular assignment with scipy.optimize.linear_sum_assignment, maximising
BIG + score over feasible pairs (0 for forbidden ones, which are never counted), with BIG
larger than any total score, so the number matched comes first and the score second.

It checks that the engine's assignment is valid (feasible pairs, capacities), that its
reported totals are what the assignment adds up to, and that it matches as many requests
as the oracle with a total score within 0.1 %. Prints "N passed, M failed"; exits 1 on any
failure.

Usage: assignment_oracle.py DIR
"""

import json
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

REL_TOLERANCE = 1e-3


def oracle(scores, capacities):
    """The exact (matched, total score) of an instance."""
    n = len(scores)
    columns = [o for o, cap in enumerate(capacities) for _ in range(cap)]
    if n == 0 or not columns:
        return 0, 0.0
    big = float(n + 1)
    weight = np.zeros((n, len(columns)))
    feasible = np.zeros((n, len(columns)), dtype=bool)
    for r in range(n):
        for c, o in enumerate(columns):
            s = scores[r][o]
            if s is not None:
                weight[r, c] = big + s
                feasible[r, c] = True
    rows, cols = linear_sum_assignment(weight, maximize=True)
    matched, total = 0, 0.0
    for r, c in zip(rows, cols):
        if feasible[r, c]:
            matched += 1
            total += scores[r][columns[c]]
    return matched, total


def check(instance):
    """A list of problems with the engine's answer (empty when it is right)."""
    scores, capacities = instance["scores"], instance["capacities"]
    problems = []
    used = [0] * len(capacities)
    matched, total = 0, 0.0
    for r, o in enumerate(instance["assignment"]):
        if o is None:
            continue
        if scores[r][o] is None:
            problems.append(f"request {r} assigned to forbidden offer {o}")
            continue
        used[o] += 1
        matched += 1
        total += scores[r][o]
    for o, (u, cap) in enumerate(zip(used, capacities)):
        if u > cap:
            problems.append(f"offer {o} used {u} times, capacity {cap}")
    if matched != instance["matched"] or abs(total - instance["total_score"]) > 1e-6:
        problems.append("reported totals differ from the assignment")
    best_matched, best_total = oracle(scores, capacities)
    if matched != best_matched:
        problems.append(f"matched {matched}, oracle {best_matched}")
    if abs(total - best_total) > REL_TOLERANCE * max(abs(best_total), 1e-9):
        problems.append(f"total {total:.6f}, oracle {best_total:.6f}")
    return problems


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    files = sorted(Path(sys.argv[1]).glob("instance_*.json"))
    passed = failed = 0
    for path in files:
        problems = check(json.loads(path.read_text()))
        if problems:
            failed += 1
            print(f"{path.name}: " + "; ".join(problems))
        else:
            passed += 1
    if not files:
        print(f"no instances in {sys.argv[1]}", file=sys.stderr)
        failed = 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
