"""Bytes per stored state of the explicit engine's two stores on a large run.

    python bench/memory_per_state.py breaker_n N=13            # both stores, one after the other
    python bench/memory_per_state.py breaker_n N=13 --store compact --workers 2

Each run is a fresh subprocess: it imports the checker and numpy, reads its
resident set (the baseline), runs ``checker.check(spec, consts,
check_deadlock=False, store=...)``, and reports distinct states, transitions,
wall and CPU time (its own and its worker processes'), the peak resident set
(``ru_maxrss``) and the net bytes per stored state, (peak - baseline) /
states.  It prints one CSV row per run (header first).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIELDS = ["family", "consts", "store", "workers", "states", "transitions", "depth", "wall_s",
          "cpu_s", "children_cpu_s", "baseline_mb", "peak_mb", "net_bytes_per_state",
          "store_bytes_per_state"]


def child(family: str, consts: dict, store: str, workers: int) -> None:
    import resource
    import time

    import numpy  # noqa: F401  (imported before the baseline, for both stores)

    import checker
    import checker.explicit.engine  # noqa: F401
    from checker.explicit.search import rss_mb

    base = rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    r = checker.check(os.path.join(HERE, f"{family}.spec"), consts=consts, engine="explicit",
                      check_deadlock=False, store=store, workers=workers)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    ch = os.times()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    assert all(p.verdict.value == "holds" for p in r.properties), "a property does not hold"
    sb = r.stats.extra.get("store_bytes")
    print(json.dumps({
        "family": family, "consts": " ".join(f"{k}={v}" for k, v in consts.items()),
        "store": store, "workers": workers, "states": r.stats.states,
        "transitions": r.stats.transitions, "depth": r.stats.depth, "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2), "children_cpu_s": round(ch.children_user + ch.children_system, 2),
        "baseline_mb": round(base, 1), "peak_mb": round(peak, 1),
        "net_bytes_per_state": round((peak - base) * 1e6 / r.stats.states, 1),
        "store_bytes_per_state": round(sb / r.stats.states, 2) if sb else ""}))


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        family, consts, store, workers = json.loads(argv[1])
        child(family, consts, store, workers)
        return
    family = argv[0]
    consts = {}
    stores = ["dict", "compact"]
    workers = 1
    i = 1
    while i < len(argv):
        if argv[i] == "--store":
            stores = [argv[i + 1]]
            i += 2
        elif argv[i] == "--workers":
            workers = int(argv[i + 1])
            i += 2
        else:
            k, v = argv[i].split("=")
            consts[k] = int(v)
            i += 1
    print(",".join(FIELDS), flush=True)
    for store in stores:
        w = workers if store == "compact" else 1
        out = subprocess.run([sys.executable, __file__, "--child",
                              json.dumps([family, consts, store, w])],
                             capture_output=True, text=True, cwd=ROOT)
        if out.returncode:
            sys.exit(out.stderr)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(",".join(str(row[f]) for f in FIELDS), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
