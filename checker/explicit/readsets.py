"""Which packed-state bits a state predicate (invariant, reachability goal)
reads: the basis of invariant skipping in the dict store's level function
(``Program.level_function(..., skip=True)``).

Why skipping is sound.  The level function checks a state s when it expands
it; the dict store keeps, for every state, the parent that first found it
(``seen[s]``, None for an initial state), a state of the previous BFS level,
which was itself checked (or skipped by this same argument) when expanded,
before any state of s's level.  A predicate P is a function of the fields
of the variables it reads, nothing else (the IR has no calls to user
``def``s left -- they are inlined by the front end -- and a quantifier's or
map builder's domain is a type, not state).  So if s and its parent agree on
every bit of those fields, P(s) = P(parent) exactly, a runtime error
included.  By induction over the check order, the first state (in that
order) that violates an invariant, errs on it, or reaches a goal is never
skipped: a skipped one has an equal value at an earlier-checked state.  The
search records only the first such state per property, so verdicts,
recorded states and the shortest counterexamples are unchanged; and the
counts of states and transitions are untouched (only checks are skipped).

Here the "changed along the step" set is exact, ``s ^ parent``, rather than a
static write set per action binding: it needs no over-approximation of what
``either``/``if``/``m[k] = v``/``q.push`` may assign, and it compares the
stored forms themselves, so symmetry reduction (both are canonical forms)
needs no separate argument.  Limits: the compact store and the vector back
end keep no parent per state, so they check every state (not done there);
states never expanded (bounded runs) are checked in full by ``check``.
"""
from __future__ import annotations

from .. import ir


def read_vars(expr: ir.Expr) -> frozenset | None:
    """The names of the state variables ``expr`` reads; None when some node
    is not understood (the caller then checks every state)."""
    names = set()
    try:
        for x in ir.walk_expr(expr):
            if isinstance(x, ir.Var):
                names.add(x.name)
    except TypeError:       # a node ir.children does not know: be conservative
        return None
    return frozenset(names)


def read_mask(layout, expr: ir.Expr) -> int | None:
    """The OR of the bit masks of the fields ``expr`` reads; None: unknown.
    0 when it reads no stored bit (constant, or only zero-width variables):
    the caller must still check it on initial states."""
    names = read_vars(expr)
    if names is None:
        return None
    m = 0
    for f in layout.fields:
        if f.name in names:
            m |= f.mask << f.offset
    return m


HEAVY_NODES = 16     # an invariant with fewer IR nodes and no quantifier is not guarded


def worth_guarding(expr: ir.Expr) -> bool:
    """A cost model, not a soundness matter: the guard (one dict lookup for
    the parent per state, an XOR, an AND per check) costs about as much as a
    small predicate on predecoded fields, so only a quantifier (unrolled over
    its domain) or a large expression is guarded; measured on the bench
    families in bench/results/invariant-skipping.md."""
    n = 0
    for x in ir.walk_expr(expr):
        if isinstance(x, (ir.Quant, ir.MapBuild)):
            return True
        n += 1
    return n >= HEAVY_NODES
