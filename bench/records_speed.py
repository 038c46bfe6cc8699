"""The explicit engine before and after records (checker/lang/records.py),
in the same run: each bench family and the record-heavy two-phase commit,
alternating the two checkouts, ``REPS`` times each; prints distinct states
(must be equal), the median states/s of each and their ratio.

    python bench/records_speed.py --base /tmp/base   # a checkout of the commit before records

The base checkout needs only its ``checker/`` folder (``git archive BASE
checker | tar -x -C /tmp/base``).  Records change only the front end, so the
families (which use no records) compile to the same Python; this measures
that nothing else moved."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = [
    ("breaker_n N=8", "bench/breaker_n.spec", ["--const", "N=8"]),
    ("config_n W=2 K=3", "bench/config_n.spec", ["--const", "W=2", "--const", "K=3"]),
    ("balancer_n N=5 M=3", "bench/balancer_n.spec", ["--const", "N=5", "--const", "M=3"]),
    ("twophase RM=6 (records)", "examples/tlaplus/twophase.spec", ["--const", "RM_COUNT=6"]),
]


def run(cwd: str, spec: str, args: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "checker.cli", "--json", os.path.join(ROOT, spec),
                          *args], capture_output=True, text=True, cwd=cwd)
    r = json.loads(out.stdout)["results"][0]
    return {"states": r["stats"]["states"], "rate": r["stats"]["states_per_second"],
            "bits": r["notes"][-1]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    print("| model | states | bits/state | base states/s | records states/s | ratio |")
    print("|---|---|---|---|---|---|")
    for name, spec, args in CASES:
        base, new = [], []
        for _ in range(a.reps):
            if "records" not in name:
                base.append(run(a.base, spec, args))
            new.append(run(ROOT, spec, args))
        if base:
            assert base[0]["states"] == new[0]["states"], (name, base[0], new[0])
        b = statistics.median(x["rate"] for x in base) if base else float("nan")
        n = statistics.median(x["rate"] for x in new)
        bits = new[0]["bits"].split(":")[1].split(";")[0].strip()
        print(f"| {name} | {new[0]['states']:,} | {bits} | {b:,.0f} | {n:,.0f} | "
              f"{n / b if base else float('nan'):.2f} |")


if __name__ == "__main__":
    main()
