"""Spacer over Boolean coordinates: every bounded integer leaf of the state
becomes a few Boolean bits.

Why: Spacer generalises its lemmas in the theory of the predicate's
arguments.  Over integers it learns arithmetic facts (``x <= 2``), which
suits counters; over a state that is mostly enums, flags and small ranges
(the liveness-to-safety product doubles such a state and adds a few dozen
flags) bit-level lemmas -- cubes over bits, as in hardware IC3 -- converge
far sooner.  Measured on breaker_fixed's ``recovers`` without its ghost
variables (46 states): integer arguments, unknown after 120 s; Boolean
arguments, proved in 41 s.

The Horn clauses are those of horn_clauses.clauses with every integer leaf
``x`` of type ``lo..hi`` replaced by ``lo + sum(2^j * b_j)`` and the bits
restricted to values up to ``hi``.  Spacer's invariant, over the bits, is
translated back (``b_j`` is bit j of ``x - lo``) so that the caller
re-checks it against the original encoding: nothing here is trusted.

Limits: only states whose every integer leaf has concrete bounds; the
symbolic constants stay integer arguments.
"""
from __future__ import annotations

import z3

from .common import Clock
from .encode import mk_and
from .system import TransitionSystem


class Unbounded(Exception):
    """A leaf has no concrete bounds: the state cannot be bit-blasted."""


class Bits:
    """Boolean coordinates of an encoder-like object's ``cur``/``nxt`` states."""

    def __init__(self, enc):
        self.enc = enc
        self.cs = [t for _, t in enc.sym_consts]
        self.args_c, self.sub_c, self.range_c, self.back = self._coords(enc.cur.leaves, "")
        self.args_n, self.sub_n, self.range_n, _ = self._coords(enc.nxt.leaves, "'")

    @staticmethod
    def _coords(leaves, suffix: str):
        args, sub, rng, back = [], [], [], []
        for i, lf in enumerate(leaves):
            x = lf.term
            if x.sort() == z3.BoolSort():
                args.append(x)
                continue
            lo, hi = _bounds(lf)
            w = max(1, (hi - lo).bit_length())
            bits = [z3.Bool(f"bit{i}.{j}{suffix}") for j in range(w)]
            val = lo + z3.Sum([z3.If(b, z3.IntVal(2 ** j), z3.IntVal(0)) for j, b in enumerate(bits)])
            args += bits
            sub.append((x, val))
            if (1 << w) - 1 > hi - lo:
                rng.append(val <= hi)
            back += [(b, (x - lo) / (2 ** j) % 2 == 1) for j, b in enumerate(bits)]
        return args, sub, rng, back

    def relation(self, name: str):
        sorts = [t.sort() for t in self.cs + self.args_c] + [z3.BoolSort()]
        return z3.Function(name, *sorts)

    def _s(self, f):
        pairs = self.sub_c + self.sub_n
        return z3.substitute(f, *pairs) if pairs else f

    def clauses(self, bad, inv, assume=None) -> list:
        """horn_clauses.clauses over the bits (head ``false``)."""
        enc, cs, ac, an = self.enc, self.cs, self.args_c, self.args_n
        assume = z3.BoolVal(True) if assume is None else assume
        init, _ = enc.init(enc.cur)
        sv = list(enc.step_vars)
        start = z3.ForAll(cs + ac, z3.Implies(
            mk_and([enc.const_axiom, self._s(init), self._s(enc.state_inv(enc.cur))] + self.range_c),
            inv(*cs, *ac)))
        step = z3.ForAll(cs + ac + an + sv, z3.Implies(
            mk_and([inv(*cs, *ac), self._s(assume), self._s(enc.trans)] + self.range_c + self.range_n),
            inv(*cs, *an)))
        stop = z3.ForAll(cs + ac + sv, z3.Implies(
            mk_and([inv(*cs, *ac), self._s(assume), self._s(bad)] + self.range_c), z3.BoolVal(False)))
        return [start, step, stop]

    def to_terms(self, formula):
        """A formula over the bits, as one over the original ``cur`` leaves."""
        return z3.substitute(formula, *self.back) if self.back else formula


def _bounds(lf) -> tuple[int, int]:
    from .. import ir
    t = lf.type
    if isinstance(t, ir.EnumT):
        return 0, len(t.members) - 1
    if isinstance(t, ir.IntT) and t.concrete:
        return t.bounds()
    raise Unbounded(lf.var)


def solve(enc: TransitionSystem, bad, params, clock: Clock, assume=None):
    """Spacer on the bit-level clauses: (solver, result, invariant over the
    original ``cur`` leaves or None).  Raises Unbounded."""
    b = Bits(enc)
    inv = b.relation("InvBits")
    s = z3.SolverFor("HORN")
    s.set("engine", "spacer")
    for k, v in params:
        try:
            s.set(f"fp.{k}", v)
        except z3.Z3Exception:
            pass
    s.add(*b.clauses(bad, inv, assume))
    clock.arm(s)
    r = s.check()
    I = b.to_terms(s.model().eval(inv(*b.cs, *b.args_c))) if r == z3.sat else None
    return s, r, I
