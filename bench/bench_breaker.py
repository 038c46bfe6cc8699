"""Explicit-engine benchmark: bench/breaker_n.spec for N = 2..10.

Each N runs in a fresh subprocess so that the peak-memory figure (ru_maxrss)
belongs to that N alone.  "time" is wall-clock time of check() (compilation
included), "cpu" its process CPU time: on a shared machine the two differ,
and states/s is shown for both.  Usage:

    python bench/bench_breaker.py            # N = 2..10
    python bench/bench_breaker.py 8 10       # N = 8..10
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "breaker_n.spec")


def one(n: int) -> dict:
    from checker.explicit.engine import check
    from checker.lang import load_file
    from checker.options import Options

    spec = load_file(SPEC, consts={"N": n})
    c0 = time.process_time()
    r = check(spec, Options())
    cpu = time.process_time() - c0
    assert all(p.verdict.value == "holds" for p in r.properties), r.properties
    return {"n": n, "states": r.stats.states, "transitions": r.stats.transitions,
            "depth": r.stats.depth, "seconds": r.stats.seconds, "cpu": cpu,
            "search": r.stats.extra.get("search_seconds", r.stats.seconds),
            "peak": r.stats.peak_memory_bytes}


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(one(int(argv[1]))))
        return
    lo, hi = (int(argv[0]), int(argv[1])) if len(argv) == 2 else (2, 10)
    print(f"{'N':>3} {'states':>9} {'transitions':>12} {'depth':>5} {'time s':>7} "
          f"{'cpu s':>7} {'states/s':>9} {'(cpu)':>9} {'peak MB':>8}")
    for n in range(lo, hi + 1):
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True,
                             text=True, check=True)
        d = json.loads(out.stdout.strip().splitlines()[-1])
        rate = d["states"] / d["seconds"] if d["seconds"] else 0.0
        crate = d["states"] / d["cpu"] if d["cpu"] else 0.0
        print(f"{n:>3} {d['states']:>9,} {d['transitions']:>12,} {d['depth']:>5} "
              f"{d['seconds']:>7.2f} {d['cpu']:>7.2f} {rate:>9,.0f} {crate:>9,.0f} "
              f"{d['peak'] / 2**20:>8.1f}")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(HERE))
    main(sys.argv[1:])
