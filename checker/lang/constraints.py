"""State constraints: ``constraint name: e``.

TLC's CONSTRAINT semantics (tlc2.tool.Worker / ModelChecker, checked in its
source): a successor that violates a constraint is not inserted in the set
of seen states and not explored, but the invariants are checked on it.  We
implement exactly that reachable set and those checks by a desugaring that
every engine gets for free:

* every action starts with ``require <all constraints>`` (evaluated on the
  state the step starts from), so a state outside the constraint has no
  successor;
* such a state is not a deadlock: the spec's ``terminal`` predicate (states
  that may have no successor) includes the negation of the constraints.

A state outside the constraint is thus stored, checked (invariants, typeok
of the step that reached it, reachability goals) and never expanded.  The
explicit engine reports the distinct states and depth as TLC does, counting
only the states inside the constraint (checker/explicit/constrained.py).
For temporal properties a state outside the constraint stutters forever
(like a deadlock).  The symbolic engines prove properties of the same
transition relation: a step may start only from a state inside the
constraint (an assumption on the states that may take a step, not on the
states reached).
"""
from __future__ import annotations

from dataclasses import replace

from .. import ir
from .exprs import Scope
from .modules_syntax import ConstraintDecl


def resolve_constraints(resolver, decls) -> list[ir.Invariant]:
    out = []
    for x in decls:
        if isinstance(x, ConstraintDecl):
            e = resolver.t.expect(x.expr, Scope(), ir.BoolT, "a state constraint")
            if e is not None:
                out.append(ir.Invariant(x.name, e, doc=x.doc, span=x.span))
    return out


def conjunction(constraints) -> ir.Expr:
    out = constraints[0].expr
    for c in constraints[1:]:
        out = ir.Binary("and", out, c.expr, ir.BOOL)
    return out


def apply_constraints(constraints, actions: list, terminal):
    """(actions that start with ``require``, terminal that includes the outside)."""
    if not constraints:
        return actions, terminal
    inside = conjunction(constraints)
    guard = ir.Require(inside, span=constraints[0].span)
    actions = [replace(a, body=(guard,) + tuple(a.body)) for a in actions]
    outside = ir.Unary("not", inside, ir.BOOL)
    terminal = outside if terminal is None else ir.Binary("or", terminal, outside, ir.BOOL)
    return actions, terminal
