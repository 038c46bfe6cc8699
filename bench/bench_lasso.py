"""The bounded lasso search (checker/symbolic/lasso_search.py) on Z3's
finite-domain SAT solver (QF_FD, the default) against Z3's general solver
(what the search used before, ``finite_domain=False``), in the same run.

Cases: config.spec's two violated liveness properties (lassos of 14 and 13
steps, no Z3 verdict before), four shorter catalog lassos, and two
properties that hold (the search refutes every depth up to its bound).

Each (case, solver) runs in a fresh subprocess, one at a time (Z3's answers
depend on the process's term history), with a wall-clock cap per case for the
general solver (``--old-timeout``, default 300 s): a search stopped by the
cap reports the depth it reached, and its ratio is a lower bound (">=").
Time is wall-clock on a possibly shared machine; the per-query resource
units (Z3's rlimit count) are machine-independent.

Usage::

    python bench/bench_lasso.py                    # every case (~10 min)
    python bench/bench_lasso.py config             # the cases whose spec name contains "config"
    python bench/bench_lasso.py --old-timeout 600
    python bench/bench_lasso.py --markdown         # the tables for results/lasso-search-*.md
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# (spec, property, depth bound in steps, expected: steps of the shortest lasso or None)
CASES = [
    ("spec/config.spec", "watchers_get_latest", 20, 14),
    ("spec/config.spec", "writers_finish", 20, 13),
    ("spec/breaker.spec", "recovers", 8, 6),
    ("spec/registry.spec", "down_instance_eventually_hidden", 8, 5),
    ("spec/cap_consistent.spec", "requests_answered", 8, 3),
    ("tests/catalog/specs/peterson_unfair.spec", "live", 7, 6),
    ("spec/breaker_fixed.spec", "recovers", 8, None),
    ("tests/catalog/specs/peterson.spec", "live", 7, None),
]
SOLVERS = ("general", "finite")


def one(path: str, prop: str, depth: int, solver: str, timeout: float | None) -> dict:
    """Run the search in this process; per depth: seconds, answer, rlimit units."""
    import z3

    from checker.lang import load_file
    from checker.options import Options
    from checker.symbolic.common import Clock, prepare
    from checker.symbolic.lasso_search import Lasso

    spec = load_file(os.path.join(ROOT, path))
    start = time.monotonic()
    enc, props, failed = prepare(spec, Options(properties=(prop,)), "bmc", start)
    assert failed is None and props, f"{path}: {prop} cannot be encoded"
    clock = Clock(timeout)
    lasso = Lasso(enc, props[0], 0, finite_domain=solver == "finite")
    rows, found, used = [], None, 0
    for n in range(1, depth + 2):
        if clock.expired():
            break
        t0 = time.monotonic()
        r = lasso.check(n, clock)
        secs = time.monotonic() - t0
        count = lasso.stats.get("rlimit count", 0)
        answer = "unknown" if r == "unknown" else ("lasso" if r is not None else "none")
        rows.append({"steps": n - 1, "seconds": round(secs, 3), "answer": answer,
                     "rlimit": count - used})
        used = count
        if r == "unknown":
            break
        if r is not None:
            trace = r[0]
            found = {"steps": len(trace), "loop_start": trace.loop_start}
            break
    return {"spec": path, "property": prop, "solver": solver,
            "finite": lasso.solver.finite, "z3": z3.get_version_string(),
            "seconds": round(time.monotonic() - start, 3), "depths": rows, "found": found}


def run(path: str, prop: str, depth: int, solver: str, timeout: float | None) -> dict:
    cmd = [sys.executable, __file__, "--one", path, prop, str(depth), solver, str(timeout or 0)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def reached(res: dict) -> str:
    if res["found"]:
        return f"lasso of {res['found']['steps']} steps"
    d = [r for r in res["depths"] if r["answer"] == "none"]
    last = d[-1]["steps"] if d else -1
    return f"none up to {last} steps" + ("" if len(d) == len(res["depths"]) else " (stopped)")


def complete(res: dict, depth: int) -> bool:
    return res["found"] is not None or (
        len(res["depths"]) == depth + 1 and all(r["answer"] == "none" for r in res["depths"]))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        path, prop, depth, solver, timeout = argv[1:6]
        print(json.dumps(one(path, prop, int(depth), solver, float(timeout) or None)))
        return 0
    old_timeout = 300.0
    if "--old-timeout" in argv:
        i = argv.index("--old-timeout")
        old_timeout = float(argv[i + 1])
        del argv[i:i + 2]
    markdown = "--markdown" in argv
    argv = [a for a in argv if a != "--markdown"]
    cases = [c for c in CASES if not argv or any(a in c[0] for a in argv)]
    results = []
    for path, prop, depth, want in cases:
        res = {s: run(path, prop, depth, s, old_timeout if s == "general" else None) for s in SOLVERS}
        new, old = res["finite"], res["general"]
        got = new["found"]["steps"] if new["found"] else None
        if got != want or not complete(new, depth):
            print(f"{path} {prop}: the finite-domain search gave {reached(new)}, expected {want}",
                  file=sys.stderr)
            return 1
        if complete(old, depth) and (old["found"] or {}).get("steps") != got:
            print(f"{path} {prop}: the two solvers disagree: {reached(old)} / {reached(new)}",
                  file=sys.stderr)
            return 1
        bound = "" if complete(old, depth) else ">= "
        ratio = f"{bound}{old['seconds'] / max(new['seconds'], 1e-3):.1f}"
        results.append((path, prop, depth, res, ratio))
        print(f"{os.path.basename(path)} {prop}: general {old['seconds']:.1f} s ({reached(old)}), "
              f"finite {new['seconds']:.1f} s ({reached(new)}), ratio {ratio}", file=sys.stderr)
    if markdown:
        print(tables(results))
    else:
        print(json.dumps([r[3] for r in results], indent=1))
    return 0


def tables(results) -> str:
    lines = ["| spec | property | bound | general solver | finite-domain | ratio |",
             "|---|---|---|---|---|---|"]
    for path, prop, depth, res, ratio in results:
        old, new = res["general"], res["finite"]
        lines.append(f"| {os.path.basename(path)} | {prop} | {depth} | {old['seconds']:.1f} s, "
                     f"{reached(old)} | {new['seconds']:.1f} s, {reached(new)} | {ratio} |")
    for path, prop, depth, res, _ in results:
        if "config" not in path:
            continue
        lines += ["", f"Per depth, {os.path.basename(path)} {prop} (seconds; rlimit units of that query):", "",
                  "| steps | general | finite-domain |", "|---|---|---|"]
        old = {r["steps"]: r for r in res["general"]["depths"]}
        for r in res["finite"]["depths"]:
            o = old.get(r["steps"])
            shown = f"{o['seconds']:.2f} s, {o['rlimit']:,} ({o['answer']})" if o else "not reached"
            lines.append(f"| {r['steps']} | {shown} | {r['seconds']:.2f} s, {r['rlimit']:,} ({r['answer']}) |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
