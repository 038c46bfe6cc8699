"""Sequence index removal and slicing, lowered to IR every engine implements:

* ``remove_at(q, i)``: q without its element i (0-based); an error when i
  is outside ``0..len(q)-1``;
* ``slice(q, a, b)``: the elements ``a .. b-1`` of q (half-open, as Python's
  ``q[a:b]``); an error unless ``0 <= a <= b <= len(q)``.

The result is an ``if`` over the result's length L (0..cap) choosing a
sequence literal of L elements, each an index into q guarded by that branch,
so the lowered expression has O(cap^2) nodes (capacities are small).  An
error is ``head`` of an empty sequence, the runtime error every engine
implements (typeok is violated at that step).
"""
from __future__ import annotations

from .. import ir
from .typerules import describe

SEQ_FUNCTIONS = ("remove_at", "slice")


def _lit(v: int) -> ir.Lit:
    return ir.Lit(v, ir.INT)


def _add(a: ir.Expr, k: int) -> ir.Expr:
    if k == 0:
        return a
    if isinstance(a, ir.Lit):
        return _lit(a.value + k)
    return ir.Binary("add", a, _lit(k), ir.INT)


def _error(t: ir.SeqT, span) -> ir.Expr:
    # head of an empty sequence of sequences: an error of the right type
    return ir.Call("head", (ir.SeqLit((), ir.SeqT(t, 1)),), t, span=span)


def _by_length(q: ir.Expr, length: ir.Expr, t: ir.SeqT, elem_at, span) -> ir.Expr:
    """``if length == 0 then [] else if length == 1 then [elem_at(0)] ...``."""
    out: ir.Expr = ir.SeqLit(tuple(elem_at(j) for j in range(t.cap)), t)
    for n in range(t.cap - 1, -1, -1):
        lit = ir.SeqLit(tuple(elem_at(j) for j in range(n)), t)
        out = ir.Ite(ir.Binary("eq", length, _lit(n), ir.BOOL), lit, out, t, span=span)
    return out


def type_seq_function(typer, e, scope):
    """Generator (driven by the Typer's trampoline): the lowered expression."""
    d = typer.d
    want = 2 if e.fn == "remove_at" else 3
    if len(e.args) != want:
        d.error(e.span, f"`{e.fn}` takes {want} arguments, not {len(e.args)}")
        return None
    args = []
    for a in e.args:
        args.append((yield (a, scope, None)))
    if any(a is None for a in args):
        return None
    q, *ints = args
    if not isinstance(q.type, ir.SeqT):
        d.error(e.args[0].span, f"`{e.fn}` needs a sequence, but this is {describe(q.type)}")
        return None
    for x, src in zip(ints, e.args[1:]):
        if not isinstance(x.type, ir.IntT) or isinstance(x.type, ir.RecordT):
            d.error(src.span, f"`{e.fn}` needs integer positions, but this is {describe(x.type)}")
            return None
    t = q.type
    n = ir.Call("len", (q,), ir.INT)
    if e.fn == "remove_at":
        (i,) = ints
        ok = ir.Binary("and", ir.Binary("le", _lit(0), i, ir.BOOL), ir.Binary("lt", i, n, ir.BOOL), ir.BOOL)

        def elem(j: int) -> ir.Expr:
            return ir.Ite(ir.Binary("lt", _lit(j), i, ir.BOOL), ir.Index(q, _lit(j), t.elem),
                          ir.Index(q, _lit(j + 1), t.elem), t.elem)
        body = _by_length(q, ir.Binary("sub", n, _lit(1), ir.INT), t, elem, e.span)
    else:
        a, b = ints
        ok = ir.Binary("and", ir.Binary("and", ir.Binary("le", _lit(0), a, ir.BOOL),
                                        ir.Binary("le", a, b, ir.BOOL), ir.BOOL),
                       ir.Binary("le", b, n, ir.BOOL), ir.BOOL)
        body = _by_length(q, ir.Binary("sub", b, a, ir.INT), t,
                          lambda j: ir.Index(q, _add(a, j), t.elem), e.span)
    return ir.Ite(ok, body, _error(t, e.span), t, span=e.span)
