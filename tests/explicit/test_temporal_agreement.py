"""The explicit engine (fair cycles in the whole reachable graph) and bmc
(bounded search for the shortest fair lasso) agree on every temporal
property of the catalog (spec/ and tests/catalog/specs).

Per property, with bmc searching lassos of up to ``depth`` steps:

* explicit holds => bmc finds no lasso;
* bmc finds a lasso => explicit finds one too, no shorter (bmc's is the
  shortest);
* explicit finds a lasso of at most ``depth`` steps => bmc finds one;
* every lasso either engine prints is a real, fair, violating behaviour
  under the reference interpreter (checker.interp): each step is a
  transition, the loop closes (or its last state has no successor and
  stutters), the property fails on it, and every weak (strong) fairness
  group enabled in every (some) loop state is taken in the loop.  The
  closing step may be any transition from the last state back to the loop
  start (the trace does not name it), so the groups of all of them count
  as taken there.
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache

import pytest

from checker import engines, interp
from checker.lang import load_text
from checker.options import Options
from checker.results import Verdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "catalog"))
from catalog import CATALOG  # noqa: E402

# bmc takes over 10 s on these (two-step tracing requests): run with CATALOG_SLOW=1
SLOW = {"spec/tracing.spec", "spec/tracing_fixed.spec"}


def _entries():
    for e in CATALOG:
        spec = load_text(open(e.abspath, encoding="utf-8").read(), e.path, dict(e.consts))
        if spec.properties:
            marks = [pytest.mark.slow] if e.path in SLOW else []
            yield pytest.param(e, id=e.name, marks=marks)


@lru_cache(maxsize=None)
def _runs(path: str):
    e = next(x for x in CATALOG if x.path == path)
    spec = load_text(open(e.abspath, encoding="utf-8").read(), e.path, dict(e.consts))
    names = tuple(p.name for p in spec.properties)
    ex = engines.get("explicit")(spec, Options(properties=names))
    bmc = engines.get("bmc")(spec, Options(properties=names, depth=e.depth, timeout=e.timeout))
    return spec, ex, bmc


def _holds(spec, expr, state) -> bool:
    try:
        return bool(interp.holds(spec, expr, state))
    except Exception:  # an evaluation error counts as false, as in both engines
        return False


def _lasso_problems(spec, prop, tr) -> list[str]:
    """Why the trace is not a fair lasso violating prop ([] when it is one)."""
    states = [s.state for s in tr.steps]
    n, loop = len(states) - 1, tr.loop_start
    for i in range(n):
        nxt = [(a, args) for a, args, o in interp.successors(spec, states[i])
               if not isinstance(o, interp.StepError) and o == states[i + 1]]
        if (tr.steps[i + 1].action, tuple(tr.steps[i + 1].args)) not in nxt:
            return [f"step {i + 1} ({tr.steps[i + 1].label()}) is not a transition"]
    last = [(a, args, o) for a, args, o in interp.successors(spec, states[n])
            if not isinstance(o, interp.StepError)]
    closing = [(a, args) for a, args, o in last if o == states[loop]]
    if not closing and not (last == [] and loop == n):
        return ["the loop does not close and its last state is not a stutter"]
    p = [_holds(spec, prop.p, s) for s in states]
    cycle = range(loop, n + 1)
    if prop.kind == "eventually":
        bad = not any(p)
    elif prop.kind == "always_eventually":
        bad = not any(p[j] for j in cycle)
    elif prop.kind == "eventually_always":
        bad = any(not p[j] for j in cycle)
    elif prop.kind == "leads_to":
        q = [_holds(spec, prop.q, s) for s in states]
        bad = any(p[i] and not q[i] and not any(q[j] for j in range(min(i, loop), n + 1))
                  for i in range(n + 1))
    else:
        bad = not all(p)
    if not bad:
        return ["the property holds on it"]
    taken = {(tr.steps[j].action, tuple(tr.steps[j].args)) for j in range(loop + 1, n + 1)}
    taken |= set(closing)
    for fi, f in enumerate(spec.fairness):
        def groups(labels, f=f):
            return {args[:f.key_params] for a, args in labels if a in f.actions}
        enabled = [groups((a, args) for a, args, o in interp.successors(spec, states[j])
                          if not isinstance(o, interp.StepError)) for j in cycle]
        must = set.intersection(*enabled) if f.kind == "weak" else set.union(*enabled)
        missing = must - groups(taken)
        if missing:
            return [f"unfair: {f.kind} fairness of {f.origin} never taken for {sorted(missing)}"]
    return []


@pytest.mark.parametrize("entry", list(_entries()))
def test_explicit_and_bmc_agree_on_temporal_properties(entry):
    if entry.path in SLOW and os.environ.get("CATALOG_SLOW") != "1":
        pytest.skip("bmc is slow on this spec: set CATALOG_SLOW=1")
    spec, ex, bmc = _runs(entry.path)
    problems = []
    for prop in spec.properties:
        x, b = ex.get(prop.name), bmc.get(prop.name)
        assert x.verdict in (Verdict.HOLDS, Verdict.VIOLATED), (prop.name, x.verdict)
        if x.verdict is Verdict.HOLDS and b.verdict is Verdict.VIOLATED:
            problems.append(f"{prop.name}: bmc has a lasso, explicit says it holds")
        if b.verdict is Verdict.VIOLATED and x.verdict is Verdict.VIOLATED and len(x.trace) < len(b.trace):
            problems.append(f"{prop.name}: explicit lasso {len(x.trace)} steps, shorter than bmc's "
                            f"'shortest' {len(b.trace)}")
        if x.verdict is Verdict.VIOLATED and len(x.trace) <= entry.depth and b.verdict is not Verdict.VIOLATED:
            problems.append(f"{prop.name}: explicit lasso of {len(x.trace)} steps, bmc to depth "
                            f"{entry.depth} says {b.verdict.value}")
        for eng, r in (("explicit", x), ("bmc", b)):
            if r.verdict is Verdict.VIOLATED:
                problems += [f"{prop.name}: {eng}'s lasso: {w}" for w in _lasso_problems(spec, prop, r.trace)]
    assert not problems, "\n".join(problems)


def test_the_agreement_covers_both_verdicts():
    """The catalog has temporal properties that hold and that are violated,
    and bmc decides (finds the lasso of) several of the violated ones."""
    decided = holds = 0
    for param in _entries():
        e = param.values[0]
        if e.path in SLOW:
            continue
        spec, ex, bmc = _runs(e.path)
        for prop in spec.properties:
            holds += ex.get(prop.name).verdict is Verdict.HOLDS
            decided += bmc.get(prop.name).verdict is Verdict.VIOLATED
    assert holds >= 10 and decided >= 7
