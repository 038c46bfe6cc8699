"""Hand-built IR: deep expressions, long unrollings, unsupported input."""
import sys

from checker import ir
from checker.options import Options
from checker.results import Verdict
from checker.symbolic import bmc, kind, pdr
from checker.symbolic.encode import Encoder

INT = ir.INT


def rng(lo, hi):
    return ir.IntT(ir.Lit(lo, INT), ir.Lit(hi, INT))


def spec(vars, actions=(), invariants=(), consts=()):
    return ir.Spec("t", tuple(consts), (), tuple(vars), tuple(actions), tuple(invariants))


def deep_sum(x, n):
    e = x
    for _ in range(n):
        e = ir.Binary("add", e, ir.Lit(1, INT), INT)
    return e


def test_2000_deep_expression_encodes_without_recursion_error():
    x = ir.Var("x", rng(0, 3))
    body = deep_sum(x, 2000)                       # x + 1 + 1 + ... (2000 deep)
    inv = ir.Binary("ge", body, ir.Lit(2000, INT), ir.BOOL)
    neg = inv
    for _ in range(2000):                          # not not ... (2000 deep)
        neg = ir.Unary("not", neg, ir.BOOL)
    sp = spec([ir.VarDecl("x", rng(0, 3), ir.Lit(0, INT))],
              [ir.Action("inc", (), (ir.Require(ir.Binary("lt", x, ir.Lit(3, INT), ir.BOOL)),
                                     ir.Assign("x", ir.Binary("sub", deep_sum(x, 2000), ir.Lit(1999, INT), INT))))],
              [ir.Invariant("deep", inv), ir.Invariant("deeper", neg),
               ir.Invariant("big", ir.Binary("le", body, ir.Lit(2002, INT), ir.BOOL))])
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(400)  # well below the depth of the expression
    try:
        Encoder(sp)
        r = bmc.check(sp, Options(depth=4, check_deadlock=False))
    finally:
        sys.setrecursionlimit(old)
    assert r.get("deep").verdict is Verdict.UNKNOWN
    assert r.get("deeper").verdict is Verdict.UNKNOWN
    big = r.get("big")
    assert big.verdict is Verdict.VIOLATED and big.depth == 3
    assert [s.state["x"] for s in big.trace.steps] == [0, 1, 2, 3]


def test_100_step_unrolling():
    x = ir.Var("x", rng(0, 200))
    sp = spec([ir.VarDecl("x", rng(0, 200), ir.Lit(0, INT))],
              [ir.Action("inc", (), (ir.Assign("x", ir.Binary("add", x, ir.Lit(1, INT), INT)),))],
              [ir.Invariant("lt100", ir.Binary("lt", x, ir.Lit(100, INT), ir.BOOL))])
    r = bmc.check(sp, Options(depth=120, check_deadlock=False, properties=("lt100",)))
    p = r.get("lt100")
    assert p.verdict is Verdict.VIOLATED and p.depth == 100 and len(p.trace) == 100


def test_symbolic_parameter_domain_is_error():
    n = ir.Const("N", INT)
    cd = ir.ConstDecl("N", INT, None, ir.Binary("ge", n, ir.Lit(1, INT), ir.BOOL))
    sp = spec([ir.VarDecl("x", rng(0, 3), ir.Lit(0, INT))],
              [ir.Action("a", (ir.Param("i", ir.IntT(ir.Lit(1, INT), n)),), (ir.Assign("x", ir.Lit(0, INT)),))],
              [], [cd])
    for eng in (bmc, kind, pdr):
        r = eng.check(sp, Options())
        assert [p.verdict for p in r.properties] == [Verdict.ERROR, Verdict.ERROR]
        assert "parameter 'i'" in r.properties[0].detail


def test_quantifier_and_mapbuild_and_let():
    # var m: map<0..2, bool> = [k -> false]; action set(k) { let v = not m[k]; m = update(m, k, v) }
    kt = rng(0, 2)
    mt = ir.MapT(kt, ir.BOOL)
    m = ir.Var("m", mt)
    k = ir.Local("k", kt)
    body = (ir.Let("v", ir.Unary("not", ir.Index(m, k, ir.BOOL), ir.BOOL)),
            ir.Assign("m", ir.Call("map_update", (m, k, ir.Local("v", ir.BOOL)), mt)))
    allset = ir.Quant("forall", "j", kt, ir.Index(m, ir.Local("j", kt), ir.BOOL))
    sp = spec([ir.VarDecl("m", mt, ir.MapBuild("j", ir.Lit(False, ir.BOOL), mt))],
              [ir.Action("flip", (ir.Param("k", kt),), body)],
              [ir.Invariant("not_all", ir.Unary("not", allset, ir.BOOL))])
    r = bmc.check(sp, Options(depth=5, check_deadlock=False))
    p = r.get("not_all")
    assert p.verdict is Verdict.VIOLATED and p.depth == 3
    assert p.trace.steps[-1].state["m"] == (True, True, True)
    assert sorted(s.args[0] for s in p.trace.steps[1:]) == [0, 1, 2]
