"""Invariant skipping (checker/explicit/readsets.py) on the bench families:
the dict store with skipping off, on (the default cost model: only
quantified or large checks guarded) and on with every check guarded
(``readsets.HEAVY_NODES = 0``), interleaved in one process (off, on, all,
off, on, all, ...), CPU time of the search call (``time.process_time``
around ``checker.check``; compile included, imports excluded), median of
each; the distinct-state and transition counts of both must be equal.

    python bench/bench_invariant_skipping.py            # writes bench/results/invariant-skipping.md
    python bench/bench_invariant_skipping.py --reps 1   # a quicker, noisier run
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import checker  # noqa: E402
from checker.explicit import readsets  # noqa: E402

ROWS = [("breaker_n.spec", {"N": 10}), ("config_n.spec", {"W": 2, "K": 3, "C": 2, "V": 10}),
        ("balancer_n.spec", {"N": 6, "M": 3})]


def run(text: str, consts: dict, skip: bool, guard_all: bool = False):
    heavy = readsets.HEAVY_NODES
    readsets.HEAVY_NODES = 0 if guard_all else heavy
    try:
        t = time.process_time()
        r = checker.check(text, consts=consts, check_deadlock=False, invariant_skipping=skip)
        return time.process_time() - t, r
    finally:
        readsets.HEAVY_NODES = heavy


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(HERE, "results", "invariant-skipping.md"))
    a = ap.parse_args()
    rows = []
    for name, consts in ROWS:
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            text = f.read()
        on_t, off_t, all_t = [], [], []
        for _ in range(a.reps):
            t0, r0 = run(text, consts, False)
            t1, r1 = run(text, consts, True)
            t2, r2 = run(text, consts, True, guard_all=True)
            on_t.append(t1)
            off_t.append(t0)
            all_t.append(t2)
            if not ((r1.stats.states, r1.stats.transitions) == (r0.stats.states, r0.stats.transitions)
                    == (r2.stats.states, r2.stats.transitions)):
                print(f"{name}: counts differ", file=sys.stderr)
                return 1
        n_inv = len([p for p in r1.properties if p.kind == "invariant"])
        checks = r1.stats.states * n_inv
        skipped = r1.stats.extra["invariant_checks_skipped"]
        skipped_all = r2.stats.extra["invariant_checks_skipped"]
        row = (name, consts, r1.stats.states, r1.stats.transitions, n_inv, skipped, skipped_all,
               checks, statistics.median(off_t), statistics.median(on_t), statistics.median(all_t))
        rows.append(row)
        print(f"{name} {consts}: {row[2]:,} states, skipped {skipped:,} / {skipped_all:,} of "
              f"{checks:,} checks, off {row[8]:.2f}s on {row[9]:.2f}s all {row[10]:.2f}s, "
              f"off/on {row[8] / row[9]:.3f} off/all {row[8] / row[10]:.3f}", flush=True)
    load = os.getloadavg()
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("# Invariant skipping: dict store, skipping off / on\n\n")
        f.write(f"`python bench/bench_invariant_skipping.py --reps {a.reps}`, "
                f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
                f"Python {platform.python_version()}, load average at the end "
                f"{load[0]:.2f} (a shared 2-core machine: other engineers' jobs ran too).\n\n")
        f.write("On and off interleaved in one process, CPU seconds of `checker.check` "
                f"(compile included), median of {a.reps}; `check_deadlock=False`; equal state and "
                "transition counts asserted.  Checks = states x invariants; skipped = checks "
                "not evaluated (`stats.extra.invariant_checks_skipped`).\n\n")
        f.write("| family | states | transitions | invariants | skipped: on | skipped: all guarded "
                "| off s | on s | all s | off/on | off/all |\n")
        f.write("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        for name, consts, st, tr, ni, sk, ska, ch, off, on, al in rows:
            c = " ".join(f"{k}={v}" for k, v in consts.items())
            f.write(f"| {name} {c} | {st:,} | {tr:,} | {ni} | {sk:,} / {ch:,} ({sk / ch:.0%}) | "
                    f"{ska:,} ({ska / ch:.0%}) | {off:.2f} | {on:.2f} | {al:.2f} | "
                    f"{off / on:.3f} | {off / al:.3f} |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
