"""The vector back end (checker/explicit/vector/) against the scalar one on
every catalog spec: the same distinct states, transitions, depth and
verdicts as the reference dict store, and exactly the compact store's
counterexamples (both rebuild traces from the levels; the vector back end
hands every chunk with a violation to the same scalar level function)."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "catalog"))

from catalog import CATALOG, Entry  # noqa: E402

from checker import engines  # noqa: E402
from checker.lang import load_text  # noqa: E402
from checker.options import Options  # noqa: E402
from checker.results import PROPERTY  # noqa: E402


def _load(e: Entry):
    with open(e.abspath, encoding="utf-8") as f:
        return load_text(f.read(), e.path, dict(e.consts))


def _safety_names(spec) -> tuple[str, ...]:
    """every property but the temporal ones (those run on the dict store
    whatever the back end), so that the vector search really runs"""
    names = [i.name for i in spec.invariants] + [g.name for g in getattr(spec, "reachables", ())]
    return tuple(names) + ("typeok", "deadlock")


def summary(r):
    return ((r.stats.states, r.stats.transitions, r.stats.depth, r.exhaustive),
            {p.name: (p.verdict, len(p.trace) if p.trace is not None else None)
             for p in r.properties if p.kind != PROPERTY})


def traces(r):
    return {p.name: [tuple(sorted(st.state.items())) for st in p.trace.steps] if p.trace else None
            for p in r.properties}


@pytest.mark.parametrize("entry", CATALOG, ids=[e.name for e in CATALOG])
def test_vector_backend_matches_the_scalar_engine_on_the_catalog(entry: Entry):
    spec = _load(entry)
    props = _safety_names(spec)
    run = engines.get("explicit")
    ref = run(spec, Options(properties=props))
    compact = run(spec, Options(properties=props, store="compact"))
    vec = run(spec, Options(properties=props, backend="vector"))
    assert summary(vec)[1] == summary(ref)[1]
    if ref.exhaustive:
        assert summary(vec) == summary(ref)
        assert vec.stats.states == entry.states
    assert traces(vec) == traces(compact)
    assert vec.stats.extra.get("backend") == "vector" or spec.symmetric


# ---------------------------------------------------------------- random specs

from hypothesis import HealthCheck, given, settings  # noqa: E402
from strategies import specs  # noqa: E402


@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs())
def test_vector_backend_agrees_with_the_dict_store_on_random_specs(text):
    """Random specs (tests/catalog/strategies.py): the same distinct states,
    transitions, depth, verdicts and counterexample lengths as the reference
    dict store, and the compact store's exact traces."""
    import checker

    ref = checker.check(text, max_states=20_000)
    compact = checker.check(text, max_states=20_000, store="compact")
    vec = checker.check(text, max_states=20_000, backend="vector")
    if ref.exhaustive:                  # bounded runs may keep different subsets
        assert summary(vec) == summary(ref), text
        assert traces(vec) == traces(compact), text
    else:
        assert not vec.exhaustive
    assert vec.stats.extra.get("backend") == "vector", text
    # typeok only, no deadlock check: every chunk without a runtime error is
    # expanded by the array code alone
    kw = dict(max_states=20_000, check_deadlock=False, properties=("typeok",))
    ref, vec = checker.check(text, **kw), checker.check(text, backend="vector", **kw)
    if ref.exhaustive:
        assert summary(vec) == summary(ref), text


FALLBACK = """
spec fallback
var big: set<0..100> = {}
var x: 0..5 = 0
var flag: bool = false
action grow(i: 0..2) {
  require i not in big
  big.add(i)
}
action step {
  require x < 5
  either { x = x + 1 } or { flag = not flag }
}
action wrap {
  require x == 5 and flag
  x = 0
  flag = false
}
invariant small: x <= 5
"""


def test_an_action_that_cannot_be_vectorised_runs_its_scalar_code():
    """set<0..100> has no uint64 mask: the actions and the invariant that use
    it run as scalar code (said in the report), the rest as arrays; the
    counts are the dict store's."""
    import checker

    ref = checker.check(FALLBACK)
    vec = checker.check(FALLBACK, backend="vector")
    assert summary(vec) == summary(ref)
    assert ref.stats.states == 8 * 12
    note = next(n for n in vec.notes if n.startswith("vector back end"))
    assert "2 of 3 actions as array code" in note
    assert "grow: a set of 101 possible elements (more than 63)" in note
    auto = checker.check(FALLBACK, backend="auto")       # not fully vectorised: scalar
    assert auto.stats.extra.get("backend") is None
    assert summary(auto) == summary(ref)
    auto = checker.check(WIDE, backend="auto")           # fully vectorised: vector
    assert auto.stats.extra.get("backend") == "vector"


def test_impossible_backend_options_are_usage_errors(tmp_path):
    """exit code 2 with a message, never a traceback"""
    from checker.cli import main

    spec = tmp_path / "s.spec"
    spec.write_text(WIDE)
    assert main([str(spec), "--backend", "vector", "--store", "compact", "--workers", "2"]) == 2
    assert main([str(spec), "--backend", "vector", "--engine", "bmc"]) == 2
    assert main([str(spec), "--por", "--checkpoint", str(tmp_path / "ck")]) == 2
    assert main([str(spec), "--backend", "vector", "--no-deadlock"]) == 0


WIDE = """
spec wide
type Slot = 0..7
var a: map<Slot, 0..15> = [i in Slot -> 0]
var b: map<Slot, 0..15> = [i in Slot -> 0]
var turn: 0..7 = 0
action bump(i: Slot) {
  require turn == i and a[i] < 2
  a[i] = a[i] + 1
  b[7 - i] = (b[7 - i] + a[i]) % 3
  turn = (turn + 1) % 8
}
action skip {
  turn = (turn + 1) % 8
}
invariant bounded: forall i in Slot: a[i] <= 2
"""


def test_states_wider_than_64_bits_use_several_words():
    import checker

    ref = checker.check(WIDE)
    vec = checker.check(WIDE, backend="vector")
    assert "(2 words per state)" in next(n for n in vec.notes if n.startswith("vector back end"))
    assert vec.stats.extra.get("scalar_chunks") == 0
    assert summary(vec) == summary(ref)


BIG = """
spec big
var x: 0..3000000000 = 3000000000
var y: 0..3 = 0
action grow {
  require y < 3
  y = y + 1
  x = (x * x * y) % 3000000001
}
"""


def test_arithmetic_that_may_overflow_64_bits_runs_as_scalar_code():
    """x * x * y can reach 2.7e19 > 2**63: int64 arrays would wrap, so the
    action is left to the scalar code (Python ints), and the states agree"""
    import checker

    ref = checker.check(BIG)
    vec = checker.check(BIG, backend="vector")
    assert "grow: integer arithmetic that may exceed 64 bits" in \
        next(n for n in vec.notes if n.startswith("vector back end"))
    assert summary(vec) == summary(ref)
