"""The properties the generous-budget sweep left without a Z3 verdict, again.

bench/symbolic_verdicts.py (bench/results/symbolic-verdicts.json) runs every
engine on every property of spec/; the properties where no Z3 engine reached
the explicit verdict are listed there with "-".  This script takes exactly
that list and asks the engines that could decide each one, with the current
code and specs and a per-property budget:

* explicit holds     -> kind and pdr (temporal properties: on the
                        liveness-to-safety product);
* explicit violated  -> bmc (unrolled to the explicit length) and pdr.

The spec's invariants are checked in the same run, so proofs that assume the
invariants already proved (kind's joint proofs, pdr's second pass, the
product's assumptions) are available, as in a normal ``verify`` run.  The
rows are written to bench/results/open-verdicts.{md,json}.

    python bench/open_verdicts.py [--timeout 120] [--max-k 8]

Wall-clock budgets depend on the machine's load: a property near the budget
can flip between a verdict and unknown, never between holds and violated
(such a disagreement is printed loudly).
"""
from __future__ import annotations

import argparse
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

SWEEP = os.path.join(ROOT, "bench", "results", "symbolic-verdicts.json")


def open_rows() -> list[tuple[str, str, dict]]:
    """(spec path, property, sweep row) of every property no Z3 engine decided."""
    out = []
    for spec in json.load(open(SWEEP, encoding="utf-8")):
        for name, row in spec["rows"].items():
            want = row["explicit"]
            if want not in ("holds", "violated"):
                continue
            decided = any(row.get(e) == want and not (e == "bmc" and want == "holds" and row["pkind"] != "reachable")
                          for e in ("bmc", "kind", "pdr"))
            if row["pkind"] == "reachable":
                decided = any(row.get(e) == want for e in ("bmc", "kind", "pdr"))
            if not decided:
                out.append((spec["path"], name, row))
    return out


def check(path: str, names: list[str], rows: dict, timeout: float, max_k: int) -> list[dict]:
    e = next((x for x in CATALOG if x.path == path), None)
    text = open(os.path.join(ROOT, path), encoding="utf-8").read()
    spec = load_text(text, path, dict(e.consts) if e else {})
    invs = tuple(i.name for i in spec.invariants)
    results = []
    ex = engines.get("explicit")(spec, Options(properties=tuple(names)))
    for name in names:
        exp = ex.get(name)
        want = exp.verdict.value
        engs = ("kind", "pdr") if want == "holds" else ("bmc", "pdr")
        row = {"spec": path, "property": name, "kind": exp.kind, "explicit": want,
               "explicit_len": len(exp.trace) if exp.trace else None}
        for eng in engs:
            depth = max(len(exp.trace) if exp.trace else 0, 1)
            props = tuple(dict.fromkeys((name,) + (invs if eng != "bmc" else ())))
            t = time.perf_counter()
            r = engines.get(eng)(spec, Options(properties=props, depth=depth, max_k=max_k, timeout=timeout))
            got = r.get(name)
            row[eng] = got.verdict.value
            row[eng + "_seconds"] = round(time.perf_counter() - t, 1)
            row[eng + "_method"] = got.method
            if got.verdict.value in ("holds", "violated") and got.verdict.value != want:
                row["DISAGREES"] = f"{eng} says {got.verdict.value}, explicit {want}"
                print(f"!!! {path} {name}: {row['DISAGREES']}", flush=True)
            print(f"{path} {name}: {eng} {got.verdict.value} ({row[eng + '_seconds']} s)", flush=True)
        results.append(row)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--max-k", type=int, default=8)
    ap.add_argument("--kinds", default="", help="only these kinds of property (comma-separated: "
                    "invariant,typeok,deadlock,property)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "open-verdicts"))
    args = ap.parse_args()
    kinds = set(filter(None, args.kinds.split(",")))
    by_spec: dict[str, list[str]] = {}
    rows = {}
    for path, name, row in open_rows():
        if kinds and row["pkind"] not in kinds:
            continue
        by_spec.setdefault(path, []).append(name)
        rows[(path, name)] = row
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()[0]
    out = []
    for path, names in by_spec.items():
        out += check(path, names, rows, args.timeout, args.max_k)
    decided = [r for r in out if any(r.get(e) == r["explicit"] for e in ("bmc", "kind", "pdr"))]
    with open(args.out + ".json", "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    lines = [f"# The properties the sweep left without a Z3 verdict, again", "",
             f"Measured {started}, load average {load:.2f}; `python bench/open_verdicts.py "
             f"--timeout {args.timeout} --max-k {args.max_k}"
             + (f" --kinds {args.kinds}" if kinds else "") + "`.  Source list: the rows of "
             "`symbolic-verdicts.md` marked '-'.", "",
             f"{len(decided)} of {len(out)} are now decided by a Z3 engine; "
             f"{sum('DISAGREES' in r for r in out)} disagreements.", "",
             "| spec | property | kind | explicit | bmc | kind (k-induction) | pdr | how |",
             "|---|---|---|---|---|---|---|---|"]
    for r in out:
        how = next((r[e + "_method"] for e in ("pdr", "kind", "bmc") if r.get(e) == r["explicit"]), "")
        cells = [f"{r.get(e, '')}" + (f" ({r[e + '_seconds']} s)" if e in r else "") for e in ("bmc", "kind", "pdr")]
        lines.append(f"| {r['spec']} | {r['property']} | {r['kind']} | {r['explicit']}"
                     + (f" ({r['explicit_len']})" if r["explicit_len"] else "")
                     + " | " + " | ".join(cells) + f" | {how} |")
    with open(args.out + ".md", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(decided)} of {len(out)} decided; written {args.out}.md")


if __name__ == "__main__":
    main()
