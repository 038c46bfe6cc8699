"""Symmetry reduction: states and time with and without it, side by side.

    python bench/bench_symmetry.py                 # breaker N=2..10, balancer up to N=7 M=3
    python bench/bench_symmetry.py --out bench/results/symmetry.md

Each run is a fresh subprocess (``checker.check(..., check_deadlock=False)``)
so that its peak memory is its own; time is the CPU time of the whole call
(parse, compile, search, and with symmetry the sum of orbit sizes).  The
reduced runs use the ``*_sym.spec`` twins, which differ from the plain specs
only by the word ``symmetric`` on one type declaration; the plain runs use
the plain specs.  The script stops with exit code 1 if the reduced run's
orbit sizes do not add up to the plain run's state count.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CHILD = r"""
import json, resource, sys, time
import checker
path, consts = sys.argv[1], json.loads(sys.argv[2])
t = time.process_time()
r = checker.check(path, consts, check_deadlock=False)
cpu = time.process_time() - t
assert all(p.verdict.value == "holds" for p in r.properties), [(p.name, p.verdict) for p in r.properties]
print(json.dumps({"states": r.stats.states, "transitions": r.stats.transitions, "cpu": cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "symmetry": r.stats.extra.get("symmetry")}))
"""

BREAKER = [{"N": n} for n in range(2, 11)]
BALANCER = [{"N": n, "M": m} for n, m in ((3, 2), (4, 2), (5, 2), (5, 3), (6, 3), (7, 3))]


def run(spec: Path, consts: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(spec), json.dumps(consts)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def family(name: str, sizes: list[dict]) -> list[dict]:
    rows = []
    for consts in sizes:
        plain = run(BENCH / f"{name}.spec", consts)
        sym = run(BENCH / f"{name}_sym.spec", consts)
        info = sym["symmetry"]
        if info["unreduced_states"] != plain["states"]:
            sys.exit(f"{name} {consts}: orbit sizes add up to {info['unreduced_states']}, "
                     f"the plain search stored {plain['states']}")
        rows.append({"family": name, "consts": consts, "plain": plain, "sym": sym})
        print(f"{name} {consts}: {plain['states']:,} -> {sym['states']:,} states "
              f"({plain['states'] / sym['states']:.1f}x), {plain['cpu']:.2f}s -> {sym['cpu']:.2f}s "
              f"({plain['cpu'] / sym['cpu']:.1f}x)", flush=True)
    return rows


def table(rows: list[dict]) -> str:
    head = ("| size | states | states, symmetric | reduction | transitions | transitions, symmetric "
            "| CPU s | CPU s, symmetric | speed-up | peak RSS MB | peak RSS MB, symmetric |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    lines = []
    for r in rows:
        p, s = r["plain"], r["sym"]
        size = " ".join(f"{k}={v}" for k, v in r["consts"].items())
        lines.append(f"| {size} | {p['states']:,} | {s['states']:,} | {p['states'] / s['states']:.1f}x "
                     f"| {p['transitions']:,} | {s['transitions']:,} | {p['cpu']:.2f} | {s['cpu']:.2f} "
                     f"| {p['cpu'] / s['cpu']:.1f}x | {p['rss_mb']:.0f} | {s['rss_mb']:.0f} |")
    return head + "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="write the tables there (markdown)")
    args = ap.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows_b = family("breaker_n", BREAKER)
    rows_c = family("balancer_n", BALANCER)
    text = (f"Measured {started}, nproc = {os.cpu_count()}, Python {sys.version.split()[0]}.\n\n"
            "### breaker (a), symmetric in the callers\n\n" + table(rows_b) +
            "\n### balancer (c), symmetric in the clients\n\n" + table(rows_c))
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
