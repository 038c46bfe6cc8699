"""Every Z3 engine's results carry typed evidence (checker/evidence.py) that
says what the method/detail words say: how deep bmc went, k and what
k-induction assumed or proved jointly, whether it ran at k = 0, PDR's
invariant, cone, held-fixed variables and bit level, which failure left a
property unknown, and the symbolic constants of a trace."""
import pytest

import checker
from checker import evidence as ev
from checker.lang import load_text
from checker.options import Options
from checker.results import Verdict
from checker.symbolic import bmc, induct, kind, pdr

import specs

H, V, U = Verdict.HOLDS, Verdict.VIOLATED, Verdict.UNKNOWN

# `same` (x == y) is 1-inductive alone; typeok is not (from x = 0, y = 7
# the step errs, and such a state is k steps from harm for any k: a chain
# up from y - x = 3), but every state with x == y and x < 5 has y < 5 and
# cannot overflow y: k = 0 from `same`
TYPEOK_FROM_SAME = """spec t
var x: 0..7 = 0
var y: 0..7 = 0
action step { require x < 5; x = x + 1; y = y + 1 }
invariant same: x == y
"""

# each of `a`, `b` fails alone (a counterexample to induction), together they hold
TOGETHER = """spec t
var x: 0..7 = 0
var y: 0..7 = 0
action step { require x < 5; x = x + 1; y = y + 1 }
invariant a: x == y
invariant b: x <= 5 and y <= 5
invariant c: y <= 5 => x <= 5
"""

# a loop that never finishes: `done` is never reached, `busy` toggles
EVENTUALLY = """spec t
var busy: bool = false
var done: bool = false
action flip { busy = not busy }
property finishes: eventually done
"""


def run(engine, text, **kw):
    return engine.check(load_text(text), Options(**kw))


def test_bmc_violation_and_bound_are_bounded_evidence():
    r = run(bmc, specs.COUNTER, depth=10)
    small, typeok, dead = r.properties
    assert small.evidence == ev.Bounded(depth=4)
    assert typeok.evidence == ev.Bounded(depth=6)
    assert dead.verdict is U and dead.evidence == ev.Bounded(depth=10, stopped_by=ev.MAX_DEPTH)


def test_bmc_lasso_is_bounded_lasso_evidence():
    r = checker.check(EVENTUALLY, engine="bmc", depth=4)
    p = r.get("finishes")
    assert p.verdict is V and p.evidence == ev.Bounded(depth=len(p.trace), lasso=True)
    assert p.trace.loop_start is not None


def test_a_trace_carries_the_symbolic_constants_it_was_found_for():
    text = specs.BREAKER_SYMBOLIC.replace(
        "invariant closed_below_threshold: phase == Closed => failures < THRESHOLD",
        "invariant low: failures <= 1")
    r = run(bmc, text, depth=4)
    p = r.get("low")
    assert p.verdict is V and p.trace.consts == {"THRESHOLD": r.consts["THRESHOLD"]}
    assert f"THRESHOLD = {r.consts['THRESHOLD']}" in p.detail   # the words stay


def test_kind_alone_jointly_and_cti():
    r = checker.check(TOGETHER, engine="kind", max_k=3)
    assert r.get("a").evidence == ev.Induction(1)
    b = r.get("b")
    assert "jointly" in b.method
    assert isinstance(b.evidence, ev.Induction) and b.evidence.k == b.depth
    assert "b" in b.evidence.jointly and "a" in b.evidence.assumed
    # the words name the same invariants
    named = b.detail.split("assumes the invariants ", 1)[1].split(", all proved")[0].split(", ")
    assert set(named) == set(b.evidence.assumed + b.evidence.jointly) - {"b"}
    cti = run(kind, specs.NOT_ONE_INDUCTIVE, max_k=1, properties=("x_small",)).get("x_small")
    assert cti.trace.kind == "cti" and cti.evidence == ev.Induction(1, failed="step")


def test_kind_k0_from_the_proved_invariants():
    r = checker.check(TYPEOK_FROM_SAME, engine="kind", max_k=2, check_deadlock=False)
    t = r.get("typeok")
    assert t.method == "k-induction, k = 0: implied by the proved invariants"
    assert t.evidence == ev.Induction(0, assumed=("same",))


def test_kind_base_case_violation_is_bounded():
    r = run(kind, specs.COUNTER, max_k=6)
    assert r.get("small").verdict is V and r.get("small").evidence == ev.Bounded(depth=4)


def test_pdr_proof_and_violation():
    r = run(pdr, specs.TWO_VARS)
    same = r.get("same")
    assert same.evidence == ev.Pdr(invariant=same.found_invariant)
    c = run(pdr, specs.COUNTER).get("small")
    assert c.verdict is V and c.evidence.path in ("spacer", "bmc")
    # the method says which: Spacer's path is not necessarily shortest
    assert ("not necessarily shortest" in c.method) == (c.evidence.path == "spacer")


def test_pdr_k0_and_assuming():
    r = checker.check(TYPEOK_FROM_SAME, engine="pdr", check_deadlock=False)
    t = r.get("typeok")
    assert t.verdict is H
    if "k = 0" in t.method:
        assert t.evidence == ev.Induction(0, assumed=("same",))
    else:
        assert t.evidence in (ev.Pdr(invariant=t.found_invariant),
                              ev.Pdr(invariant=t.found_invariant, assumed=("same",)))


def test_temporal_proofs_on_the_product():
    text = EVENTUALLY.replace("eventually done", "always eventually (busy or not busy)")
    k = checker.check(text, engine="kind", max_k=3).get("finishes")
    assert k.verdict is H and isinstance(k.evidence, ev.Induction) and k.evidence.on_product
    p = checker.check(text, engine="pdr").get("finishes")
    assert p.verdict is H and isinstance(p.evidence, ev.Pdr) and p.evidence.on_product
    assert p.evidence.bit_level == ("Boolean coordinates" in p.detail)
    assert p.evidence.frozen == () or " held fixed on the loop" in p.detail


def test_pdr_temporal_violation_says_whose_path():
    p = checker.check(EVENTUALLY, engine="pdr").get("finishes")
    assert p.verdict is V and p.evidence.on_product and p.evidence.path in ("spacer", "bmc")


@pytest.mark.parametrize("engine", ["kind", "pdr"])
def test_a_resource_limit_is_a_solver_gave_up(engine):
    r = checker.check(TOGETHER, engine=engine, solver_rlimit=1)
    p = r.get("a")
    assert p.verdict is U and "resource limit reached" in p.detail
    assert isinstance(p.evidence, ev.SolverGaveUp) and p.evidence.engine == engine
    assert p.evidence.resource_limit and p.evidence.stopped_by is None


def test_bmc_resource_limit_is_a_solver_gave_up_with_its_depth():
    p = checker.check(TOGETHER, engine="bmc", depth=5, solver_rlimit=1).get("a")
    assert p.verdict is U and p.evidence == ev.SolverGaveUp("bmc", p.evidence.reason, True, None, 0)


def test_induct_evidence_names_the_failing_case():
    sp = load_text(specs.NOT_ONE_INDUCTIVE)
    r = induct.check(sp, ("x_small",), Options())
    assert r.properties[0].verdict is U and r.properties[0].evidence == ev.Induction(
        1, engine="induct", failed="consecution")
    ok = induct.check(sp, ("x_small", "y_small"), Options())
    assert ok.properties[0].verdict is H and ok.properties[0].evidence == ev.Induction(1, engine="induct")


def test_not_encodable_is_not_checked():
    r = checker.check(TOGETHER, engine="enum", max_states=3)
    assert all(p.evidence == ev.Search("enum", p.evidence.states, p.evidence.depth, False,
                                       stopped_by=ev.MAX_STATES) for p in r.properties)
    sym = checker.check(specs.BREAKER_SYMBOLIC, engine="enum")
    assert all(isinstance(p.evidence, ev.NotChecked) and p.evidence.reason == ev.NOT_ENCODABLE
               for p in sym.properties)


def test_enum_evidence_is_a_complete_search():
    r = checker.check(TOGETHER, engine="enum")
    assert all(p.evidence == ev.Search("enum", r.stats.states, r.stats.depth, True) for p in r.properties)


def test_every_evidence_renders_as_json():
    for engine in ("bmc", "kind", "pdr"):
        for p in checker.check(TOGETHER, engine=engine, max_k=3).properties:
            assert ev.to_json(p.evidence)["type"] in ev.TYPE_NAMES.values()


def test_the_schedule_runs_its_stages_in_order():
    """schedule.py: alone (report order, temporal skipped), jointly, k = 0 /
    assuming for typeok and deadlock, then temporal with the proved invariants."""
    from checker.symbolic import schedule
    from checker.symbolic.kind import KInduction

    calls = []

    class Recording(KInduction):
        def alone(self, p, clock):
            calls.append(("alone", p.name))
            return super().alone(p, clock)

        def jointly(self, props, out):
            calls.append(("jointly",))
            return super().jointly(props, out)

        def implied(self, r, proved, clock):
            calls.append(("implied", r.name, tuple(p.name for p in proved)))
            return super().implied(r, proved, clock)

        def assuming(self, p, r, proved, clock):
            calls.append(("assuming", p.name))
            return super().assuming(p, r, proved, clock)

        def temporal(self, p, props, out, proved, consts):
            calls.append(("temporal", p.name, tuple(a.name for a in proved)))
            return super().temporal(p, props, out, proved, consts)

    text = TYPEOK_FROM_SAME + "property moves: always eventually (x == y)\n"
    r = schedule.run(load_text(text), Options(max_k=2, check_deadlock=False), "kind", Recording)
    assert calls == [("alone", "same"), ("alone", "typeok"), ("jointly",), ("implied", "typeok", ("same",)),
                     ("temporal", "moves", ("same",))]
    assert [p.name for p in r.properties] == ["same", "moves", "typeok"]
