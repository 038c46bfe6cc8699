"""Cone of influence: the spec without the variables a temporal property
cannot see.

A variable is *relevant* when the property reads it, when an action's
guard (a ``require``, or an ``if`` whose branches hold a ``require`` or an
update of a relevant variable) reads it, when a ``terminal`` condition
reads it, or when the update of a relevant variable reads it (closed under
``let`` bindings).  The others -- typically ghost variables that record
history for invariants -- are *dropped*: :func:`reduce` returns the spec
without them, their updates, and the ``let``\\ s and ``if``\\ s that only
serve those updates.

Why a proof on the reduced spec is a proof on the spec: the relevant part
of a step is computed from relevant variables only, so the reduced spec's
steps are exactly the spec's steps with the dropped variables forgotten --
provided no step of the spec errs, since an error (say, a dropped
counter's overflow) removes a step that the reduced spec keeps.  So the
caller must have proved ``typeok`` (no reachable state has a step that
errs) first.  Then every fair lasso of the spec, projected, is a fair lasso
of the reduced spec (the same actions are enabled and taken) that violates
the property just as well (the property reads relevant variables only);
no fair violating lasso in the reduced spec means none in the spec.

Limits: the analysis is syntactic and flow-insensitive (a variable read
anywhere in a relevant expression is relevant), so it keeps more than it
must; the converse direction (a reduced lasso is a spec lasso) is not used:
a violation is always searched for in the spec itself.
"""
from __future__ import annotations

from dataclasses import replace

from .. import ir


def expr_names(e: ir.Expr) -> tuple[set, set]:
    """(state variables, locals) read by an expression (iterative walk)."""
    vs, ls = set(), set()
    for x in ir.walk_expr(e):
        if isinstance(x, ir.Var):
            vs.add(x.name)
        elif isinstance(x, ir.Local):
            ls.add(x.name)
    return vs, ls


def relevant_vars(spec: ir.Spec, t: ir.Temporal, also=()) -> set[str]:
    """The variables ``t`` (and the variables ``also``) can see through the
    spec's steps (a fixpoint)."""
    keep: set[str] = set(also)
    for e in (t.p, t.q, spec.terminal, spec.initial):
        if e is not None:
            keep |= expr_names(e)[0]
    changed = True
    while changed:
        changed = False
        for a in spec.actions:
            need_vars, need_locals = _needs(a.body, keep)
            lets = {s.name: s.value for s in ir.walk_stmts(a.body) if isinstance(s, ir.Let)}
            work, seen = list(need_locals), set()
            while work:                       # close over let bindings
                name = work.pop()
                if name in seen or name not in lets:
                    continue
                seen.add(name)
                vs, ls = expr_names(lets[name])
                need_vars |= vs
                work += list(ls)
            if not need_vars <= keep:
                keep |= need_vars
                changed = True
    return keep


def _needs(body, keep: set) -> tuple[set, set]:
    """Names read by the statements that matter for ``keep``: requires,
    updates of kept variables, and conditions of ifs around either."""
    vs, ls = set(), set()
    for s in ir.walk_stmts(body):
        exprs = []
        if isinstance(s, ir.Require):
            exprs = [s.cond]
        elif isinstance(s, ir.Assign) and s.var in keep:
            exprs = [s.value]
        elif isinstance(s, ir.If) and _matters((s,), keep):
            exprs = [s.cond]
        for e in exprs:
            v, loc = expr_names(e)
            vs |= v
            ls |= loc
    return vs, ls


def _matters(body, keep: set) -> bool:
    return any(isinstance(s, ir.Require) or isinstance(s, ir.Either)
               or (isinstance(s, ir.Assign) and s.var in keep) for s in ir.walk_stmts(body))


def reduce(spec: ir.Spec, t: ir.Temporal, also=()) -> tuple[ir.Spec, tuple[str, ...]]:
    """(the spec restricted to the cone of influence of ``t`` and of the
    variables ``also``, the dropped variables).  The reduced spec keeps only
    ``t`` among the properties and the invariants that read kept variables
    only; no reachables."""
    keep = relevant_vars(spec, t, also)
    if getattr(spec, "init_block", ()):   # an init block may tie any variables together: no reduction
        keep = {v.name for v in spec.vars}
    dropped = tuple(v.name for v in spec.vars if v.name not in keep)
    if not dropped:
        return spec, ()
    actions = tuple(replace(a, body=_prune(a.body, keep)) for a in spec.actions)
    invs = tuple(i for i in spec.invariants if expr_names(i.expr)[0] <= keep)
    return replace(spec, vars=tuple(v for v in spec.vars if v.name in keep), actions=actions,
                   invariants=invs, properties=(t,), reachables=()), dropped


def _prune(body, keep: set) -> tuple:
    """The statements without updates of dropped variables (and ifs and
    lets that then serve nothing).  Recursion depth is the nesting depth
    of the spec's own blocks."""
    out, used_locals = [], _locals_read(body, keep)
    for s in body:
        if isinstance(s, ir.Assign) and s.var not in keep:
            continue
        if isinstance(s, ir.Let) and s.name not in used_locals:
            continue
        if isinstance(s, ir.If):
            if not _matters((s,), keep):
                continue
            s = replace(s, then=_prune(s.then, keep), else_=_prune(s.else_, keep))
        elif isinstance(s, ir.Either):
            s = replace(s, branches=tuple(_prune(b, keep) for b in s.branches))
        out.append(s)
    return tuple(out)


def _locals_read(body, keep: set) -> set:
    """Locals the kept statements of ``body`` read, closed over lets."""
    lets = {s.name: s.value for s in ir.walk_stmts(body) if isinstance(s, ir.Let)}
    _, need = _needs(body, keep)
    work, seen = list(need), set()
    while work:
        name = work.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in lets:
            work += list(expr_names(lets[name])[1])
    return seen
