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

from functools import lru_cache

import pytest

from checker import engines, interp
from checker.lang import load_text
from checker.options import Options
from checker.results import Verdict

from catalog import CATALOG  # noqa: E402
from crosscheck import lasso_problems as _lasso_problems  # noqa: E402

# bmc takes over 10 s on these (two-step tracing requests): the slow tier (pytest -m slow)
SLOW = {"spec/tracing.spec", "spec/tracing_fixed.spec"}


def _entries(slow_when=lambda e: e.path in SLOW):
    for e in CATALOG:
        spec = load_text(open(e.abspath, encoding="utf-8").read(), e.path, dict(e.consts))
        if spec.properties:
            marks = [pytest.mark.slow] if slow_when(e) else []
            yield pytest.param(e, id=e.name, marks=marks)


@lru_cache(maxsize=None)
def _runs(path: str):
    e = next(x for x in CATALOG if x.path == path)
    spec = load_text(open(e.abspath, encoding="utf-8").read(), e.path, dict(e.consts))
    names = tuple(p.name for p in spec.properties)
    ex = engines.get("explicit")(spec, Options(properties=names))
    bmc = engines.get("bmc")(spec, Options(properties=names, depth=e.depth, timeout=e.timeout))
    return spec, ex, bmc


@pytest.mark.parametrize("entry", list(_entries()))
def test_explicit_and_bmc_agree_on_temporal_properties(entry):
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


@pytest.mark.parametrize("entry", list(_entries(lambda e: "pdr" in e.slow_engines)))
def test_kind_and_pdr_lassos_are_real(entry):
    """The liveness-to-safety engines: a proof never meets an explicit
    lasso, and every lasso they print (kind: the lasso search's; pdr:
    Spacer's own path, not necessarily the shortest) is a real, fair,
    violating behaviour no shorter than bmc's shortest."""
    spec, ex, bmc = _runs(entry.path)
    names = tuple(p.name for p in spec.properties) + tuple(i.name for i in spec.invariants)
    problems = []
    for eng in ("kind", "pdr"):
        r = engines.get(eng)(spec, Options(properties=names, max_k=entry.max_k, solver_rlimit=entry.rlimit))
        for prop in spec.properties:
            x, b, q = ex.get(prop.name), bmc.get(prop.name), r.get(prop.name)
            if q.verdict is Verdict.HOLDS and x.verdict is Verdict.VIOLATED:
                problems.append(f"{prop.name}: {eng} proved it, explicit has a lasso")
            if q.verdict is Verdict.VIOLATED:
                problems += [f"{prop.name}: {eng}'s lasso: {w}" for w in _lasso_problems(spec, prop, q.trace)]
                if b.verdict is Verdict.VIOLATED and len(q.trace) < len(b.trace):
                    problems.append(f"{prop.name}: {eng}'s lasso is shorter than bmc's shortest")
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
