"""PDR on the liveness-to-safety product: what the cone of influence and the
Boolean coordinates buy.

For each liveness property that holds, four runs of Spacer on the product,
in this process, one after another, with the same resource limit per query:

* ``int``       the whole product, integer leaves (the code before both);
* ``bits``      the whole product over Boolean coordinates (bitblast.py);
* ``cone``      the property's cone of influence (coi.py), integer leaves;
* ``cone+bits`` both (what pdr runs first now).

The cone is the one pdr itself uses (reductions.cone_of_influence: exact when no dropped
update can err, else only after typeok is proved with PDR); every invariant Spacer
returns is re-checked by the same validation the engine uses, so a "holds"
here is a proof.  Resource limits, not wall-clock budgets, decide
``unknown`` (deterministic in a fresh process); seconds are wall clock.

    python bench/l2s_pdr.py [--rlimit 50000000] [--out bench/results/l2s-pdr.md]
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
from checker.symbolic import bitblast, horn_clauses, spacer  # noqa: E402
from checker.symbolic.common import Clock, build_props  # noqa: E402
from checker.symbolic.encode import Encoder  # noqa: E402
from checker.symbolic.l2s import Product  # noqa: E402
from checker.symbolic.reductions import cone_of_influence  # noqa: E402
from checker.symbolic.product_proofs import product_prop  # noqa: E402

CASES = [
    ("breaker_fixed.spec", "recovers", {"CALLERS": 1}),
    ("breaker_fixed.spec", "recovers", {}),
    ("tracing_fixed.spec", "requests_finish", {}),
    ("registry_fixed.spec", "down_instance_eventually_hidden", {}),
    ("config_fixed.spec", "writers_finish", {}),
    ("cap_available.spec", "requests_answered", {}),
]
VARIANTS = ("int", "bits", "cone", "cone+bits")


def run_variant(prod, t, bits: bool, rlimit: int, seed: int = 0):
    pp = product_prop(prod, _Prop(t.name, t))
    clock = Clock(None, rlimit)
    start = time.monotonic()
    if bits:
        s, r, I = bitblast.solve(prod, pp.bad, horn_clauses.spacer_params(seed), clock)
    else:
        s, r, inv, cs, cur = spacer.solve_horn(prod, pp, seed, clock)
        I = s.model().eval(inv(*cs, *cur)) if r == z3.sat else None
    verdict = "holds" if r == z3.sat else "violated" if r == z3.unsat else "unknown"
    if verdict == "holds":
        bad = spacer.validate(prod, pp, I, seed, Clock(None, None))
        if bad is not None:
            verdict = f"invalid invariant ({bad})"
    return verdict, time.monotonic() - start


class _Prop:
    """The little of checker.symbolic.common.Prop that product_prop reads."""

    def __init__(self, name, t):
        self.name, self.decl, self.line, self.doc = name, t, None, ""


def typeok_proved(enc, rlimit: int) -> bool:
    tp = build_props(enc, [("typeok", TYPEOK, None)])[0]
    what, _, _ = spacer.prove(enc, tp, Options(solver_rlimit=rlimit), Clock(None, rlimit))
    return what == "holds"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rlimit", type=int, default=50_000_000)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "l2s-pdr.md"))
    args = ap.parse_args()
    rows = []
    for spec_name, prop, consts in CASES:
        path = os.path.join(ROOT, "spec", spec_name)
        with open(path) as f:
            spec = load_text(f.read(), path, consts)
        enc = Encoder(spec)
        t = next(p for p in spec.properties if p.name == prop)
        # the cone pdr itself would use (reductions.cone_of_influence): exact, or after typeok
        whole = Product(enc, t)
        found, did = cone_of_influence(
            enc, _Prop(prop, t), [], lambda: typeok_proved(enc, args.rlimit), 0, Clock(None, args.rlimit))
        small, dropped, why = (found.system, did.dropped, did.why_dropped) if found else (enc, (), "")
        cone = Product(small, t)   # without frozen leaves (bench/frozen_l2s.py measures those)
        cells = {}
        for v in VARIANTS:
            prod = cone if v.startswith("cone") else whole
            cells[v] = run_variant(prod, t, v.endswith("bits"), args.rlimit)
            print(f"{spec_name} {consts or ''} {prop} {v}: {cells[v][0]} {cells[v][1]:.1f} s", flush=True)
        cells["dropped"] = f"{len(dropped)} ({why})" if dropped else "0"
        rows.append((spec_name, consts, prop, cells))
    lines = [
        "# PDR on the liveness-to-safety product: cone of influence and Boolean coordinates",
        "",
        f"`python bench/l2s_pdr.py --rlimit {args.rlimit}`: Spacer on the product of each",
        "property, four ways, one after another in one process (see the script's docstring).",
        "Verdict and wall-clock seconds; ratio = seconds of `int` / seconds of the variant",
        "when both decide (a variant that decides where `int` does not has no ratio).",
        "",
        "The column `pdr` is what the engine runs: cone+bits, then, if that is unknown,",
        "cone over integers (its seconds are the sum).",
        "",
        "| spec | property | variables dropped | " + " | ".join(VARIANTS) + " | pdr | int / cone+bits |",
        "|---|---|---|" + "---|" * len(VARIANTS) + "---|---|",
    ]
    for spec_name, consts, prop, cells in rows:
        label = spec_name + ("".join(f" {k}={v}" for k, v in consts.items()))
        out = [f"{cells[v][0]}, {cells[v][1]:.1f} s" for v in VARIANTS]
        a, b = cells["int"], cells["cone+bits"]
        ratio = f"{a[1] / b[1]:.1f}" if a[0] == b[0] == "holds" else "-"
        c, i = cells["cone+bits"], cells["cone"]
        eng = c if c[0] != "unknown" else (i[0], c[1] + i[1])
        lines.append(f"| {label} | {prop} | {cells['dropped']} | " + " | ".join(out)
                     + f" | {eng[0]}, {eng[1]:.1f} s | {ratio} |")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
