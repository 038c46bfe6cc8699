"""Hand-built IR specs and results, so the reporters and the CLI can be tested
without the front end or any engine."""
from __future__ import annotations

from checker import ir
from checker.results import (DEADLOCK, INVARIANT, TYPEOK, CheckResult, PropertyResult, Stats,
                             Step, Trace, Verdict)

PHASE = ir.EnumT("Phase", ("Closed", "Open", "HalfOpen"))


def lit(v, t=None):
    if t is None:
        t = ir.BOOL if isinstance(v, bool) else (PHASE if isinstance(v, str) else ir.INT)
    return ir.Lit(v, t)


def rng(lo, hi):
    return ir.IntT(lit(lo), lit(hi))


def breaker_spec() -> ir.Spec:
    phase = ir.Var("phase", PHASE)
    failures = ir.Var("failures", rng(0, 3))
    caller = ir.EnumT("Caller", ("a", "b"))
    inv = ir.Binary("implies", ir.Binary("eq", phase, lit("Closed"), ir.BOOL),
                    ir.Binary("lt", failures, lit(3), ir.BOOL), ir.BOOL)
    return ir.Spec(
        name="breaker",
        consts=(ir.ConstDecl("THRESHOLD", rng(1, 8), 3),),
        enums=(PHASE, caller),
        vars=(ir.VarDecl("phase", PHASE, lit("Closed")),
              ir.VarDecl("failures", rng(0, 3), lit(0)),
              ir.VarDecl("calls", ir.MapT(caller, rng(0, 2)), ir.MapBuild("c", lit(0), ir.MapT(caller, rng(0, 2)))),
              ir.VarDecl("seen", ir.SetT(rng(1, 3)), ir.SetLit((), ir.SetT(rng(1, 3))))),
        actions=(ir.Action("fail", (ir.Param("c", caller),), ()), ir.Action("tick", (), ())),
        invariants=(ir.Invariant("closed_below_threshold", inv, doc="Closed means below the threshold."),),
        file="spec/breaker.spec",
    )


def violation_trace() -> Trace:
    s0 = {"phase": "Closed", "failures": 0, "calls": (0, 0), "seen": frozenset()}
    s1 = dict(s0, failures=1, calls=(1, 0), seen=frozenset({2}))
    s2 = dict(s1, failures=2, calls=(1, 1))
    s3 = dict(s2, failures=3)
    return Trace([Step(None, (), s0), Step("fail", ("a",), s1), Step("fail", ("b",), s2),
                  Step("fail", ("b",), s3)])


def violated_result() -> CheckResult:
    return CheckResult(
        spec="breaker", file="spec/breaker.spec", engine="explicit", consts={"THRESHOLD": 3},
        properties=[
            PropertyResult("closed_below_threshold", INVARIANT, Verdict.VIOLATED, "exhaustive search",
                           trace=violation_trace(), depth=3, doc="Closed means below the threshold.", line=30),
            PropertyResult("typeok", TYPEOK, Verdict.HOLDS, "exhaustive search"),
            PropertyResult("deadlock", DEADLOCK, Verdict.HOLDS, "exhaustive search"),
        ],
        stats=Stats(states=42, transitions=100, depth=5, seconds=0.5), exhaustive=True)


def holds_result(engine="explicit", exhaustive=True) -> CheckResult:
    return CheckResult(
        spec="breaker", file="spec/breaker.spec", engine=engine, consts={"THRESHOLD": 3},
        properties=[PropertyResult("closed_below_threshold", INVARIANT, Verdict.HOLDS,
                                   "exhaustive search" if engine == "explicit" else "PDR (Spacer)"),
                    PropertyResult("typeok", TYPEOK, Verdict.HOLDS, "exhaustive search")],
        stats=Stats(states=42, transitions=100, depth=5, seconds=0.5), exhaustive=exhaustive)
