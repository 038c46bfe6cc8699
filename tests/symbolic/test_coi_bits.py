"""The cone of influence (checker/symbolic/coi.py) and Spacer over Boolean
coordinates (checker/symbolic/bitblast.py), which PDR's temporal proofs use.

The cone must drop exactly the variables a property cannot see, keep every
verdict (the explicit engine on the reduced spec agrees with it on the
whole spec), and never be used when a dropped variable's update can err
(typeok not proved).  The Boolean coordinates must stand for exactly the
values of each leaf's type.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import pytest
import z3

import checker
from checker import evidence as ev
from checker.explicit.engine import check as explicit_check
from checker.lang import load_text
from checker.options import Options
from checker.results import Verdict
from checker.symbolic import bitblast, coi
from checker.symbolic.common import Clock
from checker.symbolic.encode import Encoder
from checker.symbolic.reductions import cone_is_exact, exact_cone_keeping_one

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _load(name: str):
    path = os.path.join(ROOT, "spec", name)
    with open(path) as f:
        return load_text(f.read(), path)


def _prop(spec, name):
    return next(t for t in spec.properties if t.name == name)


# dropped variables, and the explicit state counts of the spec and of the
# property's cone (the property's verdict must not change)
CONES = [
    ("breaker_fixed.spec", "recovers",
     ("consecutive", "trials", "trial", "open_justified", "half_open_justified",
      "close_justified", "trial_failure_ignored"), 106, 46),
    ("tracing.spec", "requests_finish",
     ("pos", "depth", "tid", "hdr", "misnested", "wrong_tid", "remote_ok", "error_recorded"), 209, 77),
    ("tracing_fixed.spec", "requests_finish",
     ("pos", "depth", "tid", "hdr", "misnested", "wrong_tid", "remote_ok", "error_recorded"), 117, 77),
    ("orders_breaker.spec", "order_requests_answered", ("order.answer",), 3823, 2766),
]


@pytest.mark.parametrize("spec_name,prop,dropped,states,cone_states", CONES)
def test_the_cone_drops_the_ghosts_and_keeps_the_verdict(spec_name, prop, dropped, states, cone_states):
    spec = _load(spec_name)
    small, got = coi.reduce(spec, _prop(spec, prop))
    assert got == dropped
    assert [t.name for t in small.properties] == [prop]
    full, part = explicit_check(spec, Options()), explicit_check(small, Options())
    assert (full.stats.states, part.stats.states) == (states, cone_states)
    verdict = {r.name: r.verdict for r in full.properties}[prop]
    assert verdict is Verdict.HOLDS
    assert {r.name: r.verdict for r in part.properties}[prop] is verdict


# `ghost` is never read by the property or a guard, but its update overflows
# on the second flip: that step errs, so the state x == 1 has no successor
# and stutters forever.  In the cone (ghost dropped) x flips forever.
OVERFLOW = """spec overflow
var x: 0..1 = 0
var ghost: 0..1 = 0
fair action flip { x = 1 - x; ghost = ghost + 1 }
property flips: always eventually x == 0
"""


def test_the_cone_is_not_used_when_a_dropped_update_errs_and_typeok_fails():
    spec = load_text(OVERFLOW)
    small, dropped = coi.reduce(spec, _prop(spec, "flips"))
    assert dropped == ("ghost",)
    # in the cone the property holds, in the spec it does not
    assert {r.name: r.verdict for r in explicit_check(small, Options()).properties}["flips"] is Verdict.HOLDS
    for engine in ("explicit", "pdr"):
        got = {r.name: r.verdict for r in checker.check(OVERFLOW, engine=engine).properties}
        assert got["flips"] is Verdict.VIOLATED, engine
        assert got["typeok"] is Verdict.VIOLATED, engine
    # asked alone, pdr proves typeok on the side first (it fails): no cone
    alone = checker.check(OVERFLOW, engine="pdr", properties=["flips"]).properties
    assert [(r.name, r.verdict) for r in alone] == [("flips", Verdict.VIOLATED)]


def test_a_proof_in_the_cone_says_what_it_dropped():
    path = os.path.join(ROOT, "spec", "breaker_fixed.spec")
    with open(path) as f:
        r = checker.check(f.read(), {"CALLERS": 1}, engine="pdr", properties=["recovers"],
                          solver_rlimit=20_000_000)
    (res,) = r.properties
    assert res.verdict is Verdict.HOLDS
    assert ("over Boolean coordinates without the variables the property cannot see "
            "(consecutive, trials, trial, open_justified, half_open_justified, close_justified, "
            "trial_failure_ignored; sound because no update of them can err)") in res.detail
    # the same facts as evidence: the cone kept what the words did not drop, at bit level
    dropped = {"consecutive", "trials", "trial", "open_justified", "half_open_justified", "close_justified",
               "trial_failure_ignored"}
    e = res.evidence
    assert isinstance(e, ev.Pdr) and e.on_product and e.bit_level and e.path is None
    assert e.cone and not dropped & set(e.cone) and "phase" in e.cone
    assert e.frozen == () or "held fixed on the loop" in res.detail


def _pdr_tracing_requests_finish():
    with open(os.path.join(ROOT, "spec", "tracing.spec")) as f:
        return checker.check(f.read(), engine="pdr", properties=["requests_finish"],
                             solver_rlimit=5_000_000).properties


def test_typeok_proved_by_k_induction_lets_pdr_use_the_whole_cone():
    """tracing's cone is not exact (pushing a span can overflow `pos`'s
    stack) and PDR proves neither typeok nor the lemmas that imply it; PDR
    takes typeok from k-induction (the lemmas jointly, then k = 0), says so,
    and proves requests_finish on the whole cone (5M units per query: the
    exact cone that keeps `pos` is unknown there)."""
    # a fresh process: under a resource limit Spacer's answers depend on the
    # Z3 terms a process built before (tests/catalog/test_catalog.py's run)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        (res,) = pool.submit(_pdr_tracing_requests_finish).result()
    assert res.verdict is Verdict.HOLDS
    assert ("without the variables the property cannot see (pos, depth, tid, hdr, misnested, wrong_tid, "
            "remote_ok, error_recorded; sound because typeok is proved (by k-induction: implied (k = 0) "
            "by the invariants ") in res.detail
    assert "proved jointly by k-induction" in res.detail
    assert res.evidence.cone is not None and "pos" not in res.evidence.cone


@pytest.mark.parametrize("spec_name,prop,exact", [
    ("breaker_fixed.spec", "recovers", True),      # ghost flags and saturating counters
    ("orders_breaker.spec", "order_requests_answered", True),
    ("tracing.spec", "requests_finish", False),    # a push onto a bounded stack can err
])
def test_the_cone_is_exact_when_no_dropped_update_can_err(spec_name, prop, exact):
    spec = _load(spec_name)
    small, _ = coi.reduce(spec, _prop(spec, prop))
    assert cone_is_exact(Encoder(spec), Encoder(small), 0, Clock(None, None)) is exact


# `n` overflows on the third flip; `seen` never errs.  The whole cone (x)
# drops both and is inexact; keeping n drops seen and is exact.
GHOSTS = """spec ghosts
var x: 0..1 = 0
var n: 0..2 = 0
var seen: bool = false
fair action flip { x = 1 - x; n = n + 1; seen = true }
property back: always eventually x == 1
"""


def test_an_inexact_cone_keeps_one_variable_more():
    spec = load_text(GHOSTS)
    t = _prop(spec, "back")
    whole, dropped = coi.reduce(spec, t)
    assert dropped == ("n", "seen")
    enc = Encoder(spec)
    assert not cone_is_exact(enc, Encoder(whole), 0, Clock(None, None))
    small, small_enc, got = exact_cone_keeping_one(enc, t, dropped, 0, Clock(None, None))
    assert got == ("seen",)
    assert [v.name for v in small.vars] == ["x", "n"]
    # the verdict is kept: the third flip errs, so x == 0 stutters forever
    for s in (spec, small):
        assert {r.name: r.verdict for r in explicit_check(s, Options()).properties}["back"] is Verdict.VIOLATED
    got = {r.name: r.verdict for r in checker.check(GHOSTS, engine="pdr").properties}
    assert got["back"] is Verdict.VIOLATED


def test_an_overflowing_ghost_makes_the_cone_inexact():
    spec = load_text(OVERFLOW)
    small, _ = coi.reduce(spec, _prop(spec, "flips"))
    assert cone_is_exact(Encoder(spec), Encoder(small), 0, Clock(None, None)) is False


RANGES = """spec ranges
enum Color { Red, Green, Blue }
var a: -3..4 = 0
var b: 5..5 = 5
var c: Color = Red
var d: bool = false
var s: seq<0..2, 3> = []
action step { a = a }
"""


def test_boolean_coordinates_stand_for_exactly_the_typed_values():
    enc = Encoder(load_text(RANGES))
    bits = bitblast.Bits(enc)
    ints = [lf for lf in enc.cur.leaves if lf.term.sort() != z3.BoolSort()]
    assert ints, "the spec has integer leaves"
    sub = dict((str(x), v) for x, v in bits.sub_c)
    for lf in ints:
        lo, hi = bitblast._bounds(lf)
        val = sub[str(lf.term)]
        back = z3.substitute(val, *bits.back)
        s = z3.Solver()
        # every typed value round-trips through its bits ...
        s.add(lo <= lf.term, lf.term <= hi, back != lf.term)
        assert s.check() == z3.unsat, lf.var
        # ... and the range constraint leaves no value outside the type
        s = z3.Solver()
        s.add(*bits.range_c)
        s.add(z3.Or(val < lo, val > hi))
        assert s.check() == z3.unsat, lf.var


def test_a_leaf_bounded_by_a_symbolic_constant_is_refused():
    text = "spec u\nconst N: int where N >= 1 = 2\nvar n: 0..N = 0\naction inc { require n < N; n = n + 1 }\n"
    enc = Encoder(load_text(text, generalize=True))
    with pytest.raises(bitblast.Unbounded):
        bitblast.Bits(enc)
