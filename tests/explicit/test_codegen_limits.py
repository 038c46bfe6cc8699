"""Generated code stays small and valid for pathological but valid specs:
big integers (packed states of large maps), constant operands of methods,
nests of quantifiers whose unrolling would be exponential -- and --timeout
covers compiling.  Each case was a crash or a hang the fuzzer found
(tests/fuzz/regressions/)."""
from __future__ import annotations

import checker
from checker import interp
from checker.explicit.compile import Program
from checker.explicit.ctx import UNROLL_TOTAL, num
from checker.lang import load_text
from checker.results import Verdict

H, V, U = Verdict.HOLDS, Verdict.VIOLATED, Verdict.UNKNOWN


def test_num_writes_big_ints_in_hex():
    assert num(5) == "5" and num(-7) == "-7"
    big = 1 << 400_000
    assert num(big) == hex(big) and int(num(big), 16) == big
    assert num(-big) == hex(-big)
    # small enough for decimal: what repr gives
    assert num((1 << 64) - 1) == str((1 << 64) - 1)


def test_size_of_constant_sets():
    r = checker.check("""spec s
enum E { A, B }
var v: bool = true
action a { require size({A}) == 1 and size({A, B}) == 2 and size({1, 3}) == 2  v = not v }
invariant one: size({B}) == 1
invariant both: size({true, false}) == 2
""")
    assert r.stats.states == 2
    assert [(p.name, p.verdict) for p in r.properties] == [
        ("one", H), ("both", H), ("typeok", H), ("deadlock", H)]


def test_map_over_100001_keys():
    # the packed state has 200,002 bits: masks of more than 4300 decimal digits
    r = checker.check("""spec s
var x: map<0..100000, 0..3> = [k in 0..100000 -> 0]
action a { require x[100000] < 3  x[100000] = x[100000] + 1 }
action b(i: 0..1) { x[i] = 2 }
invariant low: x[1] + x[100000] < 5
""")
    assert r.stats.states == 2 * 2 * 4     # x[0], x[1] in {0, 2}; x[100000] in 0..3
    low = r.get("low")
    assert low.verdict is V
    last = low.trace.steps[-1].state["x"]
    assert last[1] + last[100000] == 5 and len(low.trace) == 4


NESTED = """spec s
var x: bool = true
action a { x = not x }
invariant i: """ + "".join(f"forall q{i} in 0..1: " for i in range(20)) + "BODY\n"


def test_twenty_nested_quantifiers_compile_to_loops():
    spec = load_text(NESTED.replace("BODY", "x or q19 == q0"), "n.spec")
    prog = Program(spec)
    prog.check_function([0], [])
    # unrolled whole, the invariant would be 2**20 copies of its body (tens
    # of megabytes of source); UNROLL_TOTAL copies inside 12 loops are not
    assert prog.last_source.count("q19") <= UNROLL_TOTAL + 1
    assert prog.last_source.count("for q") == 12
    src = prog.last_source
    r = checker.check(NESTED.replace("BODY", "x or q19 == q0"))
    assert r.stats.states == 2
    # q19 == q0 fails for q0 = 0, q19 = 1: the invariant is x
    assert r.get("i").verdict is V and len(r.get("i").trace) == 1
    assert len(src) < 200_000


def test_nested_quantifier_over_a_constant_body_folds():
    r = checker.check(NESTED.replace("BODY", "x or true"))
    assert r.get("i").verdict is H and r.stats.states == 2


NEST_MIX = """spec nestq
var a: 0..3 = 0
var b: 0..3 = 0
action inc_a { require a < 3  a = a + 1 }
action inc_b { require b < 3  b = b + 1 }
invariant nest3: forall i in 0..7: forall j in 0..7: forall k in 0..7: i + j + k != a + b + 20 or a == b
invariant nest5: exists i in 0..3: exists j in 0..3: exists k in 0..3: exists l in 0..3: exists m in 0..3: i + j + k + l + m == a + b + 10
invariant small: forall i in 0..2: forall j in 0..2: i * j <= a + 4 or b > 0
"""


def test_partly_unrolled_nests_agree_with_the_interpreter():
    """8**3 and 4**5 copies are above UNROLL_TOTAL: the outer levels become
    loops, the inner ones are unrolled; the 3x3 nest is unrolled whole."""
    spec = load_text(NEST_MIX, "nestq.spec")
    ex = interp.explore(spec, max_states=1000)
    assert ex.complete and len(ex.states) == 16
    r = checker.check(NEST_MIX)
    assert r.stats.states == 16
    for inv in spec.invariants:
        assert (r.get(inv.name).verdict is V) == (inv.name in ex.violations), inv.name
    # pinned: nest3 fails where a + b <= 1 and a != b (depth 1); nest5 fails
    # where a + b + 10 > 15 (a + b = 6 at depth 6); small (i * j <= 4 for i, j <= 2) holds
    assert [(p.name, p.verdict, len(p.trace) if p.trace else None) for p in r.properties[:3]] == [
        ("nest3", V, 1), ("nest5", V, 6), ("small", H, None)]
    # the symbolic engine reaches the same verdicts
    b = checker.check(NEST_MIX, engine="bmc", depth=6)
    assert [(p.name, p.verdict) for p in b.properties[:2]] == [("nest3", V), ("nest5", V)]
    assert [len(b.get(n).trace) for n in ("nest3", "nest5")] == [1, 6]


def test_timeout_covers_compiling():
    # the deadline is checked every few hundred compiled nodes; a microsecond
    # is over by then, so nothing is explored and everything is unknown
    r = checker.check(NESTED.replace("BODY", "x or q19 == q0"), timeout=1e-6)
    assert r.stats.states == 0 and not r.exhaustive
    assert [(p.name, p.verdict) for p in r.properties] == [
        ("i", U), ("typeok", U), ("deadlock", U)]
    assert all("while compiling" in p.method for p in r.properties)
    assert any("while compiling" in n for n in r.notes)


PLAIN_INTS = """spec s
var v: 0..3 = 0
action a { require [v + 1, 2] == [1, 2 * (v + 1)] and head([v - 5, v]) == -5  v = 1 }
action b { require [k in 0..2 -> v - 1] == [k in 0..2 -> 0]  v = 3 }
action c { require v == 1  v = head(push(tail([v, v - 1]), 9)) }
invariant i: [v + 1] != [4]
"""


def test_literals_of_plain_ints_agree_with_bmc():
    """Sequence literals and map builders of unbounded ints (fuzz crashes:
    SymbolicBound): v = 0 -a-> 1 -b-> 3 violates i."""
    spec = load_text(PLAIN_INTS, "p.spec")
    ex = interp.explore(spec, max_states=100)
    r = checker.check(PLAIN_INTS)
    assert r.stats.states == len(ex.states) == 3      # v = 0, 1, 3 (c goes back to 0)
    i = r.get("i")
    assert i.verdict is V and [s.action for s in i.trace.steps[1:]] == ["a", "b"]
    b = checker.check(PLAIN_INTS, engine="bmc", depth=4)
    assert b.get("i").verdict is V and len(b.get("i").trace) == 2
    # 3 is a deadlock (no action enabled) in both
    assert r.get("deadlock").verdict is V and b.get("deadlock").verdict is V
