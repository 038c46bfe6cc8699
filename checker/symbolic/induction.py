"""k-induction proofs of one property (the engine, kind.py, schedules them):
the step case with simple-path constraints, the base case by bmc, a proof
of several invariants jointly (Houdini), one assuming invariants proved
before, and induction with k = 0 (``implied``).  Also used by pdr (for its
side proofs of typeok) and by the temporal proofs on the product
(product_proofs.py), which is why it is not the engine's module."""
from __future__ import annotations

from dataclasses import dataclass

import z3

from ..options import Options
from ..results import INVARIANT, TYPEOK, Trace, Verdict
from . import decode
from .bmc import BMC
from .common import Clock, Prop, new_solver, solver_stats
from .encode import Encoder
from .outcome import gave_up
from .system import TransitionSystem
from .unroll import Unroller


@dataclass(frozen=True)
class Joint:
    """How property ``name`` was proved with others' help: at ``k``,
    assuming ``assumed`` (proved before it) and, in a joint proof,
    ``jointly``: every candidate proved together in that round, itself
    included (so a joint proof is never mistaken for one that only assumed
    proved invariants, even when it was the only candidate left)."""
    name: str
    k: int
    assumed: tuple[str, ...] = ()
    jointly: tuple[str, ...] = ()

    @property
    def others(self) -> list[str]:
        """Every other invariant its step case assumed, in the order the words name them."""
        return list(self.assumed) + [n for n in self.jointly if n != self.name]


class StepCase:
    """P(s0..s_{k-1}), T, all states distinct, not P(s_k): unsat proves P."""

    def __init__(self, enc: TransitionSystem, prop: Prop, seed: int, assume: tuple = (),
                 assume_last: bool = False):
        self.enc, self.prop = enc, prop
        self.assume = tuple(a for a in assume if a is not prop)  # other invariants assumed at s0..s_{k-1}
        # ... and at s_k too: sound only for invariants proved before (see
        # schedule.py, stage 3), never for the candidates of a joint proof
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
        trace.consts = decode.consts(m, self.enc)
        return trace, dict(trace.consts)


def prove(enc: Encoder, p: Prop, max_k: int, clock: Clock, seed: int, progress=None, assume: tuple = (),
          assume_last: bool = False):
    """-> ("holds", k, None) | ("violated", n, Found) | ("cti", k, (trace, consts))
    | ("unknown", k, (why, SolverGaveUp)); also solver statistics.  ``assume``: invariants
    assumed in the step case (sound only as in :func:`prove_jointly`), also
    in its last state with ``assume_last`` (sound only for invariants proved
    before: schedule.py, stage 3)."""
    if clock.stopped():     # the run was stopped: not even the unrolling
        return ("unknown", 0, (clock.stop_words(), gave_up("kind", clock, depth=0))), {}
    base, step = BMC(enc, p, seed), StepCase(enc, p, seed, assume, assume_last)
    next_base = 0
    last = None
    for k in range(1, max_k + 1):
        # base case: no violation in the first k states
        while next_base <= k - 1 + p.extra_step:
            if clock.expired():
                return ("unknown", k - 1, (clock.stop_words(), gave_up("kind", clock, depth=k - 1))), \
                    solver_stats(base.solver)
            r = base.check(next_base, clock)
            if r == "unknown":
                why = clock.unknown_words(base.solver, "the solver returned unknown in the base case")
                return ("unknown", k - 1, (why, gave_up("kind", clock, base.solver, k - 1))), \
                    solver_stats(base.solver)
            if r is not None:
                return ("violated", r.depth, r), solver_stats(base.solver)
            next_base += 1
        if clock.expired():
            return ("unknown", k - 1, (clock.stop_words(), gave_up("kind", clock, depth=k - 1))), \
                solver_stats(step.solver)
        r, m = step.check(k, clock)
        if r == z3.unsat:
            return ("holds", k, None), solver_stats(step.solver)
        if r == z3.unknown:
            why = clock.unknown_words(step.solver, "the solver returned unknown in the step case")
            return ("unknown", k - 1, (why, gave_up("kind", clock, step.solver, k - 1))), solver_stats(step.solver)
        last = (k, m)
        if progress:
            progress(k, p.name)
    k, m = last
    return ("cti", k, step.cti(m, k)), solver_stats(step.solver)


def prove_jointly(enc: Encoder, props: list, out: list, options: Options) -> dict:
    """k-induction for invariants that are not k-inductive alone, assuming the others.

    Invariants proved alone are sound assumptions.  The unproved ones (those
    that ended in a counterexample to induction) are the candidates: each is
    proved by k-induction whose step case assumes every proved invariant and
    every candidate; a candidate that fails is dropped and the rest are tried
    again (Houdini), until all remaining candidates succeed together.  That is
    sound: their base cases hold alone, and along any path the whole set
    carries over from k consecutive states to the next.
    -> {name: Joint}"""
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
            done[c.name] = Joint(c.name, k, tuple(a.name for a in proved), tuple(a.name for a in cands))
        if failed is None:
            return done
        cands.remove(failed)
    return {}


def implied(enc: Encoder, p: Prop, proved: tuple, clock: Clock, seed: int) -> bool:
    """Induction with k = 0: every state satisfying the proved invariants
    satisfies p (for typeok: no erroneous step leaves it), and no initial
    value is erroneous.  Sound: the reachable states all satisfy the proved
    invariants (schedule.py, stage 3).  One state and (for
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
