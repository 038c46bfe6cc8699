"""Liveness to safety: a temporal property as an invariant of a product.

Biere, Artho and Schuppan (2002): a fair lasso that violates a temporal
property exists iff, in a product of the spec with a small monitor, a "bad"
state is reachable.  The monitor guesses, on some step, that the current
state starts the loop: it *saves* a copy of it, and from then on records
what the loop has seen.  The loop closes when the current state equals the
copy again.  So k-induction and PDR, which prove invariants, prove temporal
properties too: the product has no reachable bad state means no fair
violating lasso exists, in any number of steps.

The product state is the spec's state ``s``, a copy ``c``, and booleans:

* ``saved``    -- the loop start has been chosen (``c`` is it);
* per property kind (the violations are those of lasso_search.py's lasso):
  ``seen``  p held somewhere (eventually p; always p records "not p");
  ``inloop`` p held in a loop state (always eventually p) or not p did
  (eventually always p); for ``p ~> q``: ``pend`` (some earlier state had p
  and q has been false since) and ``inloop`` (q held in a loop state);
* per fairness group: ``taken`` (one of its transitions was a loop step)
  and ``dis`` (weak: disabled in some loop state) or ``ena`` (strong:
  enabled in some loop state).

A step of the product is a step of the spec plus the monitor's update; the
step variable ``save`` chooses the loop start (once).  Bad states:

* *closed*: ``saved`` and ``s = c``, every fairness group satisfied on the
  loop, and the property's condition on the recorded bits;
* *stuck*: no action has a successor in ``s`` (the behaviour stutters there
  forever; no group is enabled) and the condition holds for that one-state
  loop.

With ``frozen`` (leaf indices from frozen.py), every loop step also keeps
those leaves of the state unchanged and starts in the property's region: no
fair violating lasso is lost (frozen.py proves its loop keeps them), and
Spacer need not find that fact itself across the copy.

Before the loop is chosen the copy follows the current state and the loop
bits are false; :meth:`Product.state_inv` states that (it is inductive, see
``tests/symbolic/test_l2s.py``), which spares k-induction spurious
counterexamples in which an unsaved copy differs from the state.

Limits: the product doubles the state, so proofs are harder than for an
invariant of the same spec; k-induction typically needs k near the length of
the longest loop, and PDR is the engine that usually succeeds.
"""
from __future__ import annotations

import z3

from .. import ir
from .encode import Encoder, Leaf, State, mk_and, mk_implies, mk_not, mk_or
from .frozen import region

KINDS = ("eventually", "always_eventually", "eventually_always", "leads_to", "always")


class ProductState(State):
    """A spec state, its copy and the monitor bits; ``values`` are the
    spec state's (so traces decode as spec states)."""

    def __init__(self, base: State, copy: State, bits: dict):
        super().__init__(base.values, base.leaves + copy.leaves
                         + [Leaf(b, None, ir.BOOL, f"l2s.{n}") for n, b in bits.items()])
        self.base, self.copy, self.bits = base, copy, bits


class Product:
    """The liveness-to-safety product of ``enc``'s spec with the monitor of
    one temporal property.  It has the attributes of an Encoder that
    Unroller, k-induction and PDR use, so those run on it unchanged."""

    def __init__(self, enc: Encoder, t: ir.Temporal, frozen: tuple = ()):
        if t.kind not in KINDS:
            raise ValueError(f"unknown temporal kind {t.kind!r}")
        self.base, self.t, self.frozen = enc, t, tuple(frozen)
        self.spec, self.actions, self.known_bounds = enc.spec, enc.actions, enc.known_bounds
        self.sym_consts, self.const_axiom = enc.sym_consts, enc.const_axiom
        self.groups = []   # (kind, enabled, taken) over the base state and step
        for f in enc.spec.fairness:
            for _key, en, tk in enc.fair_groups(f):
                self.groups.append((f.kind, en, tk))
        self.names = ["saved"] + self._property_bits()
        for g, (kind, _, _) in enumerate(self.groups):
            self.names += [f"taken{g}", f"dis{g}" if kind == "weak" else f"ena{g}"]
        self.save = z3.Bool("l2s.save")
        self.step_vars = list(enc.step_vars) + [self.save]
        self.cur = self._state(enc.cur, "")
        self.nxt = self._state(enc.nxt, "'")
        self.enabled = enc.enabled
        self.errstep = z3.BoolVal(False)
        self.trans = self._trans()
        self.closed = self._closed()
        self.bad = mk_or([self.closed, self._stuck()])
        self.p = self._pred(t.p)
        self.q = self._pred(t.q) if t.q is not None else None

    def frozen_names(self) -> tuple[str, ...]:
        """The leaves held fixed on the loop, by name (as the words show them)."""
        return tuple(str(self.base.cur.leaves[i].term) for i in self.frozen)

    # ------------------------------------------------------------ states

    def _property_bits(self) -> list[str]:
        k = self.t.kind
        if k == "leads_to":
            return ["pend", "inloop"]
        if k in ("eventually", "always"):
            return ["seen"]
        return ["inloop"]

    def _state(self, base: State, suffix: str) -> ProductState:
        copy = self.base.make_state("~copy" + suffix)
        bits = {n: z3.Bool(f"l2s.{n}{suffix}") for n in self.names}
        return ProductState(base, copy, bits)

    def make_state(self, suffix: str) -> ProductState:
        return self._state(self.base.make_state(suffix), suffix)

    def state_inv(self, st: ProductState):
        """Declared types of both states, and :meth:`unsaved`."""
        enc = self.base
        return mk_and([enc.state_inv(st.base), enc.state_inv(st.copy), self.unsaved(st)])

    def unsaved(self, st: ProductState):
        """Before the loop start is chosen, the copy equals the state and no
        loop bit is set (inductive: tests/symbolic/test_l2s.py checks it)."""
        loop_bits = [b for n, b in st.bits.items() if n not in ("saved", "seen", "pend")]
        same = mk_and([_same(st.base, st.copy)] + [mk_not(b) for b in loop_bits])
        return mk_implies(mk_not(st.bits["saved"]), same)

    def init(self, st: ProductState):
        f, errs = self.base.init(st.base)
        return mk_and([f, _same(st.base, st.copy)] + [mk_not(b) for b in st.bits.values()]), errs

    def distinct(self, a: ProductState, b: ProductState):
        return mk_or([x != y for x, y in zip(a.terms(), b.terms())])

    def lift(self, good):
        """A base-state invariant as a product-state one: it holds of the
        state and of the copy (the copy is always a reachable state)."""
        enc, cp = self.base, self.cur.copy
        return mk_and([good, z3.substitute(good, *zip(enc.cur.terms(), cp.terms()))])

    # ------------------------------------------------------------ formulas

    def _pred(self, e: ir.Expr):
        return self.base.holds_in(e, self.base.cur)

    def _trans(self):
        cur, nxt, enc = self.cur, self.nxt, self.base
        b, b2 = cur.bits, nxt.bits
        loop = mk_or([b["saved"], self.save])
        parts = [enc.trans, mk_implies(b["saved"], mk_not(self.save)), b2["saved"] == loop]
        # the copy: the saved state once chosen; before that, the current state
        for s, c, s2, c2 in zip(cur.base.terms(), cur.copy.terms(), nxt.base.terms(), nxt.copy.terms()):
            parts.append(c2 == z3.If(b["saved"], c, z3.If(self.save, s, s2)))
        t = self.t
        p = self._pred(t.p)
        if t.kind == "eventually":
            parts.append(b2["seen"] == mk_or([b["seen"], p]))
        elif t.kind == "always":
            parts.append(b2["seen"] == mk_or([b["seen"], mk_not(p)]))
        elif t.kind == "always_eventually":
            parts.append(b2["inloop"] == mk_or([b["inloop"], mk_and([loop, p])]))
        elif t.kind == "eventually_always":
            parts.append(b2["inloop"] == mk_or([b["inloop"], mk_and([loop, mk_not(p)])]))
        else:
            q = self._pred(t.q)
            parts.append(b2["pend"] == mk_and([mk_or([b["pend"], p]), mk_not(q)]))
            parts.append(b2["inloop"] == mk_or([b["inloop"], mk_and([loop, q])]))
        if self.frozen:
            # frozen.py: on the loop of a violating lasso these leaves keep
            # their value, and every loop state is in the property's region
            keep = [nxt.base.leaves[i].term == cur.base.leaves[i].term for i in self.frozen]
            parts.append(mk_implies(loop, mk_and([region(enc, t)] + keep)))
        for g, (kind, en, tk) in enumerate(self.groups):
            parts.append(b2[f"taken{g}"] == mk_or([b[f"taken{g}"], mk_and([loop, tk])]))
            if kind == "weak":
                parts.append(b2[f"dis{g}"] == mk_or([b[f"dis{g}"], mk_and([loop, mk_not(en)])]))
            else:
                parts.append(b2[f"ena{g}"] == mk_or([b[f"ena{g}"], mk_and([loop, en])]))
        return mk_and(parts)

    def _closed(self):
        """The loop closed, fair, and the property violated on the lasso."""
        b, t = self.cur.bits, self.t
        fair = []
        for g, (kind, _, _) in enumerate(self.groups):
            other = b[f"dis{g}"] if kind == "weak" else mk_not(b[f"ena{g}"])
            fair.append(mk_or([b[f"taken{g}"], other]))
        if t.kind == "eventually":
            cond = mk_not(b["seen"])
        elif t.kind == "always":
            cond = b["seen"]
        elif t.kind == "always_eventually":
            cond = mk_not(b["inloop"])
        elif t.kind == "eventually_always":
            cond = b["inloop"]
        else:
            cond = mk_and([b["pend"], mk_not(b["inloop"])])
        return mk_and([b["saved"], _same(self.cur.base, self.cur.copy), cond] + fair)

    def _stuck(self):
        """No successor: the behaviour stutters here forever (no fairness
        group is enabled, so every group is satisfied)."""
        b, t = self.cur.bits, self.t
        p = self._pred(t.p)
        if t.kind == "eventually":
            cond = mk_and([mk_not(b["seen"]), mk_not(p)])
        elif t.kind == "always":
            cond = mk_or([b["seen"], mk_not(p)])
        elif t.kind in ("always_eventually", "eventually_always"):
            cond = mk_not(p)
        else:
            cond = mk_and([mk_or([b["pend"], p]), mk_not(self._pred(t.q))])
        return mk_and([mk_not(self.base.enabled_ok), cond])


def _same(a: State, b: State):
    return mk_and([x == y for x, y in zip(a.terms(), b.terms())])
