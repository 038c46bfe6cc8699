"""The liveness-to-safety product (checker/symbolic/l2s.py) and the proofs
of temporal properties by k-induction and PDR on it.

Agreement with the explicit engine on every temporal property of the
catalog is checked in tests/catalog (pinned verdicts, and the rule that a
proof never meets an explicit lasso); random specs with random fairness in
tests/catalog/test_random.py.  Here: the product's own assumption is
inductive, and each property form, with and without fairness, gets the
verdict worked out by hand.
"""
from __future__ import annotations

import os

import pytest
import z3

import checker
from checker.lang import load_text
from checker.options import Options
from checker.results import Verdict
from checker.symbolic.common import build_props, wanted
from checker.symbolic.encode import Encoder, mk_and, mk_not
from checker.symbolic.l2s import Product

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# x climbs 0 -> 1 -> 2 and stops there (no successor: it stutters forever)
CLIMB = """spec climb
var x: 0..2 = 0
action inc { require x < 2; x = x + 1 }
property ev: eventually x == 2
property ae1: always eventually x == 1
property ea2: eventually always x == 2
property back: x == 1 ~> x == 0
property up: x == 1 ~> x == 2
"""

# a flag that `flip` toggles forever and `done` may end; fairness decides
FLICKER = """spec flicker
var on: bool = false
var done: bool = false
{fair}action flip {{ require not done; on = not on }}
{dfair}action finish {{ require on and not done; done = true }}
property ends: eventually done
"""


def _verdicts(text: str, engine: str, **kw) -> dict:
    r = checker.check(text, engine=engine, **kw)
    return {p.name: p.verdict for p in r.properties if p.kind == "property"}


@pytest.mark.parametrize("engine", ["kind", "pdr"])
def test_each_form_on_a_path_that_stops(engine):
    got = _verdicts(CLIMB, engine, max_k=4)
    assert got == {"ev": Verdict.HOLDS, "ae1": Verdict.VIOLATED, "ea2": Verdict.HOLDS,
                   "back": Verdict.VIOLATED, "up": Verdict.HOLDS}
    assert got == _verdicts(CLIMB, "explicit")


@pytest.mark.parametrize("engine", ["kind", "pdr"])
@pytest.mark.parametrize("fair, dfair, want", [
    ("", "", Verdict.VIOLATED),                   # flip forever
    ("", "fair ", Verdict.VIOLATED),              # finish flickers: weak fairness is not enough
    ("", "strong fair ", Verdict.HOLDS),          # enabled infinitely often: taken
    ("fair ", "", Verdict.VIOLATED),
])
def test_fairness_decides(engine, fair, dfair, want):
    text = FLICKER.format(fair=fair, dfair=dfair)
    assert _verdicts(text, "explicit")["ends"] is want
    r = checker.check(text, engine=engine, max_k=6)
    p = r.get("ends")
    assert p.verdict is want, (p.method, p.detail)
    if want is Verdict.VIOLATED:
        # the shortest fair lasso, the same one bmc shows
        b = checker.check(text, engine="bmc", depth=6).get("ends")
        assert [s.label() for s in p.trace.steps] == [s.label() for s in b.trace.steps]
        assert p.trace.loop_start == b.trace.loop_start
    else:
        assert "liveness-to-safety" in p.method and "strong fairness of action finish" in p.detail


SPECS = ["tests/catalog/specs/peterson.spec", "tests/catalog/specs/strong_fair.spec",
         "tests/catalog/specs/stutter.spec", "spec/breaker_fixed.spec", "spec/registry_fixed.spec"]


@pytest.mark.parametrize("path", SPECS)
def test_the_unsaved_assumption_is_inductive(path):
    """Product.unsaved is assumed in every state by both engines; it must be
    an invariant of the product: true initially and kept by every step."""
    text = open(os.path.join(ROOT, path), encoding="utf-8").read()
    spec = load_text(text, path, {})
    enc = Encoder(spec)
    props = [p for p in build_props(enc, wanted(spec, Options())) if p.kind == "property"]
    assert props
    for p in props:
        prod = Product(enc, p.decl)
        init, _ = prod.init(prod.cur)
        typed = mk_and([enc.state_inv(prod.cur.base), enc.state_inv(prod.cur.copy)])
        for name, f in (("initiation", mk_and([prod.const_axiom, init, mk_not(prod.unsaved(prod.cur))])),
                        ("consecution", mk_and([prod.const_axiom, typed, prod.unsaved(prod.cur), prod.trans,
                                                mk_not(prod.unsaved(prod.nxt))]))):
            s = z3.Solver()
            s.add(f)
            assert s.check() == z3.unsat, f"{path} {p.name}: {name} fails"
