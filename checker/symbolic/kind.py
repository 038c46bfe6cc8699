"""k-induction with simple-path constraints, k = 1..options.max_k."""
from __future__ import annotations

import time
from dataclasses import replace

import z3

from .. import ir
from ..options import Options
from ..results import DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK, PropertyResult, Stats, Trace, Verdict
from . import decode
from .bmc import BMC
from .common import (halted, halted_result, unless_halted, stopped_result, prepare, Clock, Progressor, Prop, new_solver, reach_result, result, solver_stats)
from .encode import Encoder, Unsupported
from .unroll import Unroller

CTI_NOTE = ("not proved: this counterexample to induction starts in a state that "
            "satisfies the property for {k} step(s) but may be unreachable; the "
            "property may still hold and may need strengthening (add an invariant "
            "that rules the first state out), or try a larger k")


class StepCase:
    """P(s0..s_{k-1}), T, all states distinct, not P(s_k): unsat proves P."""

    def __init__(self, enc: Encoder, prop: Prop, seed: int, assume: tuple = (), assume_last: bool = False):
        self.enc, self.prop = enc, prop
        self.assume = tuple(a for a in assume if a is not prop)  # other invariants assumed at s0..s_{k-1}
        # ... and at s_k too: sound only for invariants proved before (see
        # prove_assuming_invariants), never for the candidates of a joint proof
        self.assume_last = assume_last
        self.u = Unroller(enc, prefix="k")
        self.solver = new_solver(seed)
        self.solver.add(enc.const_axiom)
        self.solver.add(self.u.inv(0))
        self.k = 0

    def check(self, k: int, clock: Clock):
        u, s = self.u, self.solver
        while self.k < k:
            i = self.k
            s.add(u.sub_state(self.prop.good, i))
            for a in self.assume:
                s.add(u.sub_state(a.good, i))
            s.add(u.trans(i))
            s.add(u.inv(i + 1))
            for j in range(i + 1):
                s.add(u.distinct(j, i + 1))
            self.k += 1
        s.push()
        s.add(u.sub_state(self.prop.bad, k, f"e{k}"))
        if self.assume_last:
            for a in self.assume:
                s.add(u.sub_state(a.good, k))
        clock.arm(s)
        r = s.check()
        m = s.model() if r == z3.sat else None
        s.pop()
        return r, m

    def cti(self, m, k: int) -> tuple[Trace, dict]:
        trace = decode.path_trace(m, self.u, k, kind="cti")
        if self.prop.kind == TYPEOK:
            step, _ = decode.error_step(m, self.u, k)
            trace.steps.append(step)
        return trace, decode.consts(m, self.enc)


def prove(enc: Encoder, p: Prop, max_k: int, clock: Clock, seed: int, progress=None, assume: tuple = (),
          assume_last: bool = False):
    """-> ("holds", k, None) | ("violated", n, Found) | ("cti", k, (trace, consts))
    | ("unknown", k, why); also solver statistics.  ``assume``: invariants
    assumed in the step case (sound only as in :func:`prove_jointly`), also
    in its last state with ``assume_last`` (as in :func:`prove_assuming_invariants`)."""
    if clock.stopped():     # the run was stopped: not even the unrolling
        return ("unknown", 0, clock.stop_words()), {}
    base, step = BMC(enc, p, seed), StepCase(enc, p, seed, assume, assume_last)
    next_base = 0
    last = None
    for k in range(1, max_k + 1):
        # base case: no violation in the first k states
        while next_base <= k - 1 + p.extra_step:
            if clock.expired():
                return ("unknown", k - 1, clock.stop_words()), solver_stats(base.solver)
            r = base.check(next_base, clock)
            if r == "unknown":
                why = clock.unknown_words(base.solver, "the solver returned unknown in the base case")
                return ("unknown", k - 1, why), solver_stats(base.solver)
            if r is not None:
                return ("violated", r.depth, r), solver_stats(base.solver)
            next_base += 1
        if clock.expired():
            return ("unknown", k - 1, clock.stop_words()), solver_stats(step.solver)
        r, m = step.check(k, clock)
        if r == z3.unsat:
            return ("holds", k, None), solver_stats(step.solver)
        if r == z3.unknown:
            why = clock.unknown_words(step.solver, "the solver returned unknown in the step case")
            return ("unknown", k - 1, why), solver_stats(step.solver)
        last = (k, m)
        if progress:
            progress(k, p.name)
    k, m = last
    return ("cti", k, step.cti(m, k)), solver_stats(step.solver)


def check(spec: ir.Spec, options: Options):
    start = time.monotonic()
    enc, props, failed = prepare(spec, options, "kind", start)
    if failed is not None:
        return failed
    progress = Progressor(options, start)
    out, consts, extra, deepest = [], {}, {}, 0
    for p in props:
        clock = Clock.of(options)
        if p.kind != PROPERTY and clock.stopped():   # the run was stopped: no more encoding
            out.append(stopped_result(p, "k-induction", options))
            continue
        if p.kind == PROPERTY:
            out.append(None)  # after the invariants: their proofs are assumed
            continue
        try:
            (what, k, info), st = prove(enc, p, options.max_k, clock, options.seed, progress)
        except Unsupported as e:
            out.append(PropertyResult(p.name, p.kind, Verdict.ERROR, "k-induction",
                                      detail=str(e), line=p.line, doc=p.doc))
            continue
        except z3.Z3Exception as e:   # stopped inside Z3 (a tactic, decoding): the others keep theirs
            if not halted(e, options):
                raise
            out.append(halted_result(p, "k-induction", options, clock.elapsed()))
            continue
        extra[p.name] = st
        deepest = max(deepest, k)
        secs = clock.elapsed()
        common = dict(line=p.line, doc=p.doc, seconds=secs)
        if p.kind == REACHABLE and what in ("holds", "violated"):
            out.append(reach_result(p, what, info, f"k-induction, k = {k}", **common))
        elif what == "holds":
            out.append(PropertyResult(p.name, p.kind, Verdict.HOLDS, f"k-induction, k = {k}",
                                      depth=k, detail="proved for every reachable state", **common))
        elif what == "violated":
            for c, v in info.consts.items():
                consts.setdefault(c, v)
            out.append(PropertyResult(p.name, p.kind, Verdict.VIOLATED,
                                      f"k-induction base case (bounded model checking, {k} steps)",
                                      trace=info.trace, detail=info.detail, depth=k, **common))
        elif what == "cti":
            trace, cs = info
            detail = CTI_NOTE.format(k=k)
            if cs:
                detail += " (with " + ", ".join(f"{a} = {b}" for a, b in cs.items()) + ")"
            out.append(PropertyResult(p.name, p.kind, Verdict.UNKNOWN,
                                      f"k-induction, not proved up to k = {k}",
                                      trace=trace, detail=detail, depth=k, **common))
        else:
            out.append(PropertyResult(p.name, p.kind, Verdict.UNKNOWN,
                                      f"k-induction, not proved (stopped at k = {k + 1})",
                                      detail=info, depth=k, **common))
    joint = unless_halted(lambda: prove_jointly(enc, [p for p in props if p.kind != PROPERTY],
                                                [r for r in out if r is not None], options), options, {})
    for name, (k, others) in joint.items():
        i = next(j for j, r in enumerate(out) if r is not None and r.name == name)
        helpers = ", ".join(others) if others else "none"
        out[i] = replace(out[i], verdict=Verdict.HOLDS, trace=None, depth=k,
                         method=f"k-induction, k = {k}, jointly with the other invariants",
                         detail=f"proved for every reachable state; the step case assumes the invariants {helpers}, "
                                "all proved (alone, or jointly in the same way)")
    assuming = unless_halted(lambda: prove_assuming_invariants(
        enc, [p for p in props if p.kind != PROPERTY], [r for r in out if r is not None], options), options, {})
    for name, (k, others) in assuming.items():
        i = next(j for j, r in enumerate(out) if r is not None and r.name == name)
        how = "k = 0: implied by the proved invariants" if k == 0 else f"k = {k}, assuming the proved invariants"
        out[i] = replace(out[i], verdict=Verdict.HOLDS, trace=None, depth=k,
                         method=f"k-induction, {how}",
                         detail=f"proved for every reachable state; the step case assumes the invariants "
                                f"{', '.join(others)}, all proved before")
    proved = [p for p, r in zip(props, out) if p.kind == INVARIANT and r.verdict is Verdict.HOLDS]
    for i, p in enumerate(props):
        if p.kind == PROPERTY:
            out[i] = stopped_result(p, "k-induction", options)
            if out[i] is not None:
                continue
            from .l2s_check import kind_temporal  # imported only when needed: networkx is slow to import
            out[i] = unless_halted(lambda: kind_temporal(enc, p, options, proved, consts, progress),
                                   options, None) or halted_result(p, "k-induction", options)
            deepest = max(deepest, out[i].depth or 0)
    stats = Stats(depth=deepest, seconds=time.monotonic() - start, extra={"solver": extra})
    return result(spec, "kind", out, stats, consts)


def prove_jointly(enc: Encoder, props: list, out: list, options: Options) -> dict:
    """k-induction for invariants that are not k-inductive alone, assuming the others.

    Invariants proved alone are sound assumptions.  The unproved ones (those
    that ended in a counterexample to induction) are the candidates: each is
    proved by k-induction whose step case assumes every proved invariant and
    every candidate; a candidate that fails is dropped and the rest are tried
    again (Houdini), until all remaining candidates succeed together.  That is
    sound: their base cases hold alone, and along any path the whole set
    carries over from k consecutive states to the next.
    -> {name: (k, names of the other invariants assumed)}"""
    verdict = {r.name: r for r in out}
    invs = [p for p in props if p.kind == INVARIANT]
    proved = [p for p in invs if verdict[p.name].verdict is Verdict.HOLDS]
    # every invariant not decided alone: a counterexample to induction, or the
    # solver gave up (its step case grows with k and may exhaust the budget
    # where k = 1 with the others assumed is easy); each candidate's base case
    # is checked again below, so an unknown one is not taken on trust
    cands = [p for p in invs if verdict[p.name].verdict is Verdict.UNKNOWN]
    while cands:
        done, failed = {}, None
        for c in cands:
            assume = tuple(proved) + tuple(cands)
            (what, k, _info), _st = prove(enc, c, options.max_k, Clock.of(options), options.seed, None, assume)
            if what != "holds":
                failed = c
                break
            done[c.name] = (k, [a.name for a in assume if a is not c])
        if failed is None:
            return done
        cands.remove(failed)
    return {}


def prove_assuming_invariants(enc: Encoder, props: list, out: list, options: Options) -> dict:
    """k-induction for typeok and deadlock, assuming every proved invariant.

    The Houdini loop above covers invariants only; typeok and deadlock are
    often not inductive for the same reason (the step case starts in an
    unreachable state) and need the same facts.  Here each one still
    unknown is proved again with the proved invariants assumed at every
    state s0..s_k of the step case, the last one included.  Sound: the
    assumed invariants were proved before (alone, or jointly with their own
    base cases), so they hold in every reachable state; the step case is
    only ever applied to paths of reachable states, so dropping the paths
    through other states loses nothing.  (Unlike the candidates of
    :func:`prove_jointly`, which may not be assumed in the last state: they
    are what is being proved there.)  typeok and deadlock are never assumed
    themselves, and the base case is checked again.
    -> {name: (k, names of the invariants assumed)}"""
    verdict = {r.name: r for r in out}
    proved = tuple(p for p in props if p.kind == INVARIANT and verdict[p.name].verdict is Verdict.HOLDS)
    if not proved:
        return {}
    done = {}
    for p in props:
        if p.kind not in (TYPEOK, DEADLOCK) or verdict[p.name].verdict is not Verdict.UNKNOWN:
            continue
        if implied(enc, p, proved, Clock.of(options), options.seed):
            done[p.name] = (0, [a.name for a in proved])
            continue
        (what, k, _info), _st = prove(enc, p, options.max_k, Clock.of(options), options.seed, None, proved,
                                      assume_last=True)
        if what == "holds":
            done[p.name] = (k, [a.name for a in proved])
    return done


def implied(enc: Encoder, p: Prop, proved: tuple, clock: Clock, seed: int) -> bool:
    """Induction with k = 0: every state satisfying the proved invariants
    satisfies p (for typeok: no erroneous step leaves it), and no initial
    value is erroneous.  Sound as in :func:`prove_assuming_invariants`: the
    reachable states all satisfy the proved invariants.  One state and (for
    typeok) one step, asked about one action at a time, where the step case
    with k = 1 has two states and two whole steps: on specs with large
    steps (loops over many spans) it fits a budget several times smaller.
    False also when the solver gives up."""
    # the initial states satisfy the proved invariants, so the check below
    # covers them too; only typeok's erroneous *initial values* are not a
    # step from a state (bmc's depth 0)
    if p.extra_step and BMC(enc, p, seed).check(0, clock) is not None:
        return False
    u = Unroller(enc, prefix="z")
    s = new_solver(seed)
    s.add(enc.const_axiom)
    s.add(u.inv(0))
    for a in proved:
        s.add(u.sub_state(a.good, 0))
    s.add(u.sub_state(p.bad, 0, "e0"))
    # typeok: one query per action (the erroneous step's selector fixed),
    # which together cover every step; each is far smaller than the whole
    cases = [u.step_vars("e0")[0] == i for i in range(len(enc.actions))] if p.extra_step else [z3.BoolVal(True)]
    for case in cases:
        s.push()
        s.add(case)
        clock.arm(s)
        r = s.check()
        s.pop()
        if r != z3.unsat:
            return False
    return True
