"""checker/interp.py (the reference interpreter) against the explicit engine:
the same number of reachable states on every spec in spec/ and on small
specs that exercise each rule of the IR semantics."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import checker
from checker import ir
from checker.explicit.engine import check
from checker.interp import StepError, explore, initial_states, run_action, successors
from checker.options import Options

SPEC = Path(__file__).resolve().parents[2] / "spec"


def engine_states(spec: ir.Spec) -> int:
    # a never-violated invariant keeps the engine from stopping early
    sp = dataclasses.replace(spec, invariants=spec.invariants + (
        ir.Invariant("__all__", ir.Lit(True, ir.BOOL)),))
    r = check(sp, Options(properties=("__all__",), check_deadlock=False))
    assert r.exhaustive
    return r.stats.states


SMALL = {
    "sequential": """spec s
var a: 0..3 = 0
var b: bool = false
action go {
  require a < 3
  a = a + 1
  if a >= 2 { b = true }
}
""",
    "either_let_error": """spec s
var a: 0..3 = 0
var b: bool = false
action go {
  let old = a
  either { a = 0 } or { a = a + 1 ; if old >= 1 { b = not b } }
}
""",
    "seq_map_set": """spec s
type K = 1..2
var q: seq<K, 2> = []
var m: map<K, 0..2> = [k in K -> 0]
var s: set<K> = {}
action put(k: K) { q.push(k) ; s.add(k) }
action take { require len(q) > 0 ; m[head(q)] = min(m[head(q)] + 1, 2) ; q.pop() }
action drop(k: K) { s.remove(k) }
""",
    "choice_init": """spec s
var a: 0..2 in {0, 2}
var b: bool in {true, false}
action go { require not b ; a = (a + 1) % 3 ; b = a == 1 }
""",
    "process": """spec s
var x: 0..2 = 0
process p(self: 1..2) {
  first: { x = min(x + 1, 2) }
  second: { await x == 2 }
}
""",
}


@pytest.mark.parametrize("path", sorted(SPEC.glob("*.spec")), ids=lambda p: p.name)
def test_same_state_count_as_explicit_engine_on_spec_dir(path):
    spec = checker.load(str(path))
    if len(explore(spec, max_states=300_000).states) >= 300_000:
        pytest.skip("too large for the interpreter in a unit test")
    try:
        n = engine_states(spec)
    except Exception as e:  # the engine crashes on some specs; reported, not hidden
        pytest.xfail(f"explicit engine failed: {type(e).__name__}: {e}")
    assert len(explore(spec).states) == n


@pytest.mark.parametrize("name", sorted(SMALL))
def test_same_state_count_as_explicit_engine_on_small_specs(name):
    spec = checker.load(SMALL[name])
    assert len(explore(spec).states) == engine_states(spec)


def test_runtime_error_is_an_outcome_and_other_branches_survive():
    spec = checker.load(SMALL["either_let_error"])
    out = run_action(spec, "go", (), {"a": 3, "b": False})
    assert out[0] == {"a": 0, "b": False}
    assert isinstance(out[1], StepError) and "outside its type" in str(out[1])


def test_require_discards_and_assignment_is_visible_later():
    spec = checker.load(SMALL["sequential"])
    assert run_action(spec, "go", (), {"a": 3, "b": False}) == []
    assert run_action(spec, "go", (), {"a": 1, "b": False}) == [{"a": 2, "b": True}]


def test_bindings_in_domain_order_and_initial_choice():
    spec = checker.load(SMALL["seq_map_set"])
    init = initial_states(spec)
    assert init == [{"q": (), "m": (0, 0), "s": frozenset()}]
    acts = [(a, args) for a, args, _ in successors(spec, init[0])]
    assert acts == [("put", (1,)), ("put", (2,)), ("drop", (1,)), ("drop", (2,))]
    assert len(initial_states(checker.load(SMALL["choice_init"]))) == 4


def test_push_onto_full_sequence_is_an_error():
    spec = checker.load(SMALL["seq_map_set"])
    out = run_action(spec, "put", (1,), {"q": (1, 2), "m": (0, 0), "s": frozenset()})
    assert len(out) == 1 and isinstance(out[0], StepError)


def test_terminal_states_are_not_deadlocks():
    spec = checker.load(SMALL["process"])
    ex = explore(spec)
    assert ex.deadlocks == []
