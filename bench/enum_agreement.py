"""The enum engine against the explicit engine on every spec of spec/.

For each spec (the catalog's constants) both engines run in this process,
one after the other: the explicit engine with symmetry reduction off, so
that both graphs are the whole reachable graph.  The table gives their
states, transitions and breadth-first depth, how many verdicts agree, and
the time ratio enum / explicit (same process, same machine, same run).

    python bench/enum_agreement.py [--max-states 20000] [--out bench/results/enum-agreement.md]

Specs with more states than --max-states are listed as skipped (config.spec:
115,320 states, about 20 minutes of enumeration at ~100 states a second).
A verdict that differs is printed loudly and makes the exit code 1.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "catalog"))

from catalog import CATALOG  # noqa: E402
from checker import engines  # noqa: E402
from checker.lang import load_text  # noqa: E402
from checker.options import Options  # noqa: E402


def measure(entry) -> tuple[str, bool]:
    with open(entry.abspath, encoding="utf-8") as f:
        text = f.read()
    spec = load_text(text, entry.path, dict(entry.consts))
    t = time.perf_counter()
    ex = engines.get("explicit")(spec, Options(symmetry=False))
    t_ex = time.perf_counter() - t
    t = time.perf_counter()
    en = engines.get("enum")(spec, Options())
    t_en = time.perf_counter() - t
    a = {p.name: p.verdict.value for p in ex.properties}
    b = {p.name: p.verdict.value for p in en.properties}
    differ = sorted(n for n in a if a[n] != b.get(n))
    graph_same = (ex.stats.states, ex.stats.transitions, ex.stats.depth) == \
                 (en.stats.states, en.stats.transitions, en.stats.depth)
    ok = not differ and graph_same
    row = (f"| {entry.name} | {ex.stats.states:,} / {en.stats.states:,} | "
           f"{ex.stats.transitions:,} / {en.stats.transitions:,} | {ex.stats.depth} / {en.stats.depth} | "
           f"{len(a) - len(differ)} of {len(a)}" + (f" (**differ: {', '.join(differ)}**)" if differ else "")
           + f" | {t_ex:.2f} | {t_en:.1f} | {t_en / t_ex:,.0f} |")
    return row, ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-states", type=int, default=20_000)
    ap.add_argument("--out")
    args = ap.parse_args()
    lines = [f"# The enum engine against the explicit engine on spec/ ({time.strftime('%Y-%m-%d')})", "",
             "`python bench/enum_agreement.py`: both engines in one process, one after the other, the "
             "catalog's constants; explicit without symmetry reduction; seconds are wall clock.", "",
             "| spec | states (explicit / enum) | transitions | depth | verdicts equal | explicit s | enum s | ratio |",
             "|---|---|---|---|---|---|---|---|"]
    skipped, all_ok = [], True
    # warm-up: the first explicit run pays for importing numpy and scipy
    first = next(e for e in CATALOG if e.path.startswith("spec/"))
    with open(first.abspath, encoding="utf-8") as f:
        engines.get("explicit")(load_text(f.read(), first.path, dict(first.consts)), Options())
    for e in CATALOG:
        if not e.path.startswith("spec/"):
            continue
        if e.states > args.max_states:
            skipped.append(f"{e.name} ({e.states:,} states)")
            continue
        row, ok = measure(e)
        all_ok &= ok
        print(row, flush=True)
        lines.append(row)
    lines.append("")
    lines.append("Skipped (more than --max-states): " + (", ".join(skipped) or "none") + ".")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    if not all_ok:
        print("DISAGREEMENT: see the rows marked above", file=sys.stderr)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
