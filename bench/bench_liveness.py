"""Temporal properties at scale: the explicit engine's fair-cycle detection
against the safety-only search of the same spec, in the same run.

Families (both with fairness and one property that holds, one violated):

* ``breaker_live_n.spec`` (N callers): ``leaves_open`` holds, ``recovers``
  is violated by a fair lasso;
* ``config_live_n.spec`` (W writers, K watchers, channels of capacity C,
  versions 1..V): ``all_stored`` holds, ``watchers_converge`` is violated.

For every size two fresh subprocesses run one after the other (so that each
peak-memory figure, ru_maxrss, belongs to that run alone):

* **safety**: ``check()`` with only the invariants (the baseline: the plain
  breadth-first search);
* **live**: ``check()`` with everything; the engine reports the search time,
  the graph build time (CSR arrays), the time of the temporal checks, the
  edges and the bytes of the stored graph.

Time is wall-clock (the machine may be shared; CPU seconds are shown too).
Usage::

    python bench/bench_liveness.py                  # every size (~10 min)
    python bench/bench_liveness.py breaker 8 9      # some breaker sizes
    python bench/bench_liveness.py --markdown       # rows for results/liveness-scale.md
    python bench/bench_liveness.py --json FILE      # also append every run's raw figures to FILE
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {
    "breaker": [{"N": n} for n in (8, 9, 10, 11, 12)],
    "config": [{"W": 2, "K": 2, "C": 2, "V": 10}, {"W": 3, "K": 2, "C": 2, "V": 10},
               {"W": 3, "K": 3, "C": 2, "V": 10}],
}
SPECS = {"breaker": "breaker_live_n.spec", "config": "config_live_n.spec"}


def one(family: str, consts: dict, mode: str) -> dict:
    import resource

    from checker.explicit.engine import check
    from checker.lang import load_file
    from checker.options import Options

    spec = load_file(os.path.join(HERE, SPECS[family]), consts=consts)
    names = tuple(i.name for i in spec.invariants) if mode == "safety" else None
    c0, t0 = time.process_time(), time.perf_counter()
    r = check(spec, Options(check_deadlock=False, properties=names))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert r.exhaustive
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    x = r.stats.extra
    return {"states": r.stats.states, "transitions": r.stats.transitions, "wall": wall, "cpu": cpu,
            "search": x["search_seconds"], "graph": x.get("graph_seconds", 0.0),
            "liveness": x.get("liveness_seconds", 0.0), "edges": x.get("graph_edges", 0),
            "graph_bytes": x.get("graph_bytes", 0), "peak": ru, "scan": x.get("never_enabled_seconds", 0.0),
            "verdicts": {p.name: p.verdict.value for p in r.properties if p.kind == "property"},
            "lassos": {p.name: [len(p.trace), p.trace.loop_start] for p in r.properties
                       if p.kind == "property" and p.trace is not None}}


def run(family: str, consts: dict, mode: str) -> dict:
    arg = json.dumps([family, consts, mode])
    out = subprocess.run([sys.executable, __file__, "--one", arg], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def size_label(consts: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in consts.items())


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        family, consts, mode = json.loads(argv[1])
        print(json.dumps(one(family, consts, mode)))
        return
    markdown = "--markdown" in argv
    raw = None
    if "--json" in argv:
        raw = argv[argv.index("--json") + 1]
        argv = argv[:argv.index("--json")] + argv[argv.index("--json") + 2:]
    argv = [a for a in argv if a != "--markdown"]
    todo = []
    if argv:
        family = argv[0]
        picks = SIZES[family]
        if len(argv) > 1 and family == "breaker":
            picks = [{"N": int(n)} for n in argv[1:]]
        todo = [(family, c) for c in picks]
    else:
        todo = [(f, c) for f in SIZES for c in SIZES[f]]
    if markdown:
        print("| family | size | states | edges | safety s (cpu) | safety MB | live s (cpu) | search / graph / "
              "temporal s | live MB | live / safety time (cpu) | live / safety MB | graph bytes/state | "
              "dead-action scan s | verdicts (lasso steps, loop from) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for family, consts in todo:
        s = run(family, consts, "safety")
        v = run(family, consts, "live")
        assert s["states"] == v["states"], (s["states"], v["states"])
        verd = ", ".join(f"{k} {val}" + (" ({}, {})".format(*v["lassos"][k]) if k in v["lassos"] else "")
                         for k, val in v["verdicts"].items())
        mb_s, mb_v = s["peak"] / 2**20, v["peak"] / 2**20
        row = (family, size_label(consts), f"{v['states']:,}", f"{v['edges']:,}",
               f"{s['wall']:.1f} ({s['cpu']:.1f})", f"{mb_s:.0f}", f"{v['wall']:.1f} ({v['cpu']:.1f})",
               f"{v['search']:.1f} / {v['graph']:.1f} / {v['liveness']:.1f}", f"{mb_v:.0f}",
               f"{v['wall'] / s['wall']:.2f} ({v['cpu'] / s['cpu']:.2f})", f"{mb_v / mb_s:.2f}",
               f"{v['graph_bytes'] / v['states']:.0f}", f"{s['scan']:.3f}", verd)
        if raw is not None:
            with open(raw, "a", encoding="utf-8") as f:
                f.write(json.dumps({"family": family, "consts": consts, "safety": s, "live": v}) + "\n")
        if markdown:
            print("| " + " | ".join(row) + " |")
        else:
            print("  ".join(row))
        sys.stdout.flush()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(HERE))
    main(sys.argv[1:])
