"""Is a conjunction of invariants inductive on its own?

    Init => I          and          I(s) and T(s, s') => I(s')

where T is the error-free transition relation (a step that errs has no
successor; errors are typeok's business).  A failure of the second check is a
counterexample to induction (CTI): its first state satisfies I but need not be
reachable, so the verdict is UNKNOWN, not VIOLATED.
"""
from __future__ import annotations

import time

import z3

from .. import evidence as ev
from .. import ir
from ..options import Options
from ..results import INVARIANT, PropertyResult, Stats, Trace, Verdict
from . import decode
from .common import Clock, configure, error_result, new_solver, result, solver_stats, stopped_report
from .encode import Encoder, Unsupported, err_any, mk_and, mk_not
from .outcome import gave_up
from .unroll import Unroller


def _conj(enc: Encoder, invs, st):
    parts = []
    for inv in invs:
        v, errs = enc.invariant(inv, st)
        parts.append(mk_and([v, mk_not(err_any(errs))]))
    return mk_and(parts)


def check(spec: ir.Spec, names: tuple[str, ...], options: Options):
    start = time.monotonic()
    configure(options.seed)
    label = " and ".join(names)
    by_name = {i.name: i for i in spec.invariants}
    missing = [n for n in names if n not in by_name]
    if missing or not names:
        why = f"no such invariant: {', '.join(missing)}" if missing else "no invariant named"
        pr = PropertyResult(label or "(none)", INVARIANT, Verdict.ERROR, "inductive check", detail=why,
                            evidence=ev.NotChecked("induct", ev.NOT_SUPPORTED, why))
        return result(spec, "induct", [pr], Stats(seconds=time.monotonic() - start))
    invs = [by_name[n] for n in names]
    from ..cancel import Halted, for_options

    try:
        enc = Encoder(spec, poll=for_options(options).check)
        u = Unroller(enc)
        I0, I1 = _conj(enc, invs, u.state(0)), _conj(enc, invs, u.state(1))
    except Halted:   # stopped while encoding (an action with thousands of bindings)
        return stopped_report(spec, "induct", options, names)
    except (Unsupported, ir.SymbolicBound) as e:
        r = error_result(spec, "induct", options, e, start)
        pr = PropertyResult(label, INVARIANT, Verdict.ERROR, "inductive check", detail=str(e),
                            evidence=ev.NotChecked("induct", ev.NOT_ENCODABLE, str(e)))
        r.properties = [pr]
        return r
    clock = Clock.of(options)
    line = invs[0].span.line if invs[0].span else None
    doc = invs[0].doc if len(invs) == 1 else ""
    extra = {}

    def done(pr, consts=None, depth=0):
        pr.seconds = clock.elapsed()
        st = Stats(depth=depth, seconds=time.monotonic() - start, extra={"solver": extra})
        return result(spec, "induct", [pr], st, consts)

    # initiation
    s = new_solver(options.seed)
    s.add(enc.const_axiom, u.init(), u.inv(0), mk_not(I0))
    clock.arm(s)
    r = s.check()
    extra["initiation"] = solver_stats(s)
    if r == z3.sat:
        m = s.model()
        cs = decode.consts(m, enc)
        bad = [i.name for i in invs
               if not z3.is_true(m.eval(_conj(enc, [i], u.state(0)), model_completion=True))]
        tr = decode.path_trace(m, u, 0)
        tr.consts = dict(cs)
        return done(PropertyResult(label, INVARIANT, Verdict.VIOLATED, "inductive check (initiation)",
                                   trace=tr, depth=0, line=line, doc=doc,
                                   detail=f"an initial state violates {', '.join(bad)}",
                                   evidence=ev.Induction(1, engine="induct", failed="initiation")), cs)
    if r == z3.unknown:
        return done(PropertyResult(label, INVARIANT, Verdict.UNKNOWN, "inductive check",
                                   detail=clock.unknown_words(s),
                                   line=line, doc=doc, evidence=gave_up("induct", clock, s, 0)))
    # consecution
    s = new_solver(options.seed)
    s.add(enc.const_axiom, u.inv(0), I0, u.trans(0), mk_not(I1))
    clock.arm(s)
    r = s.check()
    extra["consecution"] = solver_stats(s)
    if r == z3.unsat:
        return done(PropertyResult(label, INVARIANT, Verdict.HOLDS, "inductive",
                                   detail="holds initially and is preserved by every step",
                                   line=line, doc=doc, evidence=ev.Induction(1, engine="induct")), depth=1)
    if r == z3.unknown:
        return done(PropertyResult(label, INVARIANT, Verdict.UNKNOWN, "inductive check",
                                   detail=clock.unknown_words(s),
                                   line=line, doc=doc, evidence=gave_up("induct", clock, s, 1)))
    m = s.model()
    cs = decode.consts(m, enc)
    tr: Trace = decode.path_trace(m, u, 1, kind="cti")
    tr.consts = dict(cs)
    bad = [i.name for i in invs
           if not z3.is_true(m.eval(_conj(enc, [i], u.state(1)), model_completion=True))]
    detail = (f"not inductive: from a state satisfying {label} (which may be unreachable) "
              f"the step {tr.steps[1].label()} leads to a state violating {', '.join(bad)}; "
              "the invariant may still hold but needs strengthening")
    if cs:
        detail += " (with " + ", ".join(f"{a} = {b}" for a, b in cs.items()) + ")"
    return done(PropertyResult(label, INVARIANT, Verdict.UNKNOWN, "inductive check (consecution)",
                               trace=tr, detail=detail, depth=1, line=line, doc=doc,
                               evidence=ev.Induction(1, engine="induct", failed="consecution")), cs, 1)
