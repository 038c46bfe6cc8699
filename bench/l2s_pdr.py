"""PDR on the liveness-to-safety product: what the cone of influence and the
Boolean coordinates buy.

For each liveness property that holds, four runs of Spacer on the product,
in this process, one after another, with the same resource limit per query:

* ``int``       the whole product, integer leaves (the code before both);
* ``bits``      the whole product over Boolean coordinates (bitblast.py);
* ``cone``      the property's cone of influence (coi.py), integer leaves;
* ``cone+bits`` both (what pdr runs first now).

typeok is proved first with PDR (the cone needs it); every invariant Spacer
returns is re-checked by the same validation the engine uses, so a "holds"
here is a proof.  Resource limits, not wall-clock budgets, decide
``unknown`` (deterministic in a fresh process); seconds are wall clock.

    python bench/l2s_pdr.py [--rlimit 200000000] [--out bench/results/l2s-pdr.md]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import z3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from checker.lang import load_text  # noqa: E402
from checker.options import Options  # noqa: E402
from checker.results import TYPEOK  # noqa: E402
from checker.symbolic import bitblast, coi, pdr, spacer_path  # noqa: E402
from checker.symbolic.common import Clock, build_props  # noqa: E402
from checker.symbolic.encode import Encoder  # noqa: E402
from checker.symbolic.l2s import Product  # noqa: E402
from checker.symbolic.l2s_check import product_prop  # noqa: E402

CASES = [
    ("breaker_fixed.spec", "recovers", {"CALLERS": 1}),
    ("breaker_fixed.spec", "recovers", {}),
    ("tracing_fixed.spec", "requests_finish", {}),
    ("registry_fixed.spec", "down_instance_eventually_hidden", {}),
    ("config_fixed.spec", "writers_finish", {}),
    ("cap_available.spec", "requests_answered", {}),
]
VARIANTS = ("int", "bits", "cone", "cone+bits")


def run_variant(enc, t, variant: str, rlimit: int, seed: int = 0):
    if variant.startswith("cone"):
        small, dropped = coi.reduce(enc.spec, t)
        if dropped:
            enc = Encoder(small)
    prod = Product(enc, t)
    pp = product_prop(prod, _Prop(t.name, t))
    clock = Clock(None, rlimit)
    start = time.monotonic()
    if variant.endswith("bits"):
        s, r, I = bitblast.solve(prod, pp.bad, spacer_path.spacer_params(seed), clock)
    else:
        s, r, inv, cs, cur = pdr._horn(prod, pp, seed, clock)
        I = s.model().eval(inv(*cs, *cur)) if r == z3.sat else None
    verdict = "holds" if r == z3.sat else "violated" if r == z3.unsat else "unknown"
    if verdict == "holds":
        bad = pdr._validate(prod, pp, I, seed, Clock(None, None))
        if bad is not None:
            verdict = f"invalid invariant ({bad})"
    return verdict, time.monotonic() - start


class _Prop:
    """The little of checker.symbolic.common.Prop that product_prop reads."""

    def __init__(self, name, t):
        self.name, self.decl, self.line, self.doc = name, t, None, ""


def typeok_proved(enc, rlimit: int) -> bool:
    tp = build_props(enc, [("typeok", TYPEOK, None)])[0]
    what, _, _ = pdr.prove(enc, tp, Options(solver_rlimit=rlimit), Clock(None, rlimit))
    return what == "holds"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rlimit", type=int, default=200_000_000)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "l2s-pdr.md"))
    args = ap.parse_args()
    rows = []
    for spec_name, prop, consts in CASES:
        path = os.path.join(ROOT, "spec", spec_name)
        with open(path) as f:
            spec = load_text(f.read(), path, consts)
        enc = Encoder(spec)
        t = next(p for p in spec.properties if p.name == prop)
        if not typeok_proved(enc, args.rlimit):
            print(f"{spec_name} {prop}: typeok not proved, the cone is not applicable", flush=True)
            continue
        cells = {}
        for v in VARIANTS:
            cells[v] = run_variant(enc, t, v, args.rlimit)
            print(f"{spec_name} {consts or ''} {prop} {v}: {cells[v][0]} {cells[v][1]:.1f} s", flush=True)
        rows.append((spec_name, consts, prop, cells))
    lines = [
        "# PDR on the liveness-to-safety product: cone of influence and Boolean coordinates",
        "",
        f"`python bench/l2s_pdr.py --rlimit {args.rlimit}`: Spacer on the product of each",
        "property, four ways, one after another in one process (see the script's docstring).",
        "Verdict and wall-clock seconds; ratio = seconds of `int` / seconds of the variant",
        "when both decide (a variant that decides where `int` does not has no ratio).",
        "",
        "| spec | property | " + " | ".join(VARIANTS) + " | int / cone+bits |",
        "|---|---|" + "---|" * len(VARIANTS) + "---|",
    ]
    for spec_name, consts, prop, cells in rows:
        label = spec_name + ("".join(f" {k}={v}" for k, v in consts.items()))
        out = [f"{cells[v][0]}, {cells[v][1]:.1f} s" for v in VARIANTS]
        a, b = cells["int"], cells["cone+bits"]
        ratio = f"{a[1] / b[1]:.1f}" if a[0] == b[0] == "holds" else "-"
        lines.append(f"| {label} | {prop} | " + " | ".join(out) + f" | {ratio} |")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
