"""An `either` inside a `for` loop multiplies the ways through an action by
its branch count at every iteration; past MAX_PATHS ways the loop is refused
with a positioned diagnostic instead of an exponential search (fuzz hang,
tests/fuzz/regressions/either_in_long_loop.spec)."""
from __future__ import annotations

import pytest

import checker
from checker.lang import SpecError, load_text
from checker.lang.statements import MAX_PATHS

SPEC = """spec s
var w: 0..3 = 0
action a {
  for f in 1..N {
    either { w = (w + 1) % 4 } or { w = w }
  }
}
"""


def test_sixteen_iterations_of_two_branches_are_checked():
    # 2**16 = 65,536 ways (under the cap): every value of w is reachable
    r = checker.check(SPEC.replace("N", "16"))
    assert r.stats.states == 4 and r.stats.depth == 1


def test_too_many_ways_is_a_positioned_error():
    assert 2 ** 17 > MAX_PATHS
    with pytest.raises(SpecError) as e:
        load_text(SPEC.replace("N", "17"), "p.spec")
    d = e.value.diagnostics[0]
    assert (d.span.line, d.span.col) == (4, 3)
    assert "more than 100,000 ways" in d.message and "17 iterations" in d.message


def test_if_takes_one_side_and_nested_loops_multiply():
    nested = """spec s
var w: 0..3 = 0
action a {
  for i in 1..3 { for j in 1..3 { if w == 0 { either { w = 1 } or { w = 2 } } else { w = w } } }
}
"""
    # 2 ways per inner iteration, 9 iterations: 512 ways
    assert checker.check(nested).stats.states == 3
    deep = nested.replace("1..3 {", "1..9 {")
    with pytest.raises(SpecError, match="ways through it"):   # 2**81
        load_text(deep, "d.spec")
