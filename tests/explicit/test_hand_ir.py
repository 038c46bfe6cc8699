"""Explicit engine on hand-built IR: exact state/transition counts and traces."""
from __future__ import annotations

import pytest

from checker import ir
from checker.explicit.engine import NeedsConstants, check
from checker.ir import BOOL, INT
from checker.options import Options, Progress
from checker.results import Verdict

from .ir_build import (action, add, and_, assign, b, call, either, eq, if_, inv, le, lit, loc, lt,
                       ne, not_, req, rng, sp, spec, var, vdecl)

X3 = rng(0, 3)


def labels(tr):
    return [s.label() for s in tr.steps]


def states(tr, name):
    return [s.state[name] for s in tr.steps]


def counter(guard_hi: int, inv_expr=None, hi: int = 3):
    t = rng(0, hi)
    x = var("x", t)
    invs = [inv("small", inv_expr)] if inv_expr is not None else []
    return spec([vdecl("x", t, lit(0))],
                [action("inc", [req(le(x, lit(guard_hi))), assign("x", add(x, lit(1)), line=17)])],
                invs)


def test_off_by_one_overflow_violates_typeok_at_depth_4():
    r = check(counter(3), Options())
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (4, 3, 3)
    p = r.get("typeok")
    assert p.verdict is Verdict.VIOLATED
    assert p.detail == "x = 4 is outside its type 0..3 (assignment at line 17)"
    assert labels(p.trace) == ["init", "inc", "inc", "inc", "inc"]
    assert states(p.trace, "x") == [0, 1, 2, 3, 4]
    assert p.depth == 4 == len(p.trace)
    # the erroneous step is enabled, so x = 3 is no deadlock
    assert r.get("deadlock").verdict is Verdict.HOLDS
    assert r.exhaustive
    assert "exact: full states stored" in r.notes


def test_invariant_violated_at_depth_3_and_deadlock():
    x = var("x", X3)
    r = check(counter(2, lt(x, lit(3))), Options())
    assert [p.name for p in r.properties] == ["small", "typeok", "deadlock"]
    assert (r.stats.states, r.stats.transitions) == (4, 3)
    small = r.get("small")
    assert small.verdict is Verdict.VIOLATED and small.kind == "invariant"
    assert states(small.trace, "x") == [0, 1, 2, 3] and small.depth == 3
    assert r.get("typeok").verdict is Verdict.HOLDS
    assert r.get("typeok").method == "exhaustive search (4 states, depth 3)"
    dl = r.get("deadlock")
    assert dl.verdict is Verdict.VIOLATED and states(dl.trace, "x") == [0, 1, 2, 3]


def test_no_deadlock_check_and_property_selection():
    x = var("x", X3)
    r = check(counter(2, lt(x, lit(3))), Options(check_deadlock=False))
    assert [p.name for p in r.properties] == ["small", "typeok"]
    r = check(counter(2, lt(x, lit(3))), Options(properties=("typeok",)))
    assert [p.name for p in r.properties] == ["typeok"]
    assert r.get("typeok").verdict is Verdict.HOLDS


def test_multiple_initial_states():
    x, y = var("x", X3), var("y", BOOL)
    s = spec([vdecl("x", X3, ir.SetLit((lit(1), lit(2)), ir.SetT(X3)), choice=True),
              vdecl("y", BOOL, ir.SetLit((lit(False), lit(True)), ir.SetT(BOOL)), choice=True)],
             [action("flip", [assign("y", not_(y))])],
             [inv("x_not_2", ne(x, lit(2)))])
    r = check(s, Options())
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (4, 4, 0)
    p = r.get("x_not_2")
    # initial states in product order: (1,F) (1,T) (2,F) (2,T)
    assert p.trace.steps[0].state == {"x": 2, "y": False} and len(p.trace) == 0


def test_either_require_branching():
    t = rng(0, 4)
    x = var("x", t)
    body = [either([req(lt(x, lit(2))), assign("x", add(x, lit(1)))],
                   [req(eq(b("mod", x, lit(2)), lit(0))), assign("x", add(x, lit(2)), line=7)])]
    r = check(spec([vdecl("x", t, lit(0))], [action("a", body)]), Options())
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (4, 4, 2)
    p = r.get("typeok")
    assert states(p.trace, "x") == [0, 2, 4, 6]
    assert p.detail == "x = 6 is outside its type 0..4 (assignment at line 7)"
    assert r.get("deadlock").verdict is Verdict.HOLDS


def test_error_in_one_branch_keeps_the_other():
    t = rng(0, 2)
    x = var("x", t)
    body = [either([assign("x", add(x, lit(1)))], [assign("x", lit(0))])]
    r = check(spec([vdecl("x", t, lit(0))], [action("a", body)]), Options())
    assert (r.stats.states, r.stats.transitions) == (3, 5)
    assert states(r.get("typeok").trace, "x") == [0, 1, 2, 3]


def flags_spec():
    P = rng(1, 3)
    M = ir.MapT(P, BOOL)
    m = var("m", M)
    p = loc("p", P)
    set_p = action("set", [req(not_(ir.Index(m, p, BOOL))),
                           assign("m", call("map_update", [m, p, lit(True)], M))],
                   params=[("p", P)])
    return spec([vdecl("m", M, ir.MapBuild("k", lit(False), M))], [set_p],
                [inv("not_three", not_(ir.Index(m, lit(3), BOOL)))])


def test_parameterised_action_counts_and_labels():
    r = check(flags_spec(), Options())
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (8, 12, 3)
    p = r.get("not_three")
    assert labels(p.trace) == ["init", "set(3)"]
    assert p.trace.steps[1].args == (3,)
    assert states(p.trace, "m") == [(False, False, False), (False, False, True)]
    dl = r.get("deadlock")
    assert labels(dl.trace) == ["init", "set(1)", "set(2)", "set(3)"]
    assert dl.trace.steps[-1].state == {"m": (True, True, True)}


def test_enum_set_and_size():
    color = ir.EnumT("Color", ("R", "G", "B"))
    S = ir.SetT(color)
    s = var("s", S)
    c = loc("c", color)
    add_c = action("add", [assign("s", call("set_add", [s, c], S))], params=[("c", color)])
    r = check(spec([vdecl("s", S, ir.SetLit((), S))], [add_c],
                   [inv("not_full", lt(call("size", [s], INT), lit(3)))], enums=[color]),
              Options())
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (8, 24, 3)
    p = r.get("not_full")
    assert labels(p.trace) == ["init", "add(R)", "add(G)", "add(B)"]
    assert p.trace.steps[-1].state["s"] == frozenset({"R", "G", "B"})
    assert p.trace.steps[0].state["s"] == frozenset()


def test_int_set_element_outside_domain():
    N = rng(0, 2)
    S = ir.SetT(N)
    n, s = var("n", N), var("s", S)
    body = [assign("s", call("set_add", [s, add(n, lit(1))], S, line=4)),
            assign("n", call("min", [add(n, lit(1)), lit(2)], INT))]
    r = check(spec([vdecl("n", N, lit(0)), vdecl("s", S, ir.SetLit((), S))],
                   [action("a", body)]), Options())
    assert (r.stats.states, r.stats.transitions) == (3, 2)
    p = r.get("typeok")
    assert p.detail == "element 3 outside the set's element type 0..2 (line 4)"
    assert [st.state["s"] for st in p.trace.steps] == [frozenset(), frozenset({1}),
                                                        frozenset({1, 2}), frozenset({1, 2})]


def seq_spec(with_take: bool):
    E = rng(0, 1)
    Q = ir.SeqT(E, 2)
    q, last = var("q", Q), var("last", E)
    v = loc("v", E)
    acts = [action("put", [assign("q", call("push", [q, v], Q, line=5))], params=[("v", E)])]
    if with_take:
        acts.append(action("take", [assign("last", call("head", [q], E, line=9)),
                                    assign("q", call("tail", [q], Q))]))
    return spec([vdecl("q", Q, ir.SeqLit((), Q)), vdecl("last", E, lit(0))], acts)


def test_seq_head_of_empty():
    r = check(seq_spec(True), Options())
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (14, 24, 4)
    p = r.get("typeok")
    assert p.detail == "head of an empty sequence (line 9)"
    assert labels(p.trace) == ["init", "take"]
    assert p.trace.steps[-1].state == {"q": (), "last": 0}


def test_seq_push_past_capacity():
    r = check(seq_spec(False), Options())
    assert (r.stats.states, r.stats.transitions) == (7, 6)
    p = r.get("typeok")
    assert p.detail == "push onto a full sequence (length 2, capacity 2) (line 5)"
    assert labels(p.trace) == ["init", "put(0)", "put(0)", "put(0)"]
    assert p.trace.steps[-1].state["q"] == (0, 0)


def test_map_key_outside_domain():
    I = rng(0, 3)
    K = rng(0, 2)
    M = ir.MapT(K, rng(0, 1))
    i, m = var("i", I), var("m", M)
    body = [assign("m", call("map_update", [m, i, lit(1)], M, line=6)),
            assign("i", call("min", [add(i, lit(1)), lit(3)], INT))]
    r = check(spec([vdecl("i", I, lit(0)), vdecl("m", M, ir.MapBuild("k", lit(0), M))],
                   [action("w", body)]), Options())
    assert (r.stats.states, r.stats.transitions) == (4, 3)
    p = r.get("typeok")
    assert p.detail == "key 3 outside the key domain 0..2 (line 6)"
    assert states(p.trace, "m")[-1] == (1, 1, 1) and len(p.trace) == 4


def test_map_value_out_of_range_shows_whole_map():
    K = rng(1, 2)
    V = rng(0, 2)
    M = ir.MapT(K, V)
    m = var("m", M)
    k = loc("k", K)
    body = [assign("m", call("map_update", [m, k, add(ir.Index(m, k, V), lit(1))], M),
                   line=3)]
    r = check(spec([vdecl("m", M, ir.MapBuild("j", lit(0), M))],
                   [action("bump", body, params=[("k", K)])]), Options())
    assert (r.stats.states, r.stats.transitions) == (9, 12)
    p = r.get("typeok")
    assert labels(p.trace) == ["init", "bump(1)", "bump(1)", "bump(1)"]
    assert p.trace.steps[-1].state == {"m": (3, 0)}
    assert p.detail == "m = [3, 0] is outside its type map<1..2, 0..2> (assignment at line 3)"


def test_division_by_zero_in_invariant_violates_it():
    x = var("x", X3)
    s = spec([vdecl("x", X3, lit(0))],
             [action("inc", [req(lt(x, lit(2))), assign("x", add(x, lit(1)))])],
             [inv("ratio", lt(b("div", lit(6), b("sub", lit(2), x), line=11), lit(10)))])
    r = check(s, Options(check_deadlock=False))
    p = r.get("ratio")
    assert p.verdict is Verdict.VIOLATED and states(p.trace, "x") == [0, 1, 2]
    assert "division by zero (line 11)" in p.detail


def big_counter(hi=100):
    t = rng(0, hi)
    x = var("x", t)
    return spec([vdecl("x", t, lit(0))],
                [action("inc", [req(lt(x, lit(hi))), assign("x", add(x, lit(1)))])],
                [inv("bounded", le(x, lit(hi))), inv("below_two", lt(x, lit(2)))])


def test_max_states_is_unknown_never_holds():
    r = check(big_counter(), Options(max_states=10, properties=("bounded", "typeok")))
    assert not r.exhaustive
    assert r.stats.states == 10
    for p in r.properties:
        assert p.verdict is Verdict.UNKNOWN
        assert p.method == "bounded (not exhaustive): depth 9, 10 states"
    assert any("max-states 10" in n for n in r.notes)


def test_max_depth_unknown_but_violations_inside_bound_reported():
    r = check(big_counter(), Options(max_depth=3))
    assert not r.exhaustive
    assert (r.stats.states, r.stats.depth) == (4, 3)
    assert r.get("bounded").verdict is Verdict.UNKNOWN
    assert r.get("deadlock").verdict is Verdict.UNKNOWN
    assert r.get("typeok").method == "bounded (not exhaustive): depth 3, 4 states"
    assert r.get("below_two").verdict is Verdict.VIOLATED
    assert any("max-depth 3" in n for n in r.notes)


def test_max_depth_checks_invariants_of_the_last_level():
    r = check(big_counter(), Options(max_depth=2, properties=("below_two",)))
    assert r.get("below_two").verdict is Verdict.VIOLATED


def test_full_search_of_big_counter_holds():
    r = check(big_counter(), Options())
    assert r.exhaustive and r.stats.states == 101 and r.stats.depth == 100
    assert r.get("bounded").verdict is Verdict.HOLDS
    assert r.get("bounded").method == "exhaustive search (101 states, depth 100)"


def test_progress_callback_and_timeout():
    seen: list[Progress] = []
    r = check(big_counter(3000000), Options(progress=seen.append, timeout=1.5,
                                           check_deadlock=False, properties=("bounded",)))
    assert not r.exhaustive
    assert r.get("bounded").verdict is Verdict.UNKNOWN
    assert any("time limit reached (1.5 s)" in n for n in r.notes)
    assert seen and seen[-1].states > 0


def test_symbolic_constants_rejected():
    c = ir.ConstDecl("N", ir.IntT(), None)
    t = ir.IntT(ir.Lit(0, INT), ir.Const("N", INT))
    s = spec([vdecl("x", t, lit(0))], [action("a", [])], consts=[c])
    with pytest.raises(NeedsConstants) as e:
        check(s, Options())
    assert "N" in str(e.value) and "--const N=" in str(e.value)
    # a bound depending on a constant, even without the ConstDecl
    s2 = spec([vdecl("x", t, lit(0))], [action("a", [])])
    with pytest.raises(NeedsConstants, match="--const N="):
        check(s2, Options())


def test_stop_early_when_everything_violated():
    r = check(big_counter(), Options(properties=("below_two",)))
    assert r.get("below_two").verdict is Verdict.VIOLATED
    assert not r.exhaustive and r.stats.states == 4
    assert any("every checked property is already decided" in n for n in r.notes)
    # ... but a violation alone does not stop the search
    r = check(big_counter(), Options())
    assert r.get("below_two").verdict is Verdict.VIOLATED
    assert r.exhaustive and r.stats.states == 101


def test_let_if_with_require_inside():
    t = rng(0, 5)
    x = var("x", t)
    y = loc("y", INT)
    body = [ir.Let("y", add(x, lit(2))),
            if_(lt(y, lit(4)), [req(ne(x, lit(1))), assign("x", y)], [assign("x", lit(5))])]
    r = check(spec([vdecl("x", t, lit(0))], [action("a", body)]), Options())
    # 0 -> 2 -> 5 -> 5 (self loop); 1 never reached
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (3, 3, 2)
    assert r.get("deadlock").verdict is Verdict.HOLDS
