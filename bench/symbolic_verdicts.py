"""Every spec in spec/ through every engine with a generous budget.

The catalog (tests/catalog/catalog.py) pins verdicts obtained under a small
budget so that its slow tier stays usable; this script asks how much more the
Z3 engines decide when given time: bmc unrolled past the longest explicit
counterexample, k-induction up to a larger k, PDR with a long per-property
timeout.  It prints, per property, the explicit verdict and each symbolic
verdict, flags every disagreement (a proof against a counterexample), and
writes bench/results/symbolic-verdicts.{md,json}.

    python bench/symbolic_verdicts.py [--timeout 60] [--max-k 10] [spec ...]

Verdicts under a wall-clock timeout depend on the machine's load: a property
near the budget can flip between holds and unknown.  Never between holds and
violated: that would be a disagreement, which this script reports loudly.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "catalog"))

from catalog import CATALOG  # noqa: E402
from checker import engines  # noqa: E402
from checker.lang import load_text  # noqa: E402
from checker.options import Options  # noqa: E402
from checker.results import REACHABLE, Verdict  # noqa: E402

SYMBOLIC = ("bmc", "kind", "pdr")


def run_spec(path: str, timeout: float, max_k: int) -> dict:
    e = next((x for x in CATALOG if x.path == path), None)
    consts = dict(e.consts) if e else {}
    text = open(os.path.join(ROOT, path), encoding="utf-8").read()
    spec = load_text(text, path, consts)
    t = time.perf_counter()
    ex = engines.get("explicit")(spec, Options())
    rows = {p.name: {"pkind": p.kind, "explicit": p.verdict.value,
                     "explicit_len": len(p.trace) if p.trace else None,
                     "lasso": p.trace is not None and p.trace.loop_start is not None}
            for p in ex.properties}
    secs = {"explicit": time.perf_counter() - t}
    longest = max([r["explicit_len"] or 0 for r in rows.values() if not r["lasso"]] + [8])
    depth = max(longest, 12)
    for eng in SYMBOLIC:
        t = time.perf_counter()
        r = engines.get(eng)(spec, Options(depth=depth, max_k=max_k, timeout=timeout))
        secs[eng] = time.perf_counter() - t
        for p in r.properties:
            row = rows.setdefault(p.name, {"pkind": p.kind})
            row[eng] = p.verdict.value
            row[eng + "_len"] = len(p.trace) if p.trace and p.verdict is not Verdict.UNKNOWN else None
            if eng == "kind" and p.verdict is Verdict.HOLDS and p.kind != REACHABLE:
                row["k"] = p.depth
    problems = []
    for name, row in rows.items():
        ev = row.get("explicit")
        for eng in SYMBOLIC:
            sv = row.get(eng)
            if sv in (None, "unknown") or ev in (None, "unknown"):
                continue
            if row["pkind"] == REACHABLE and eng == "bmc" and sv == "violated":
                continue
            if sv != ev:
                problems.append(f"{path} {name}: explicit {ev}, {eng} {sv}")
    return {"path": path, "depth": depth, "max_k": max_k, "timeout": timeout,
            "states": ex.stats.states, "seconds": secs, "rows": rows, "problems": problems}


def decided_by(row: dict) -> str:
    ev = row.get("explicit")
    if row["pkind"] == REACHABLE:
        want = {"holds": ("bmc",), "violated": ("kind", "pdr")}.get(ev, ())
    else:
        want = {"violated": ("bmc", "kind", "pdr"), "holds": ("kind", "pdr")}.get(ev, ())
    return ", ".join(e for e in want if row.get(e) == ev) or "-"


def markdown(results: list[dict], args) -> str:
    out = [f"# Verdicts of every engine on spec/ with a generous budget\n",
           f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
           f"load average {os.getloadavg()[0]:.2f}; `python bench/symbolic_verdicts.py "
           f"--timeout {args.timeout} --max-k {args.max_k}`.  bmc depth = max(12, longest "
           "explicit counterexample).  'symbolic agrees' names the Z3 engines that reached the "
           "explicit verdict on their own (a proof by kind/pdr, a counterexample or witness "
           "by bmc); '-' means they all said unknown within the budget, never the opposite "
           "verdict.\n"]
    n_props = n_sym = 0
    for r in results:
        out.append(f"\n## {r['path']} ({r['states']:,} states; bmc depth {r['depth']})\n")
        out.append("| property | kind | explicit | bmc | kind (k) | pdr | symbolic agrees |")
        out.append("|---|---|---|---|---|---|---|")
        for name, row in r["rows"].items():
            k = f" (k={row['k']})" if row.get("k") else ""
            ag = decided_by(row)
            n_props += 1
            n_sym += ag != "-"
            out.append(f"| {name} | {row['pkind']} | {row.get('explicit')} | {row.get('bmc')} | "
                       f"{row.get('kind')}{k} | {row.get('pdr')} | {ag} |")
        secs = ", ".join(f"{k} {v:.1f} s" for k, v in r["seconds"].items())
        out.append(f"\nTime: {secs}.")
        for p in r["problems"]:
            out.append(f"\n**DISAGREEMENT**: {p}")
    out.insert(2, f"\n{n_sym} of {n_props} properties were also decided by a Z3 engine; "
                  f"{sum(len(r['problems']) for r in results)} disagreements.\n")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("specs", nargs="*")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--max-k", type=int, default=10)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "symbolic-verdicts"))
    args = ap.parse_args(argv)
    specs = args.specs or sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "spec", "*.spec")))
    results = []
    for path in specs:
        r = run_spec(path, args.timeout, args.max_k)
        print(f"{path}: {len(r['rows'])} properties, {len(r['problems'])} disagreements, "
              + ", ".join(f"{k} {v:.0f}s" for k, v in r["seconds"].items()), flush=True)
        for p in r["problems"]:
            print("  DISAGREEMENT", p, flush=True)
        results.append(r)
    with open(args.out + ".json", "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    with open(args.out + ".md", "w", encoding="utf-8") as f:
        f.write(markdown(results, args))
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
