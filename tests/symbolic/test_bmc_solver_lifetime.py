"""bmc keeps no query's solver alive past a decided answer.

Why it matters: under a resource limit Z3's answers depend on the ids of
the terms it is given, and ids are reused when Z3 frees terms.  Keeping
every query's solver (and so its assertions) alive until the next query
moved those frees, and PDR, which calls bmc before Spacer, lost three
decided verdicts of breaker_concurrent in the slow tier's catalog.  Only
the solver of an ``unknown`` answer is kept: its reason is reported.
"""
from checker.lang import load_text
from checker.options import Options
from checker.symbolic.bmc import BMC
from checker.symbolic.common import Clock, build_props, configure, wanted
from checker.symbolic.encode import Encoder

SPEC = """spec climb
var x: 0..3 = 0
action inc {
  require x < 3
  x = x + 1
}
invariant small: x <= 2
"""


def _bmc(name: str) -> BMC:
    spec = load_text(SPEC, "climb.spec", {})
    configure(0)
    enc = Encoder(spec)
    prop = next(p for p in build_props(enc, wanted(spec, Options())) if p.name == name)
    return BMC(enc, prop, 0)


def test_the_typeok_query_of_the_initial_state_lets_its_solver_go():
    b = _bmc("typeok")
    assert b.check(0, Clock.of(Options())) is None   # every initial state is well typed
    assert b.last is b.solver                        # the query's own solver was not kept


def test_decided_queries_keep_no_solver_and_an_unknown_keeps_its_own():
    b = _bmc("small")
    clock = Clock.of(Options())
    assert b.check(1, clock) is None and b.check(2, clock) is None
    assert b.last is b.solver
    found = b.check(3, clock)
    assert found is not None and len(found.trace) == 3   # x = 3 after three steps
    assert b.last is b.solver
    # an unknown: a resource limit of one unit; its solver stays, for its reason
    starved = _bmc("typeok")
    assert starved.check(0, Clock.of(Options(solver_rlimit=1))) == "unknown"
    assert starved.last is not starved.solver
    assert starved.last.reason_unknown() == "max. resource limit exceeded"
