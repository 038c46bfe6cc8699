"""Set comprehensions and ``choose``, lowered to existing IR over a finite domain.

* ``{ x in S | p }`` is the union, over every value d of S's element type
  (in domain order), of ``if d in S and p[d/x] then {d} else {}``;
* ``{ e | x in S }`` the union of ``if d in S then {e[d/x]} else {}`` (an
  element outside the result's element type is a runtime error, as for
  ``set_add``);
* ``choose x in S: p`` is TLA+'s CHOOSE made deterministic: the *least*
  value d of S's element type, in the type's fixed order (ranges ascending,
  enums in declaration order, bools false first, records by their fields
  lexicographically in declaration order), with ``d in S and p[d/x]``.  When
  no value qualifies it is a runtime error: the step (or invariant) errs and
  typeok is violated; the engines word that error as ``head`` of an empty
  sequence, at the line of the ``choose``.

The size of the lowered expression grows with the element type's domain
(one term per value), so these suit the small domains model checking uses.
"""
from __future__ import annotations

from .. import ir
from . import records_ast as R
from .defs import substitute
from .packed_types import value_type
from .typerules import compatible, describe, finite_scalar_problem

MAX_COMPREHENSION_DOMAIN = 10_000  # terms of one lowered comprehension / choose


class ComprehensionTyping:
    """Mixed into exprs.Typer."""

    def _comprehension_domain(self, var: str, domain, scope, span):
        dom = self.domain(domain, scope)
        if dom is None:
            return None
        t, set_expr = dom
        problem = finite_scalar_problem(t)
        if problem:
            self.d.error(domain.span, problem)
            return None
        values = ir.domain_values(t)
        if len(values) > MAX_COMPREHENSION_DOMAIN:
            self.d.error(span, f"this ranges over {len(values):,} values; a comprehension or `choose` may range "
                               f"over at most {MAX_COMPREHENSION_DOMAIN:,}")
            return None
        return t, set_expr, values

    def _SetComp(self, e: R.SetComp, scope, expected):
        dom = self._comprehension_domain(e.var, e.domain, scope, e.span)
        if dom is None:
            return None
        t, set_expr, values = dom
        inner = scope.with_local(e.var, t)
        if e.elem is None:  # filter
            cond = yield (e.cond, inner, ir.BOOL)
            if cond is None:
                return None
            if not isinstance(cond.type, ir.BoolT):
                self.d.error(e.cond.span, f"a filter's condition must be a bool, but this is {describe(cond.type)}")
                return None
            rt = ir.SetT(t)
            terms = []
            for v in values:
                lit = ir.Lit(v, t)
                c = substitute(cond, {e.var: lit})
                if set_expr is not None:
                    c = ir.Binary("and", ir.Binary("in", lit, set_expr, ir.BOOL), c, ir.BOOL)
                terms.append(ir.Ite(c, ir.SetLit((lit,), rt), ir.SetLit((), rt), rt))
            return _union(terms, rt, e.span)
        want = expected.elem if isinstance(expected, ir.SetT) else None
        elem = yield (e.elem, inner, want)
        if elem is None:
            return None
        et = want if want is not None else elem.type
        if isinstance(et, (ir.SetT, ir.SeqT)):  # `{ b.voters | b in S }`: a set of sets, its elements packed (records_sets.py)
            et = value_type(self.d, et, e.elem.span)
            if et is None:
                return None
        elem = self.coerce(elem, et)
        if isinstance(et, ir.IntT) and not et.bounded:
            self.d.error(e.elem.span, "the elements of this set have no finite range",
                         "compare it with, or assign it to, a set of a declared type")
            return None
        problem = finite_scalar_problem(et)
        if problem:
            self.d.error(e.elem.span, f"a set's elements must be a finite scalar type: {problem}")
            return None
        if not compatible(elem.type, et):
            self.d.error(e.elem.span, f"a set of {et} cannot hold {describe(elem.type)}")
            return None
        rt = ir.SetT(et)
        empty = ir.SetLit((), rt)
        terms = []
        for v in values:
            lit = ir.Lit(v, t)
            one = ir.Call("set_add", (empty, substitute(elem, {e.var: lit})), rt, span=e.span)
            terms.append(one if set_expr is None else
                         ir.Ite(ir.Binary("in", lit, set_expr, ir.BOOL), one, empty, rt))
        return _union(terms, rt, e.span)

    def _Choose(self, e: R.Choose, scope, expected):
        dom = self._comprehension_domain(e.var, e.domain, scope, e.span)
        if dom is None:
            return None
        t, set_expr, values = dom
        from .symmetry import symmetric_names
        if symmetric_names(t):
            # the least value would tell interchangeable values apart: unsound under symmetry reduction
            name = next(iter(symmetric_names(t)))
            self.d.error(e.span, f"`choose` picks the least value in the type's order, but the values of the "
                                 f"symmetric type {name} are interchangeable and have no order",
                         "use a parameter (`action a(x in S)`) or `exists x in S: ...`, or drop `symmetric`")
            return None
        cond = yield (e.body, scope.with_local(e.var, t), ir.BOOL)
        if cond is None:
            return None
        if not isinstance(cond.type, ir.BoolT):
            self.d.error(e.body.span, f"`choose`'s condition must be a bool, but this is {describe(cond.type)}")
            return None
        # none qualifies: head of an empty sequence, the runtime error every engine implements
        out: ir.Expr = ir.Call("head", (ir.SeqLit((), ir.SeqT(t, 1)),), t, span=e.span)
        for v in reversed(values):
            lit = ir.Lit(v, t)
            c = substitute(cond, {e.var: lit})
            if set_expr is not None:
                c = ir.Binary("and", ir.Binary("in", lit, set_expr, ir.BOOL), c, ir.BOOL)
            out = ir.Ite(c, lit, out, t, span=e.span)
        return out


def _union(terms, rt: ir.SetT, span) -> ir.Expr:
    if not terms:
        return ir.SetLit((), rt, span=span)
    out = terms[0]
    for x in terms[1:]:
        out = ir.Binary("union", out, x, rt, span=span)
    return out


SEQ_INDEX = "$i"  # the lowered quantifier's variable: not a spec identifier, so never captures one


def seq_contains(typer, elem: ir.Expr, seq: ir.Expr, e) -> ir.Expr | None:
    """``x in q`` for a sequence: ``exists i in 0..cap-1: i < len(q) and q[i] == x``."""
    st = seq.type
    if not compatible(elem.type, st.elem):
        typer.d.error(e.span, f"{describe(elem.type)} can never be in a {st}")
        return None
    if st.cap == 0:
        return ir.Lit(False, ir.BOOL, span=e.span)
    it = ir.IntT(ir.Lit(0, ir.INT), ir.Lit(st.cap - 1, ir.INT))
    i = ir.Local(SEQ_INDEX, it)
    body = ir.Binary("and", ir.Binary("lt", i, ir.Call("len", (seq,), ir.INT), ir.BOOL),
                     ir.Binary("eq", ir.Index(seq, i, st.elem), elem, ir.BOOL), ir.BOOL)
    return ir.Quant("exists", SEQ_INDEX, it, body, span=e.span)
