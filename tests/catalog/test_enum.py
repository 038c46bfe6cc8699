"""The enum engine (every reachable state of the symbolic encoding,
enumerated by Z3) against the catalog.

enum is exhaustive, so its expected verdict is the catalog's ``explicit``
column for every property, and its graph is the explicit engine's: the same
number of states, transitions and breadth-first levels (no catalog spec
declares a symmetric type).  A difference is a disagreement between the
explicit interpreter and the symbolic encoding, or between the two
implementations of fair cycles (explicit/liveness.py, checker/enum/engine.py).
Invariant counterexamples and reachability witnesses are shortest in both
(breadth-first), so their lengths are the catalog's; lassos are not
shortest in either, so each is replayed in the reference interpreter
instead (a real, fair lasso that violates the property).

Entries above ENUM_STATES states are in the slow tier (``pytest -m slow``) (about a
hundred states a second; tracing's big steps: ten), those above TOO_BIG to
bench/enum_agreement.py."""
from __future__ import annotations

import pytest

from catalog import CATALOG, Entry
from crosscheck import genuine_violation, lasso_problems
from test_catalog import load, run

from checker import engines
from checker.options import Options
from checker.results import PROPERTY, REACHABLE, Verdict

ENUM_STATES = 1000
SLOW_TO_ENUMERATE = ("spec/tracing.spec", "spec/tracing_fixed.spec")
# above this, not even in the slow tier (balancer: 14,097 states, 5 minutes);
# bench/enum_agreement.py compares those (all of spec/ up to 20,000 states)
TOO_BIG = 5_000


def _entries():
    for e in CATALOG:
        if e.generalize or e.states > TOO_BIG:
            continue
        slow = e.states > ENUM_STATES or e.path in SLOW_TO_ENUMERATE
        yield pytest.param(e, id=e.name, marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("entry", list(_entries()))
def test_enum_decides_every_property_as_explicit_does(entry: Entry):
    spec = load(entry, False)
    r = engines.get("enum")(spec, Options())
    ex = run(entry.path, "explicit")
    assert r.stats.states == entry.states
    assert (r.stats.transitions, r.stats.depth) == (ex.stats.transitions, ex.stats.depth)
    got = {p.name: p for p in r.properties}
    assert set(got) == set(entry.props)
    problems = []
    for name, exp in entry.props.items():
        p = got[name]
        if p.verdict.value != exp.explicit:
            problems.append(f"{name}: enum says {p.verdict.value} ({p.detail}), explicit {exp.explicit}")
            continue
        decisive = p.verdict is Verdict.VIOLATED or (p.kind == REACHABLE and p.verdict is Verdict.HOLDS)
        if not decisive or p.trace is None:
            continue
        if p.kind == PROPERTY:
            problems += [f"{name}: {why}" for why in lasso_problems(spec, _temporal(spec, name), p.trace)]
            continue
        if exp.length is not None and len(p.trace) != exp.length:
            problems.append(f"{name}: enum trace of {len(p.trace)} steps, shortest is {exp.length}")
        if not genuine_violation(spec, p, p.trace):
            problems.append(f"{name}: enum's trace does not replay to a violation")
    assert not problems, "\n".join(problems)


def _temporal(spec, name):
    return next(t for t in spec.properties if t.name == name)
