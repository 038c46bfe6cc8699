"""k-induction proves invariants jointly (each assumes the others), soundly."""
import checker
from checker.results import Verdict

# x and y move together; neither `a` nor `b` is inductive alone (a CTI with
# x != y breaks each), together they are.
TOGETHER = """spec t
var x: 0..7 = 0
var y: 0..7 = 0
action step { require x < 5; x = x + 1; y = y + 1 }
invariant a: x == y
invariant b: x <= 5 and y <= 5
invariant c: y <= 5 => x <= 5
"""

# x climbs to 9; `not_ten` and `not_nine` support each other one step back, but
# `not_nine` is false (x reaches 9 after 9 steps, beyond max_k): no proof.
FALSE_PAIR = """spec t
var x: 0..12 = 0
action step { require x < 12; x = x + 1 }
invariant not_ten: x != 10
invariant not_nine: x != 9
"""


def test_invariants_proved_jointly():
    r = checker.check(TOGETHER, engine="kind", max_k=3)
    assert r.get("a").verdict is Verdict.HOLDS
    assert r.get("b").verdict is Verdict.HOLDS and "jointly" in r.get("b").method


def test_false_invariants_that_support_each_other_are_not_proved():
    r = checker.check(FALSE_PAIR, engine="kind", max_k=3)
    assert r.get("not_ten").verdict is Verdict.UNKNOWN
    assert r.get("not_nine").verdict is Verdict.UNKNOWN
    ex = checker.check(FALSE_PAIR)
    assert ex.get("not_nine").verdict is Verdict.VIOLATED and len(ex.trace("not_nine")) == 9
