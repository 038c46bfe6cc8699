"""Random process specs for the partial-order reduction's differential test.

Two or three processes (some with two instances), shared variables and
process locals over small ranges, steps built from await, assignments to
locals or shared variables (sometimes leaving the range: typeok), either and
if; looping or finishing processes (terminal states), invariants over shared
variables and locals.  Some steps touch only their process's locals, so
ample sets apply to them; the rest make dependencies and visible changes.
"""
from __future__ import annotations

import random

NL = "\n"


def gen_process_spec(rng: random.Random) -> str:
    shared = [("x", rng.randint(1, 3)), ("y", rng.randint(1, 3))][:rng.randint(1, 2)]
    procs = []
    lines = ["spec rnd_proc"]
    for name, hi in shared:
        lines.append(f"var {name}: 0..{hi} = 0")
    label = 0
    for pi in range(rng.randint(2, 3)):
        pname = f"p{pi}"
        inst = rng.choice([0, 2])                  # 0: one instance without parameter
        loc, lhi = f"a{pi}", rng.randint(1, 3)
        procs.append((pname, inst, loc, lhi))
        if inst:
            lines.append(f"type T{pi} = 1..{inst}")
        head = f"process {pname}(self: T{pi})" if inst else f"process {pname}"
        body = [f"  var {loc}: 0..{lhi} = 0"]
        steps = []
        for _ in range(rng.randint(1, 3)):
            steps.append(f"s{label}: {{ {_step(rng, loc, lhi, shared)} }}")
            label += 1
        if rng.random() < 0.7:
            body += ["  loop {"] + [f"    {s}" for s in steps] + ["  }"]
        else:
            body += [f"  {s}" for s in steps]
        lines += [head + " {"] + body + ["}"]
    for k in range(rng.randint(1, 2)):
        lines.append(f"invariant inv{k}: {_inv(rng, shared, procs)}")
    return NL.join(lines) + NL


def _atom(rng, loc, lhi, shared):
    if rng.random() < 0.5 or not shared:
        return loc, lhi
    return rng.choice(shared)


def _cond(rng, loc, lhi, shared):
    v, hi = _atom(rng, loc, lhi, shared)
    return f"{v} {rng.choice(['<', '<=', '==', '!=', '>'])} {rng.randint(0, hi)}"


def _assign(rng, loc, lhi, shared):
    v, hi = (loc, lhi) if rng.random() < 0.6 or not shared else rng.choice(shared)
    src, shi = _atom(rng, loc, lhi, shared)
    expr = rng.choice([f"({v} + 1) % {hi + 1}", f"{src} % {hi + 1}", str(rng.randint(0, hi)),
                       f"({v} + {src}) % {hi + 1}", f"min({v} + 1, {hi})"]
                      + ([f"{v} + 1"] if rng.random() < 0.2 else []))
    return f"{v} = {expr}"


def _step(rng, loc, lhi, shared) -> str:
    parts = []
    if rng.random() < 0.5:
        parts.append(f"await {_cond(rng, loc, lhi, shared)}")
    r = rng.random()
    if r < 0.2:
        parts.append(f"either {{ {_assign(rng, loc, lhi, shared)} }} or {{ {_assign(rng, loc, lhi, shared)} }}")
    elif r < 0.35:
        parts.append(f"if {_cond(rng, loc, lhi, shared)} {{ {_assign(rng, loc, lhi, shared)} }} "
                     f"else {{ {_assign(rng, loc, lhi, shared)} }}")
    else:
        for _ in range(rng.randint(1, 2)):
            parts.append(_assign(rng, loc, lhi, shared))
    return "\n    ".join(parts)


def _inv(rng, shared, procs) -> str:
    terms = []
    for _ in range(rng.randint(1, 2)):
        if shared and rng.random() < 0.6:
            v, hi = rng.choice(shared)
            terms.append(f"{v} <= {rng.randint(0, hi)}")
        else:
            pname, inst, loc, lhi = rng.choice(procs)
            ref = f"{pname}[{rng.randint(1, inst)}].{loc}" if inst else f"{pname}.{loc}"
            terms.append(f"{ref} != {rng.randint(1, lhi)}")
    return rng.choice([" or ", " and "]).join(terms)
