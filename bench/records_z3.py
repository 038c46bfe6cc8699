"""The Z3 engines on records: the two-phase commit with its messages as a
``set<Msg>`` of records (examples/tlaplus/twophase.spec; a record is one
numbered bounded integer, so the set is one Boolean per message number)
against the same protocol with the message set split by hand into one
variable per message kind (bench/twophase_flat.spec).  Same engine, same
resource limit per query, each run in a fresh process; prints seconds and
the verdicts.  (Z3 algebraic datatypes were not implemented, so they are
not in the comparison.)

    python bench/records_z3.py [--const RM_COUNT=3]
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECS = [("records (set<Msg>)", "examples/tlaplus/twophase.spec"), ("flattened by hand", "bench/twophase_flat.spec")]
ENGINES = [("bmc", ["--depth", "10"]), ("kind", ["--max-k", "4"]), ("pdr", []), ("enum", [])]


def run(spec: str, engine: str, args: list[str], consts: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "checker.cli", "--json", "--engine", engine,
                          "--solver-rlimit", "5000000", os.path.join(ROOT, spec), *args, *consts],
                         capture_output=True, text=True, cwd=ROOT)
    r = json.loads(out.stdout)["results"][0]
    verdicts = {}
    for p in r["properties"]:
        verdicts[p["verdict"]] = verdicts.get(p["verdict"], 0) + 1
    return {"seconds": r["stats"]["seconds"], "verdicts": verdicts}


def main() -> None:
    consts = sys.argv[1:] or ["--const", "RM_COUNT=3"]
    print("| engine | encoding | seconds | verdicts |")
    print("|---|---|---|---|")
    for engine, args in ENGINES:
        for label, spec in SPECS:
            r = run(spec, engine, args, consts)
            shown = ", ".join(f"{n} {v}" for v, n in sorted(r["verdicts"].items()))
            print(f"| {engine} | {label} | {r['seconds']:.2f} | {shown} |")


if __name__ == "__main__":
    main()
