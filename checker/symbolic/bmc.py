"""Bounded model checking: the shortest violation up to options.depth steps."""
from __future__ import annotations

import time

import z3

from .. import evidence as ev
from .. import ir
from ..options import Options
from ..results import DEADLOCK, PROPERTY, REACHABLE, TYPEOK, PropertyResult, Stats, Trace, Verdict
from . import decode
from .common import (halted, halted_result, stopped_result, prepare, Clock, Progressor, Prop, new_solver, result, solver_stats, with_consts)
from .encode import Encoder, Unsupported, key_of, lit
from .outcome import Searched, deepen, not_found_evidence
from .unroll import Unroller


class Found:
    def __init__(self, depth: int, trace: Trace, detail: str, consts: dict):
        self.depth = depth
        self.trace = trace
        self.detail = detail
        self.consts = consts
        trace.consts = dict(consts)
        # False when the path was pinned to another engine's (pdr: Spacer's)
        self.shortest = True
        self.unused_spacer_path = ""  # pdr: why Spacer's own path was not used


class BMC:
    """An incremental unrolling for one property.  ``check(n)`` asks for a
    violation whose trace has exactly n steps (depths must be asked in
    increasing order)."""

    def __init__(self, enc: Encoder, prop: Prop, seed: int):
        self.enc = enc
        self.prop = prop
        self.u = Unroller(enc)
        self.seed = seed
        self.solver = new_solver(seed)
        self.solver.add(enc.const_axiom)
        self.solver.add(self.u.init())
        self.solver.add(self.u.inv(0))
        self.steps = 0  # transitions asserted so far
        self.stats: dict = {}
        # the solver of the last query that answered unknown (its reason).  Set
        # only then: keeping every query's solver alive changes when Z3 frees
        # its terms, so the ids of later terms, and Spacer's answers under a
        # resource limit in the same process (breaker_concurrent's PDR lemmas)
        self.last = self.solver

    def _extend(self, t: int) -> None:
        while self.steps < t:
            self.solver.add(self.u.trans(self.steps))
            self.solver.add(self.u.inv(self.steps + 1))
            self.steps += 1

    def check(self, n: int, clock: Clock, pins=()):
        """A Found, None (no violation of length n), or "unknown".  ``pins``:
        extra constraints on the unrolling for this query only (pdr fixes
        the states to Spacer's path)."""
        prop, u = self.prop, self.u
        if prop.kind == TYPEOK and n == 0:
            s = new_solver(self.seed)
            s.add(self.enc.const_axiom)
            s.add(u.init_err())
            clock.arm(s)
            r = s.check()
            if r == z3.unknown:
                self.last = s
                return "unknown"
            if r == z3.unsat:
                return None
            m = s.model()
            step, msg = decode.init_error(m, u)
            cs = decode.consts(m, self.enc)
            return Found(0, Trace([step]), with_consts(msg, cs), cs)
        t = n - prop.extra_step  # the state the bad thing happens in
        self._extend(t)
        s = self.solver
        s.push()
        s.add(u.sub_state(prop.bad, t, f"e{t}"))
        s.add(*pins)
        clock.arm(s)
        r = s.check()
        self.stats = solver_stats(s)
        if r == z3.unknown:
            self.last = s
            s.pop()
            return "unknown"
        if r == z3.unsat:
            s.pop()
            return None
        # keep the first model: canonicalisation may run out of time or
        # budget, after which the solver has no current model
        m0 = s.model()
        m = self._canonical(t, clock) or m0
        s.pop()
        return self._found(m, n, t)

    def _canonical(self, t: int, clock: Clock, budget: int = 3000):
        """Make the trace deterministic: fix each step's action binding to the
        first one (in action order, then binding order) that still allows a
        violation of this length.  Returns the model, or None if the budget
        ran out (the solver's own model is used then)."""
        s, u, enc = self.solver, self.u, self.enc
        tags = [str(i) for i in range(t)] + ([f"e{t}"] if self.prop.kind == TYPEOK else [])
        spent = 0
        for tag in tags:
            sv = dict((a.decl().name(), b) for a, b in zip(enc.step_vars, u.step_vars(tag)))
            fixed = False
            for a in enc.actions:
                for binding in a.action.bindings():
                    eqs = [sv["sel"] == a.index]
                    for (p, var), v in zip(a.params, binding):
                        eqs.append(sv[var.decl().name()] == lit(key_of(v, p.type), p.type))
                    spent += 1
                    if spent > budget or clock.expired():
                        return None
                    clock.arm(s)
                    if s.check(*eqs) == z3.sat:
                        s.add(*eqs)
                        fixed = True
                        break
                if fixed:
                    break
            if not fixed:
                return None
        if s.check() != z3.sat:
            return None
        return s.model()

    def _found(self, m, n: int, t: int) -> Found:
        prop, u = self.prop, self.u
        trace = decode.path_trace(m, u, t)
        if prop.kind == TYPEOK:
            step, detail = decode.error_step(m, u, t)
            trace.steps.append(step)
        elif prop.kind == DEADLOCK:
            detail = "no action can take a step in the last state"
        elif prop.kind == REACHABLE:
            trace.kind = "witness"
            detail = f"{ir.show_expr(prop.decl.expr)} holds after {t} step{'s' if t != 1 else ''}"
        else:
            detail = decode.invariant_detail(m, u, prop.inv, t)
        cs = decode.consts(m, self.enc)
        return Found(n, trace, with_consts(detail, cs), cs)


def search(enc: Encoder, prop: Prop, max_depth: int, clock: Clock, seed: int,
           progress=None) -> Searched:
    """Deepen one step at a time."""
    return deepen(BMC(enc, prop, seed), range(max_depth + 1), clock, prop.name, progress)


def gave_up_words(why: str, clock: Clock) -> str:
    """Why the deepening ended early: the run's stop in the words every
    report uses ("interrupted (SIGINT)", "time limit reached (5 s)"), else
    the solver's own reason."""
    return why if clock.stopped() else f"the solver returned unknown ({why})"


def check(spec: ir.Spec, options: Options):
    start = time.monotonic()
    enc, props, failed = prepare(spec, options, "bmc", start)
    if failed is not None:
        return failed
    progress = Progressor(options, start)
    out, consts, extra = [], {}, {}
    deepest = 0
    for p in props:
        clock = Clock.of(options)
        if p.kind != PROPERTY and clock.stopped():   # the run was stopped: no more encoding
            out.append(stopped_result(p, "bounded model checking", options, "bmc"))
            continue
        if p.kind == PROPERTY:
            try:
                out.append(_temporal(enc, p, options, clock, progress, consts, extra))
            except z3.Z3Exception as e:
                if not halted(e, options):
                    raise
                out.append(halted_result(p, "bounded lasso search", options, clock.elapsed()))
            deepest = max(deepest, out[-1].depth or 0)
            continue
        try:
            searched = search(enc, p, options.depth, clock, options.seed, progress)
            found, reached, why, st = searched
        except Unsupported as e:
            out.append(PropertyResult(p.name, p.kind, Verdict.ERROR, "bounded model checking",
                                      detail=str(e), line=p.line, doc=p.doc,
                                      evidence=ev.NotChecked("bmc", ev.NOT_ENCODABLE, str(e))))
            continue
        except z3.Z3Exception as e:   # stopped inside Z3 (a tactic, decoding): the others keep theirs
            if not halted(e, options):
                raise
            out.append(halted_result(p, "bounded model checking", options, clock.elapsed()))
            continue
        extra[p.name] = st
        secs = clock.elapsed()
        if found is not None and p.kind == REACHABLE:
            deepest = max(deepest, found.depth)
            out.append(PropertyResult(
                p.name, p.kind, Verdict.HOLDS,
                f"witness found at depth {found.depth} (bounded model checking, shortest witness)",
                trace=found.trace, detail=found.detail, depth=found.depth,
                line=p.line, doc=p.doc, seconds=secs, evidence=ev.Bounded(found.depth)))
        elif found is not None:
            deepest = max(deepest, found.depth)
            for k, v in found.consts.items():
                consts.setdefault(k, v)
            out.append(PropertyResult(
                p.name, p.kind, Verdict.VIOLATED,
                f"bounded model checking (shortest violation, {found.depth} steps)",
                trace=found.trace, detail=found.detail, depth=found.depth,
                line=p.line, doc=p.doc, seconds=secs, evidence=ev.Bounded(found.depth)))
        else:
            reached = max(reached, 0) if why == "" else reached
            deepest = max(deepest, reached)
            what = "witness" if p.kind == REACHABLE else "violation"
            if why:
                detail = (f"{gave_up_words(why, clock)} at depth {reached + 1}; "
                          f"no {what} up to depth {max(reached, 0)}")
                method = f"bounded model checking to depth {max(reached, 0)} (not a proof)"
            else:
                detail = f"no {what} within {options.depth} steps"
                method = f"bounded model checking to depth {options.depth} (not a proof)"
            out.append(PropertyResult(p.name, p.kind, Verdict.UNKNOWN, method, detail=detail,
                                      depth=max(reached, 0), line=p.line, doc=p.doc, seconds=secs,
                                      evidence=not_found_evidence(searched)))
    stats = Stats(depth=deepest, seconds=time.monotonic() - start, extra={"solver": extra})
    return result(spec, "bmc", out, stats, consts)


def _temporal(enc: Encoder, p: Prop, options: Options, clock: Clock, progress, consts, extra):
    """A temporal property: the shortest fair lasso that violates it."""
    from . import lasso_search

    common = dict(line=p.line, doc=p.doc)
    try:
        searched = lasso_search.search(enc, p, options.depth, clock, options.seed, progress)
        found, reached, why, st = searched
    except Unsupported as e:
        return PropertyResult(p.name, p.kind, Verdict.ERROR, "bounded lasso search",
                              detail=str(e), evidence=ev.NotChecked("bmc", ev.NOT_ENCODABLE, str(e)), **common)
    extra[p.name] = st
    common["seconds"] = clock.elapsed()
    if found is not None:
        trace, detail, cs = found
        for k, v in cs.items():
            consts.setdefault(k, v)
        n = len(trace.steps)
        return PropertyResult(
            p.name, p.kind, Verdict.VIOLATED,
            f"bounded lasso search (shortest fair lasso, {n} state{'s' if n != 1 else ''}; "
            f"{lasso_search.STUTTER_NOTE})",
            trace=trace, detail=with_consts(detail, cs), depth=len(trace),
            evidence=ev.Bounded(len(trace), lasso=True), **common)
    depth = max(reached, 0)
    if why:
        detail = (f"{gave_up_words(why, clock)} at depth {reached + 1}; "
                  f"no counterexample up to depth {depth} (not a proof)")
    else:
        detail = f"no counterexample up to depth {depth} (not a proof)"
    return PropertyResult(
        p.name, p.kind, Verdict.UNKNOWN,
        f"bounded lasso search to depth {depth} (not a proof; {lasso_search.STUTTER_NOTE})",
        detail=detail, depth=depth, evidence=not_found_evidence(searched, lasso=True), **common)
