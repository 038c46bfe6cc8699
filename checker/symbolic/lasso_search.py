"""Bounded lasso search for temporal properties (used by bmc).

A lasso of ``n`` states is a path ``s0 .. s(n-1)`` from an initial state plus
a *back edge* out of the last state: either a real step ``s(n-1) -> s(L)``
for a loop start ``L`` in ``0..n-1``, or, when ``s(n-1)`` has no successor at
all (a deadlock, a state where every process has finished, or a state whose
only steps err), stuttering in ``s(n-1)`` forever (``L = n-1``).  The
behaviour it stands for is ``s0 .. s(L-1) (s(L) .. s(n-1))^omega``.

A lasso is *fair* when every fairness group (ir.Fairness) is satisfied on the
loop: weak -- if the group has a transition out of every loop state, one of
the loop's steps is one of its transitions; strong -- if it has a transition
out of some loop state, one of the loop's steps is one of its transitions.
A stuttering step is no group's transition (and no group is enabled there).

A fair lasso violates

* ``eventually p``          when p is false in every state of the lasso;
* ``always eventually p``   when p is false in every loop state;
* ``eventually always p``   when p is false in some loop state;
* ``p ~> q``                when some state i has p and q is false in every
                            state from i on, loop included (states >= min(i, L)).

Predicates that fail to evaluate (a runtime error) count as false.  The
search deepens n = 1, 2, ... so the lasso found has the fewest states; no
lasso up to the bound is not a proof.  The trace shows ``s0 .. s(n-1)`` with
``loop_start = L``; its last step leads back to step L (or stutters).
"""
from __future__ import annotations

import z3

from .. import ir
from ..results import Trace
from . import decode
from . import finite_solver
from .common import Clock, Prop, solver_stats
from .encode import Encoder, mk_and, mk_implies, mk_not, mk_or
from .outcome import Searched, deepen
from .unroll import Unroller

STUTTER_NOTE = "a state with no successor stutters forever"


class Lasso:
    """One incremental unrolling for one property; ``check(n)`` asks for a
    lasso of exactly n states (depths asked in increasing order).  The path
    is asserted once and extended; each depth's loop, fairness and property
    constraints live in a push/pop scope.  The solver is Z3's finite-domain
    SAT solver when every integer has a known range (finite_solver.py);
    ``finite_domain=False`` asks Z3's general solver throughout (for comparison)."""

    def __init__(self, enc: Encoder, prop: Prop, seed: int, finite_domain: bool = True):
        self.enc, self.prop = enc, prop
        self.t: ir.Temporal = prop.decl
        self.u = Unroller(enc, prefix="L")
        self.solver = finite_solver.FiniteSolver(seed, finite_domain)
        self._step_bounds = finite_solver.step_var_bounds(enc)
        self._ranged = {0}
        self.solver.add_ranges(finite_solver.const_ranges(enc))
        self.solver.add_ranges(finite_solver.state_ranges(enc, self.u.state(0)))
        self.solver.add(enc.const_axiom, self.u.init(), self.u.inv(0))
        self.steps = 0
        self.p = enc.holds_in(self.t.p, enc.cur)
        self.q = enc.holds_in(self.t.q, enc.cur) if self.t.q is not None else None
        self.groups = []
        for f in enc.spec.fairness:
            for key, en, tk in enc.fair_groups(f):
                self.groups.append((f, key, en, tk))
        self.stats: dict = {}
        self.last = self.solver   # the solver of an unknown (one incremental solver answers every query)
        templates = [enc.const_axiom, self.u.init(), enc.trans, enc.enabled_ok, self.p]
        templates += [x for _f, _k, en, tk in self.groups for x in (en, tk)]
        if self.q is not None:
            templates.append(self.q)
        if finite_solver.has_quantifier(templates):
            self.solver.add_ranges(None)

    def _extend(self, k: int) -> None:
        """Assert the real steps 0..k-1 (path of k+1 states)."""
        while self.steps < k:
            self._ranges(self.steps + 1)
            self.solver.add(self.u.trans(self.steps), self.u.inv(self.steps + 1))
            self.steps += 1

    def _ranges(self, t: int) -> None:
        """Ranges of state t and of the step leading to it (finite_solver.py), once."""
        if t in self._ranged:
            return
        self._ranged.add(t)
        enc, s = self.enc, self.solver
        s.add_ranges(finite_solver.state_ranges(enc, self.u.state(t)))
        s.add_ranges(finite_solver.step_ranges(enc.step_vars, self.u.step_vars(str(t - 1)), self._step_bounds))

    def check(self, n: int, clock: Clock):
        """A violating fair lasso of exactly n states: (model, L var, i var,
        stutter var), None, or "unknown"."""
        u, enc = self.u, self.enc
        self._extend(n - 1)
        last = n - 1
        L = z3.Int(f"loop@{n}")
        stut = z3.Bool(f"stutter@{n}")
        i_var = z3.Int(f"from@{n}")
        # the back edge's target state n and its step; L and i_var are new
        # at every depth, so their ranges may stay after the pop (they are
        # also asserted in the scope: the general solver needs them)
        self._ranges(n)
        self.solver.add_ranges([L >= 0, L <= last, i_var >= 0, i_var <= last])
        c = [L >= 0, L <= last]
        c.append(mk_implies(stut, mk_and([L == last, mk_not(u.sub_state(enc.enabled_ok, last))])))
        back = [u.trans(last)]
        st_n = u.state(n).terms()
        for j in range(n):
            eq = mk_and([a == b for a, b in zip(st_n, u.state(j).terms())])
            back.append(mk_implies(L == j, eq))
        c.append(mk_implies(mk_not(stut), mk_and(back)))
        in_loop = [L <= t for t in range(n)]
        for f, _key, en, tk in self.groups:
            ens = [u.sub_state(en, t) for t in range(n)]
            tks = [u.sub_state(tk, t, str(t)) for t in range(n)]
            tks[last] = mk_and([mk_not(stut), tks[last]])
            taken = mk_or([mk_and([in_loop[t], tks[t]]) for t in range(n)])
            if f.kind == "strong":
                c.append(mk_implies(mk_or([mk_and([in_loop[t], ens[t]]) for t in range(n)]), taken))
            else:
                c.append(mk_implies(mk_and([mk_implies(in_loop[t], ens[t]) for t in range(n)]), taken))
        ps = [u.sub_state(self.p, t) for t in range(n)]
        kind = self.t.kind
        if kind == "eventually":
            c += [mk_not(x) for x in ps]
        elif kind == "always_eventually":
            c += [mk_implies(in_loop[t], mk_not(ps[t])) for t in range(n)]
        elif kind == "eventually_always":
            c.append(mk_or([mk_and([in_loop[t], mk_not(ps[t])]) for t in range(n)]))
        elif kind == "leads_to":
            qs = [u.sub_state(self.q, t) for t in range(n)]
            c += [i_var >= 0, i_var <= last]
            c += [mk_implies(i_var == t, ps[t]) for t in range(n)]
            c += [mk_implies(mk_or([t >= i_var, in_loop[t]]), mk_not(qs[t])) for t in range(n)]
        elif kind == "always":
            c.append(mk_or([mk_not(x) for x in ps]))
        else:
            raise ValueError(f"unknown temporal kind {kind!r}")
        s = self.solver
        s.push()
        s.add(*c)
        r = s.check(clock.arm)
        self.stats = solver_stats(s)
        self.stats["finite_domain"] = s.finite  # which solver answered (finite_solver.py)
        if r == z3.unknown:
            s.pop()
            return "unknown"
        if r == z3.unsat:
            s.pop()
            return None
        m = s.model()
        s.pop()
        loop = m.eval(L, model_completion=True).as_long()
        stutter = z3.is_true(m.eval(stut, model_completion=True))
        frm = m.eval(i_var, model_completion=True).as_long()
        trace = decode.path_trace(m, u, last)
        trace.loop_start = loop
        cs = decode.consts(m, enc)
        trace.consts = dict(cs)
        return trace, describe(self.enc, self.t, trace, loop, stutter, frm), cs


def describe(enc: Encoder, t: ir.Temporal, trace: Trace, loop: int, stutter: bool, frm: int) -> str:
    """Why a lasso violates t, in words (``frm``: for ``p ~> q``, the step
    where p holds and q never does from then on)."""
    p = ir.show_expr(t.p)
    if stutter:
        how = (f"the behaviour stops in step {loop} (no action has a successor there; "
               "it stutters forever)")
    else:
        how = f"steps {loop}..{len(trace)} repeat forever"
    if t.kind == "eventually":
        what = f"{p} never holds"
    elif t.kind == "always_eventually":
        what = f"{p} is false in every state of the loop"
    elif t.kind == "eventually_always":
        what = f"{p} is false somewhere in the loop, again and again"
    elif t.kind == "leads_to":
        what = f"{p} holds in step {frm}, and {ir.show_expr(t.q)} never holds from then on"
    else:
        what = f"{p} is false"
    fair = "; " + ir.fairness_words(enc.spec)
    if enc.spec.fairness:
        fair += " (the loop satisfies every one)"
    return f"{what}: {how}{fair}"


def search(enc: Encoder, prop: Prop, max_depth: int, clock: Clock, seed: int, progress=None,
           finite_domain: bool = True):
    """Lassos of 1 .. max_depth + 1 states.  -> bmc.Searched whose found is
    (trace, detail, consts) or None, and depth = steps shown in the trace.
    ``finite_domain=False``: Z3's general solver (see Lasso)."""
    return deepen(Lasso(enc, prop, seed, finite_domain), range(1, max_depth + 2), clock, prop.name,
                  progress, steps_before=1)
