"""Code-generation paths: big quantifier/map domains (loops, not unrolled),
nested map updates, helper functions for long continuations and deep nesting."""
from __future__ import annotations

from checker import ir
from checker.explicit.engine import check
from checker.ir import BOOL, INT
from checker.options import Options
from checker.results import Verdict

from .ir_build import (action, add, assign, b, call, either, eq, if_, inv, le, lit, loc, lt, ne,
                       req, rng, spec, var, vdecl)


def test_quantifier_over_big_domain():
    T = rng(0, 31)
    x = var("x", T)
    i = loc("i", T)
    forall = ir.Quant("forall", "i", T, b("or", ne(i, x), lt(x, lit(20))))
    exists = ir.Quant("exists", "i", T, eq(i, x))
    s = spec([vdecl("x", T, lit(0))],
             [action("inc", [req(lt(x, lit(31))), assign("x", add(x, lit(1)))])],
             [inv("below_20", forall), inv("somewhere", exists)])
    r = check(s, Options(check_deadlock=False))
    assert (r.stats.states, r.stats.transitions) == (32, 31)
    p = r.get("below_20")
    assert p.verdict is Verdict.VIOLATED and len(p.trace) == 20
    assert r.get("somewhere").verdict is Verdict.HOLDS


def test_map_builder_over_big_domain():
    K = rng(0, 19)
    V = rng(0, 1)
    M = ir.MapT(K, V)
    m = var("m", M)
    k = loc("k", K)
    build = ir.MapBuild("k", ir.Ite(lt(k, lit(5)), lit(1), lit(0), INT), M)
    s = spec([vdecl("m", M, ir.MapBuild("k", lit(0), M))], [action("set", [assign("m", build)])],
             [inv("four_clear", eq(ir.Index(m, lit(4), V), lit(0))),
              inv("five_clear", eq(ir.Index(m, lit(5), V), lit(0)))])
    r = check(s, Options())
    assert (r.stats.states, r.stats.transitions) == (2, 2)
    p = r.get("four_clear")
    assert p.verdict is Verdict.VIOLATED
    assert p.trace.steps[-1].state["m"] == (1,) * 5 + (0,) * 15
    assert r.get("five_clear").verdict is Verdict.HOLDS


def test_nested_map_of_sequences():
    K = rng(0, 1)
    E = rng(0, 1)
    Q = ir.SeqT(E, 2)
    M = ir.MapT(K, Q)
    m = var("m", M)
    k = loc("k", K)
    body = [assign("m", call("map_update", [m, k, call("push", [ir.Index(m, k, Q), lit(1)], Q,
                                                         line=8)], M))]
    s = spec([vdecl("m", M, ir.MapBuild("j", ir.SeqLit((), Q), M))],
             [action("put", body, params=[("k", K)])])
    r = check(s, Options())
    assert (r.stats.states, r.stats.transitions) == (9, 12)
    p = r.get("typeok")
    assert [st.label() for st in p.trace.steps] == ["init", "put(0)", "put(0)", "put(0)"]
    assert p.detail == "push onto a full sequence (length 2, capacity 2) (line 8)"
    assert p.trace.steps[-1].state["m"] == ((1, 1), ())


def test_sequential_eithers_use_helpers():
    names = [f"b{i}" for i in range(6)]
    body = [either([assign(n, lit(True))], [assign(n, lit(False))]) for n in names]
    s = spec([vdecl(n, BOOL, lit(False)) for n in names], [action("choose", body)])
    r = check(s, Options())
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (64, 64 * 64, 1)


def test_many_requires_nest_into_helpers():
    T = rng(0, 3)
    x = var("x", T)
    body = [req(lt(x, lit(3 + k))) for k in range(60)] + [assign("x", add(x, lit(1)))]
    body.insert(0, req(lt(x, lit(3))))
    r = check(spec([vdecl("x", T, lit(0))], [action("inc", body)]), Options())
    assert (r.stats.states, r.stats.transitions) == (4, 3)
    assert r.get("deadlock").verdict is Verdict.VIOLATED


def test_if_with_require_and_long_continuation():
    T = rng(0, 3)
    x, y = var("x", T), var("y", T)
    rest = [assign("y", lit(k % 4)) for k in range(14)]   # ends with y = 1
    body = [if_(eq(x, lit(0)), [req(eq(y, lit(0))), assign("x", lit(1))],
                [assign("x", lit(2))])] + rest
    s = spec([vdecl("x", T, lit(0)), vdecl("y", T, lit(0))], [action("a", body)])
    r = check(s, Options())
    # (0,0) -> (1,1) -> (2,1) -> (2,1)
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (3, 3, 2)


def test_either_branch_error_and_helper_continuation():
    T = rng(0, 2)
    x = var("x", T)
    rest = [assign("x", x) for _ in range(14)]
    body = [either([assign("x", add(x, lit(1)), line=3)], [assign("x", lit(0))])] + rest
    r = check(spec([vdecl("x", T, lit(0))], [action("a", body)]), Options())
    assert (r.stats.states, r.stats.transitions) == (3, 5)
    assert r.get("typeok").detail == "x = 3 is outside its type 0..2 (assignment at line 3)"


def test_unspecialised_action_with_many_bindings():
    T = rng(0, 99)
    x = var("x", T)
    v = loc("v", T)
    body = [req(eq(x, lit(0))), assign("x", v)]
    r = check(spec([vdecl("x", T, lit(0))], [action("jump", body, params=[("v", T)])],
                   [inv("not_77", ne(x, lit(77)))]), Options(check_deadlock=False))
    assert (r.stats.states, r.stats.transitions) == (100, 100)
    p = r.get("not_77")
    assert [st.label() for st in p.trace.steps] == ["init", "jump(77)"]
