"""Front-end sugar that desugars to today's IR (so every engine has it), and
the typing of ``init { ... }`` (``ir.Spec.init_block``, which every engine
runs):

* ``assert(e)`` inside an action or process step: a ghost variable
  ``assert.LINE.COL`` (true initially) becomes false at the step where ``e``
  is false, and the invariant ``assert_LINE_COL`` says it stays true, so a
  failed assert is a violation with the trace to the step.  While every
  assert holds the ghost never changes: state counts are unchanged.
* ``property p: forall x in D: TEMPORAL``: one property ``p(v)`` per value
  ``v`` of the finite domain ``D`` (a type, a range or a constant set);
  ``property p: (T1) and (T2)``: the properties ``p[1]``, ``p[2]``.
* ``fair { a or b }``: one weak (or ``strong fair { ... }``) fairness
  constraint over the steps of several actions together (a process name
  stands for all its steps); ``fair { all }`` is fairness of every step of
  the spec, TLA+'s WF_vars(Next).
"""
from __future__ import annotations

import dataclasses

from .. import ir
from ..evaluate import EvalError, evaluate
from . import ast as A
from .exprs import Scope
from .modules_syntax import AssertStmt, ConjoinedProperty, FairGroup, InitBlock, InitDecl, QuantifiedProperty
from .statements import StatementResolver
from .treewalk import rewrite

# ---------------------------------------------------------------- assert


def desugar_asserts(tree: A.SpecFile) -> A.SpecFile:
    found: list[AssertStmt] = []

    def fn(x):
        if isinstance(x, AssertStmt):
            found.append(x)
            var = _ghost(x)
            value = A.Binary("and", A.Name(var, span=x.span), x.cond, span=x.cond.span)
            return A.Assign(A.LValue(var, (), span=x.span), value, span=x.span)
        return x

    decls = tuple(rewrite(d, fn) if isinstance(d, (A.ActionDecl, A.ProcessDecl)) else d for d in tree.decls)
    if not found:
        return tree
    extra = []
    for a in found:
        var = _ghost(a)
        extra.append(A.VarDecl(var, A.BoolType(span=a.span), A.BoolLit(True, span=a.span), False,
                               doc="ghost of an assert", span=a.span))
        extra.append(A.InvariantDecl(f"assert_{a.span.line}_{a.span.col}", A.Name(var, span=a.span),
                                     doc=f"assert at line {a.span.line}", span=a.span))
    return dataclasses.replace(tree, decls=decls + tuple(extra))


def _ghost(a: AssertStmt) -> str:
    return f"assert.{a.span.line}.{a.span.col}"


# ---------------------------------------------------------------- quantified properties


def quantified_properties(resolver, decls) -> list:
    out = []
    for x in decls:
        if isinstance(x, ConjoinedProperty):   # (T1) and (T2): p[1], p[2]
            for i, (kind, p, q) in enumerate(x.parts, 1):
                r = resolver._property(A.PropertyDecl(f"{x.name}[{i}]", kind, p, q, doc=x.doc, span=x.span))
                if r is not None:
                    out.append(r)
            continue
        if not isinstance(x, QuantifiedProperty):
            continue
        dom = resolver.t.domain(x.domain, Scope())
        if dom is None:
            continue
        t, set_expr = dom
        try:
            if set_expr is None:
                values = list(ir.domain_values(t))
            else:
                values = sorted(evaluate(set_expr, {}, {}, {c.name: c.value for c in resolver.env.consts.values()
                                                            if c.value is not None}), key=repr)
        except (EvalError, ir.SymbolicBound, TypeError):
            resolver.d.error(x.domain.span, "the domain of a quantified property must be finite and constant")
            continue
        for v in values:
            lit = _literal(v, x.span)

            def subst(n, var=x.var, lit=lit):
                return lit if isinstance(n, A.Name) and n.id == var else n
            p = rewrite(x.p, subst)
            q = rewrite(x.q, subst) if x.q is not None else None
            r = resolver._property(A.PropertyDecl(f"{x.name}({ir.show_value(v)})", x.kind, p, q, doc=x.doc,
                                                  span=x.span))
            if r is not None:
                out.append(r)
    return out


def _literal(v, span):
    if isinstance(v, bool):
        return A.BoolLit(v, span=span)
    if isinstance(v, int):
        return A.IntLit(v, span=span) if v >= 0 else A.Unary("neg", A.IntLit(-v, span=span), span=span)
    return A.Name(str(v), span=span)


# ---------------------------------------------------------------- fairness groups


def fairness_groups(resolver, decls, actions: list) -> list[ir.Fairness]:
    names = [a.name for a in actions]
    out = []
    for x in decls:
        if not isinstance(x, FairGroup):
            continue
        chosen: list[str] = []
        for n, span in zip(x.actions, x.spans or (x.span,) * len(x.actions)):
            if n in names:
                chosen.append(n)
            elif any(a.startswith(n + ".") for a in names):      # a process: all its steps
                chosen += [a for a in names if a.startswith(n + ".")]
            elif n == "all":
                chosen += names
            else:
                resolver.d.error(span, f"`{n}` is not an action or a process of this spec")
        if chosen:
            unique = tuple(dict.fromkeys(chosen))
            out.append(ir.Fairness(x.kind, unique, 0, "steps of " + " or ".join(x.actions), span=x.span))
    return out


# ---------------------------------------------------------------- initial predicate


def initial_predicate(resolver, decls):
    """The conjunction of the ``init: e`` declarations (None when there is none)."""
    out = None
    for x in decls:
        if isinstance(x, InitDecl):
            e = resolver.t.expect(x.expr, Scope(), ir.BoolT, "an initial-state predicate")
            if e is not None:
                out = e if out is None else ir.Binary("and", out, e, ir.BOOL)
    return out


# ---------------------------------------------------------------- qualified enum members


def qualify_members(tree: A.SpecFile) -> A.SpecFile:
    """``Kind.Prepared`` (an enum's name, a dot, one of its members) is that
    member; needed where the member name is in several enums.  Rewritten to
    the name ``Kind::Prepared``, which the resolver knows (resolve._enum)."""
    enums = {x.name: set(x.members) for x in tree.decls if isinstance(x, A.EnumDecl)}
    if not enums:
        return tree

    def fn(x):
        if isinstance(x, A.Field) and isinstance(x.base, A.Name) and x.base.id in enums \
                and x.name in enums[x.base.id]:
            return A.Name(f"{x.base.id}::{x.name}", span=x.span)
        return x
    return dataclasses.replace(tree, decls=tuple(rewrite(d, fn) if not isinstance(d, A.EnumDecl) else d
                                                 for d in tree.decls))


# ---------------------------------------------------------------- init block


def init_block(resolver, decls, variables) -> tuple:
    """The statements of ``init { ... }`` (at most one), typed as an action body."""
    blocks = [x for x in decls if isinstance(x, InitBlock)]
    if not blocks:
        return ()
    for extra in blocks[1:]:
        resolver.d.error(extra.span, "a spec has at most one `init { }` block")
    body = StatementResolver(resolver).block(blocks[0].body, Scope())
    return body or ()
