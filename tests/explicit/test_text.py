"""The explicit engine on spec text (through checker.lang)."""
from __future__ import annotations

import os

import pytest

from checker.explicit.engine import NeedsConstants, check
from checker.options import Options
from checker.results import Verdict

lang = pytest.importorskip("checker.lang")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

COUNTER = """spec counter
const MAX: 1..9 = 3
var failures: 0..MAX = 0
var phase: bool = false

action fail {
  require not phase
  failures = failures + 1
}

action reset {
  require failures > 1
  phase = true
  failures = 0
}

invariant below: failures < 3
"""


def run(text, **kw):
    return check(lang.load_text(text, "t.spec", kw.pop("consts", None)), Options(**kw))


def test_counter_overflow_from_text():
    r = run(COUNTER)
    p = r.get("typeok")
    assert p.detail == "failures = 4 is outside its type 0..3 (assignment at line 8)"
    assert [s.label() for s in p.trace.steps] == ["init", "fail", "fail", "fail", "fail"]
    assert [s.state["failures"] for s in p.trace.steps] == [0, 1, 2, 3, 4]
    below = r.get("below")
    assert below.verdict is Verdict.VIOLATED and len(below.trace) == 3
    assert below.line == 17
    # states: failures 0..3 with phase false, then (0, true) -> 5; transitions:
    # fail from 0,1,2 (3), reset from 2,3 (2), fail from 3 errs -> 5
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (5, 5, 3)
    dl = r.get("deadlock")
    assert [s.label() for s in dl.trace.steps] == ["init", "fail", "fail", "reset"]


def test_const_override_changes_the_space():
    r = run(COUNTER, consts={"MAX": 5})
    assert r.get("typeok").detail == "failures = 6 is outside its type 0..5 (assignment at line 8)"
    assert r.consts == {"MAX": 5}


def test_symbolic_constant_needs_a_value():
    text = "spec s\nconst N: int where N >= 1\nvar x: 0..N = 0\naction a { x = 0 }\n"
    spec = lang.load_text(text, "s.spec")
    assert spec.symbolic_consts
    with pytest.raises(NeedsConstants, match=r"N .*--const N=VALUE"):
        check(spec, Options())


def test_reachability_goals():
    text = """spec reach
var x: 0..5 = 0
action inc { require x < 5; x = x + 1 }
reachable four: x == 4
reachable seven: x == 7
"""
    r = run(text, check_deadlock=False)
    four = r.get("four")
    assert four.verdict is Verdict.HOLDS and four.trace.kind == "witness"
    assert [s.state["x"] for s in four.trace.steps] == [0, 1, 2, 3, 4]
    seven = r.get("seven")
    assert seven.verdict is Verdict.VIOLATED and "unreachable" in seven.detail
    r = run(text, check_deadlock=False, max_depth=2)
    assert r.get("four").verdict is Verdict.UNKNOWN
    assert r.get("seven").verdict is Verdict.UNKNOWN


def test_finished_processes_are_not_a_deadlock():
    text = """spec procs
type W = 1..2
var total: 0..4 = 0
process worker(self: W) {
  first: { total = total + 1 }
  second: { total = total + 1 }
}
invariant bounded: total <= 4
"""
    r = run(text)
    assert r.get("deadlock").verdict is Verdict.HOLDS
    assert r.get("bounded").verdict is Verdict.HOLDS
    # pcs: 3 x 3 combinations, total determined by them
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (9, 12, 4)


def test_either_and_sets_from_text():
    text = """spec sets
enum Color { Red, Green, Blue }
var seen: set<Color> = {}
var last: Color = Red
action pick {
  either { last = Green } or { last = Blue } or { require size(seen) == 0; last = Red }
  seen.add(last)
}
invariant not_all: size(seen) < 3
"""
    r = run(text, check_deadlock=False)
    # (seen, last): init ({}, Red); pick -> ({G},G) ({B},B) ({R},R); ...
    p = r.get("not_all")
    assert p.verdict is Verdict.VIOLATED
    assert p.trace.steps[-1].state["seen"] == frozenset({"Red", "Green", "Blue"})
    assert [s.label() for s in p.trace.steps] == ["init", "pick", "pick", "pick"]


@pytest.mark.parametrize("n,states,transitions,depth",
                         [(2, 51, 123, 11), (3, 165, 579, 12), (4, 519, 2379, 13)])
def test_breaker_benchmark_counts(n, states, transitions, depth):
    spec = lang.load_file(os.path.join(ROOT, "bench", "breaker_n.spec"), consts={"N": n})
    r = check(spec, Options())
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (states, transitions, depth)
    assert r.exhaustive and all(p.verdict is Verdict.HOLDS for p in r.properties)


def test_initial_value_outside_its_type():
    text = """spec initials
var x: 0..3 in {1, 5}
var y: bool = false
action a { y = not y }
"""
    r = run(text)
    p = r.get("typeok")
    assert p.verdict is Verdict.VIOLATED and len(p.trace) == 0
    assert p.trace.steps[0].state == {"x": 5, "y": False}
    assert p.detail == "x = 5 is outside its type 0..3 (initial value, line 2)"
    assert (r.stats.states, r.stats.transitions) == (2, 2)


def test_error_while_evaluating_initial_values():
    text = """spec initials
var q: seq<0..1, 2> = []
var x: 0..1 = head(tail([1]))
action a { q = q }
"""
    r = run(text)
    p = r.get("typeok")
    assert p.verdict is Verdict.VIOLATED
    assert "head of an empty sequence (line 3)" in p.detail
    assert r.stats.states == 0


def test_negative_int_sets():
    text = """spec neg
var s: set<-2..1> = {-2}
action add(v: -2..1) { s.add(v) }
invariant has_min: -2 in s
invariant small: size(s) < 4
"""
    r = run(text, check_deadlock=False)
    assert (r.stats.states, r.stats.transitions) == (8, 32)
    assert r.get("has_min").verdict is Verdict.HOLDS
    p = r.get("small")
    assert [s.label() for s in p.trace.steps] == ["init", "add(-1)", "add(0)", "add(1)"]
    assert p.trace.steps[-1].state["s"] == frozenset({-2, -1, 0, 1})
