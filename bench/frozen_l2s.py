"""PDR on the liveness-to-safety product, with and without the leaves that
no violating loop can change held fixed on the loop (frozen.py).

For each temporal property, the pdr engine runs twice, as `verify --engine
pdr --property NAME` does (the cone of influence when sound, Boolean
coordinates first, every invariant Spacer returns re-checked, so "holds" is
a proof): once with the frozen-leaf analysis replaced by one that finds
nothing (as before frozen.py), once as it is.  Each run is in a fresh
process (Spacer's answers depend on what the process built before), with the
same resource limit per query and wall-clock budget.  "holds" only when a
proof was found within both.

    python bench/frozen_l2s.py [--rlimit 500000000] [--timeout 600] [--out ...]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from checker import check  # noqa: E402
from checker.docs.words import frozen_names  # noqa: E402
from checker.symbolic import reductions  # noqa: E402

CASES = [
    ("orders_breaker.spec", "order_requests_answered", {}),
    ("orders_breaker.spec", "order_requests_answered", {"CLIENTS": 1}),
    ("peterson.spec", "live", {}),
    ("breaker_fixed.spec", "recovers", {}),
    ("tracing_fixed.spec", "requests_finish", {}),
    ("registry_fixed.spec", "down_instance_eventually_hidden", {}),
    ("config_fixed.spec", "writers_finish", {}),
    ("cap_available.spec", "requests_answered", {}),
]


def _path(name: str) -> str:
    own = os.path.join(ROOT, "tests", "catalog", "specs", name)
    return own if os.path.exists(own) else os.path.join(ROOT, "spec", name)


def run_case(spec_name: str, prop: str, consts: dict, with_frozen: bool, rlimit: int, timeout: float):
    """pdr on one property, as ``verify --engine pdr --property`` runs it;
    "before" replaces the frozen-leaf analysis by one that finds nothing
    (an ablation for this measurement, in this child process only)."""
    if not with_frozen:
        reductions.frozen_leaves = lambda *a, **k: []
    with open(_path(spec_name)) as f:
        text = f.read()
    start = time.monotonic()
    r = check(text, consts, engine="pdr", properties=[prop], solver_rlimit=rlimit, timeout=timeout)
    (p,) = r.properties
    return p.verdict.value, time.monotonic() - start, frozen_names(p.evidence)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rlimit", type=int, default=500_000_000)
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "frozen-l2s.md"))
    args = ap.parse_args()
    ctx = multiprocessing.get_context("spawn")
    lines = [
        "# PDR on the liveness-to-safety product, with and without frozen leaves",
        "",
        f"`python bench/frozen_l2s.py --rlimit {args.rlimit} --timeout {args.timeout:g}`, "
        f"measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
        f"{os.getloadavg()[0]:.2f} at the start.  Each run in a fresh process; seconds are wall "
        "clock and include the frozen-leaf analysis (and whatever invariants pdr proves first for the cone); the frozen leaves are named only when the proof succeeds; ratio = seconds before / seconds with "
        "frozen leaves, when both decide.",
        "",
        "| spec | property | before | with frozen leaves | ratio | frozen leaves |",
        "|---|---|---|---|---|---|",
    ]
    for spec_name, prop, consts in CASES:
        cells = []
        for with_frozen in (False, True):
            with ProcessPoolExecutor(1, mp_context=ctx) as pool:
                cells.append(pool.submit(run_case, spec_name, prop, consts, with_frozen,
                                         args.rlimit, args.timeout).result())
        (v0, s0, _), (v1, s1, names) = cells
        ratio = f"{s0 / s1:.1f}" if v0 == v1 == "holds" else "-"
        label = spec_name + "".join(f" {k}={v}" for k, v in consts.items())
        row = (f"| {label} | {prop} | {v0}, {s0:.1f} s | {v1}, {s1:.1f} s | {ratio} | "
               f"{names or '-'} |")
        print(row, flush=True)
        lines.append(row)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
