"""Deep expressions compile (no recursion limit, no parser nesting limit)
and keep their short-circuit semantics."""
from __future__ import annotations

from checker import ir
from checker.explicit.engine import check
from checker.ir import BOOL, INT
from checker.options import Options
from checker.results import Verdict

from .ir_build import action, add, and_, assign, b, call, eq, inv, le, lit, lt, not_, req, rng, \
    spec, var, vdecl

DEPTH = 2000
X = rng(0, 3)


def run(invariant):
    x = var("x", X)
    s = spec([vdecl("x", X, lit(0))],
             [action("inc", [req(lt(x, lit(3))), assign("x", add(x, lit(1)))])],
             [inv("deep", invariant)])
    return check(s, Options(check_deadlock=False)).get("deep")


def test_left_nested_sum():
    e = var("x", X)
    for _ in range(DEPTH):
        e = add(e, lit(1))
    p = run(b("ge", e, lit(DEPTH)))
    assert p.verdict is Verdict.HOLDS
    p = run(b("lt", e, lit(DEPTH + 3)))      # x + 2000 < 2003 fails at x = 3
    assert p.verdict is Verdict.VIOLATED and p.trace.steps[-1].state == {"x": 3}


def test_right_nested_sum():
    e = var("x", X)
    for _ in range(DEPTH):
        e = add(lit(1), e)
    assert run(b("ge", e, lit(DEPTH))).verdict is Verdict.HOLDS


def test_right_nested_and_chain():
    x = var("x", X)
    e = lt(x, lit(3))
    for k in range(DEPTH):
        e = and_(le(x, lit(3 + k)), e)
    p = run(e)
    assert p.verdict is Verdict.VIOLATED and len(p.trace) == 3


def test_deep_if_chain():
    x = var("x", X)
    e = lit(0)
    for k in range(DEPTH):
        e = ir.Ite(eq(x, lit(100 + k)), lit(k + 1), e, INT)
    assert run(eq(e, lit(0))).verdict is Verdict.HOLDS


def test_deep_not():
    x = var("x", X)
    e = lt(x, lit(2))
    for _ in range(DEPTH):
        e = not_(e)
    p = run(e)
    assert p.verdict is Verdict.VIOLATED and len(p.trace) == 2


def test_alternating_and_or_with_lazy_errors():
    """x < 9 and (x > 5 or (x < 9 and (... or head(q) == 0))): the deep right
    operands are evaluated only when needed, so head of [] never runs."""
    E = rng(0, 1)
    Q = ir.SeqT(E, 1)
    q = var("q", Q)
    x = var("x", X)
    e = eq(call("head", [q], E, line=5), lit(0))
    for k in range(DEPTH):
        if k % 2:
            e = and_(lt(x, lit(9)), e)
        else:
            e = b("or", lt(x, lit(9)), e)
    s = spec([vdecl("x", X, lit(0)), vdecl("q", Q, ir.SeqLit((), Q))],
             [action("inc", [req(lt(x, lit(3))), assign("x", add(x, lit(1)))])],
             [inv("deep", e)])
    assert check(s, Options(check_deadlock=False)).get("deep").verdict is Verdict.HOLDS


def test_deep_sum_behind_false_guard_never_raises():
    E = rng(0, 1)
    Q = ir.SeqT(E, 1)
    q = var("q", Q)
    e = call("head", [q], E, line=5)
    for _ in range(DEPTH):
        e = add(e, lit(1))
    guarded = b("or", eq(call("len", [q], INT), lit(0)), b("gt", e, lit(0)))
    s = spec([vdecl("q", Q, ir.SeqLit((), Q))], [action("idle", [])], [inv("deep", guarded)])
    assert check(s, Options()).get("deep").verdict is Verdict.HOLDS
    unguarded = b("gt", e, lit(0))
    s = spec([vdecl("q", Q, ir.SeqLit((), Q))], [action("idle", [])], [inv("deep", unguarded)])
    p = check(s, Options()).get("deep")
    assert p.verdict is Verdict.VIOLATED and "head of an empty sequence (line 5)" in p.detail


def test_deep_expression_in_an_action():
    x = var("x", X)
    e = x
    for _ in range(DEPTH):
        e = b("sub", add(e, lit(1)), lit(1))
    s = spec([vdecl("x", X, lit(0))],
             [action("inc", [req(lt(e, lit(3))), assign("x", add(e, lit(1)))])])
    r = check(s, Options())
    assert (r.stats.states, r.stats.transitions) == (4, 3)
    assert r.get("deadlock").verdict is Verdict.VIOLATED
