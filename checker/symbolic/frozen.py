"""Variables that cannot change on the loop of a violating lasso.

A lasso that violates a temporal property loops inside a *region*: for
``p ~> q`` every loop state has q false, for ``eventually p`` and ``always
eventually p`` every loop state has p false.  Take one variable (a leaf of
the encoded state) and draw its *change graph*: an edge ``v -> w`` for every
step of the spec between two region states that changes it from ``v`` to
``w``.  Around a loop the variable's changes form a closed walk in that
graph; if the graph is acyclic there is no such walk with an edge, so the
variable is constant on every loop.  A leaf found constant restricts the
steps considered for the next one (a step that would change it is not a loop
step), so the analysis repeats until nothing new is found.

Every edge comes from Z3 (all models of one step, blocked one by one), so
the result is a proof, not a guess: the liveness-to-safety product may add
"frozen leaves keep their value" to every loop step without losing any fair
violating lasso.  Spacer would otherwise have to discover these facts, and
the saved copy makes that hard: orders_breaker's ``order_requests_answered``
needs client 1's request, answer and age to be constant on the loop.

Limits: leaves with concrete bounds only (not symbolic constants), domains of
at most MAX_DOMAIN values; a solver ``unknown`` leaves the leaf unfrozen.
"""
from __future__ import annotations

import networkx as nx
import z3

from .. import ir
from .common import Clock, new_solver
from .encode import Encoder, mk_and, mk_not

MAX_DOMAIN = 64
MAX_EDGES = 256


def region(enc: Encoder, t: ir.Temporal):
    """The condition every loop state of a violating lasso satisfies, over
    ``enc.cur`` (True when the property kind gives none)."""
    if t.kind == "leads_to":
        return mk_not(enc.holds_in(t.q, enc.cur))
    if t.kind in ("eventually", "always_eventually"):
        return mk_not(enc.holds_in(t.p, enc.cur))
    return z3.BoolVal(True)


def frozen_leaves(enc: Encoder, t: ir.Temporal, assume: list, seed: int, clock: Clock) -> list[int]:
    """Indices (into ``enc.cur.leaves``) of the leaves that are constant on
    every loop of a lasso violating ``t``.  ``assume``: invariants proved of
    every reachable state (formulas over ``enc.cur``)."""
    cur, nxt = enc.cur, enc.nxt
    sub = list(zip(cur.terms(), nxt.terms()))
    reg = region(enc, t)
    base = [enc.const_axiom, enc.state_inv(cur), enc.state_inv(nxt), enc.trans,
            reg, z3.substitute(reg, *sub)]
    base += assume + [z3.substitute(a, *sub) for a in assume]
    frozen: list[int] = []
    leaves = [(i, lf) for i, lf in enumerate(cur.leaves) if _domain(lf) is not None]
    while True:
        same = [cur.leaves[i].term == nxt.leaves[i].term for i in frozen]
        new = [i for i, lf in leaves if i not in frozen
               and _acyclic(base + same, lf.term, nxt.leaves[i].term, seed, clock)]
        if not new:
            return frozen
        frozen += new


def _domain(lf):
    t = lf.type
    if t == ir.BOOL:
        return 2
    if isinstance(t, ir.EnumT):
        return len(t.members)
    if isinstance(t, ir.IntT) and t.concrete:
        lo, hi = t.bounds()
        return hi - lo + 1 if hi - lo < MAX_DOMAIN else None
    return None


def _acyclic(facts: list, x, x2, seed: int, clock: Clock) -> bool:
    """Is the change graph of leaf ``x`` (``x2`` its next value) acyclic?"""
    s = new_solver(seed)
    s.add(*facts)
    s.add(x != x2)
    g = nx.DiGraph()
    for _ in range(MAX_EDGES):
        clock.arm(s)
        r = s.check()
        if r == z3.unsat:
            return nx.is_directed_acyclic_graph(g)
        if r != z3.sat:
            return False
        m = s.model()
        v, w = m.eval(x, model_completion=True), m.eval(x2, model_completion=True)
        g.add_edge(str(v), str(w))
        if not nx.is_directed_acyclic_graph(g):
            return False
        s.add(mk_not(mk_and([x == v, x2 == w])))
    return False
