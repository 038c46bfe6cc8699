"""A transition system: what the proofs (bmc, k-induction, Spacer, the Horn
clauses, bit-blasting, trace decoding) need of what they run on.

Two things are one: the spec's encoding (encode.Encoder) and the
liveness-to-safety product of the spec with a temporal property's monitor
(l2s.Product), so every proof runs on either unchanged.  The reductions
map a system to a smaller or differently shaped one and say what they did
(reductions.py)."""
from __future__ import annotations

from typing import Any, Protocol

from .. import ir


class TransitionSystem(Protocol):
    spec: ir.Spec
    # the state templates: ``cur`` the current state, ``nxt`` the next one
    # (encode.State: its ``leaves`` are the Z3 constants, ``terms()`` them all)
    cur: Any
    nxt: Any
    # the step's free choices (selected action, its arguments, nondeterminism)
    step_vars: list
    # one entry per spec action (encode.EncodedAction: ``index``, ``action``, ``params``, ``ok``)
    actions: list
    trans: Any          # cur -> nxt for some choice of step_vars, without error
    enabled: Any        # some step leaves cur
    errstep: Any        # a step leaving cur errs (typeok's "bad"); False on a product
    sym_consts: list    # (ir.Const, Z3 constant) for the constants without a value
    const_axiom: Any    # what the symbolic constants satisfy

    def make_state(self, suffix: str) -> Any:
        """A fresh copy of the state's constants, named with ``suffix``."""

    def state_inv(self, st) -> Any:
        """The declared types (and, on a product, the monitor's own invariant) of ``st``."""

    def init(self, st) -> tuple[Any, list]:
        """(``st`` is initial, the errors evaluating the initial values)."""

    def distinct(self, a, b) -> Any:
        """States ``a`` and ``b`` differ (k-induction's simple paths)."""
