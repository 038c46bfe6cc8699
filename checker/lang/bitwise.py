"""Bitwise functions on ranges, lowered to integer IR every engine implements:
``band(a, b)``, ``bor(a, b)``, ``bxor(a, b)`` (bit by bit over the operands'
width: ``sum of (if bit i of a ... then 2^i else 0)`` with ``bit i of a`` =
``(a / 2^i) % 2``), ``shl(a, k)`` = ``a * 2^k`` and ``shr(a, k)`` = ``a / 2^k``
(``k`` a constant).  The operands of band/bor/bxor must have a known,
non-negative range (a variable, a parameter, a field, a literal): the width
is that of the larger upper bound.  A bit of an operand with at most 256
values is a disjunction of equalities, otherwise ``(a / 2^i) % 2``.  They are functions, not operators: `|`
is the comprehension bar and `>>` closes `set<set<...>>`.
"""
from __future__ import annotations

from .. import ir
from .typerules import describe, fold

BITWISE = ("band", "bor", "bxor", "shl", "shr")
MAX_WIDTH = 32


def _lit(v: int) -> ir.Lit:
    return ir.Lit(v, ir.INT)


SMALL_RANGE = 256  # up to this many values, a bit is a disjunction of equalities (Z3 does far better than div/mod)


def _bit(a: ir.Expr, i: int, lo: int, hi: int) -> ir.Expr:
    """Bit i of ``a`` (in lo..hi), as 0 or 1."""
    if isinstance(a, ir.Lit):
        return _lit((a.value >> i) & 1)
    if hi - lo < SMALL_RANGE:
        ones = [v for v in range(lo, hi + 1) if (v >> i) & 1]
        if not ones:
            return _lit(0)
        cond: ir.Expr | None = None
        for v in ones:
            c = ir.Binary("eq", a, _lit(v), ir.BOOL)
            cond = c if cond is None else ir.Binary("or", cond, c, ir.BOOL)
        return ir.Ite(cond, _lit(1), _lit(0), ir.INT)
    x = a if i == 0 else ir.Binary("div", a, _lit(1 << i), ir.INT)
    return ir.Binary("mod", x, _lit(2), ir.INT)


def type_bitwise(typer, e, scope):
    """Generator (driven by the Typer's trampoline): the lowered expression."""
    d = typer.d
    if len(e.args) != 2:
        d.error(e.span, f"`{e.fn}` takes 2 arguments, not {len(e.args)}")
        return None
    args = []
    for a in e.args:
        args.append((yield (a, scope, None)))
    if any(a is None for a in args):
        return None
    for a, src in zip(args, e.args):
        if not isinstance(a.type, ir.IntT) or isinstance(a.type, ir.RecordT):
            d.error(src.span, f"`{e.fn}` needs integers, but this is {describe(a.type)}")
            return None
        if a.type.symmetric:
            d.error(src.span, f"`{e.fn}` would tell apart the interchangeable values of the symmetric type "
                              f"{a.type.symmetric}")
            return None
    a, b = (fold(x) for x in args)
    if e.fn in ("shl", "shr"):
        if not (isinstance(b, ir.Lit) and 0 <= b.value <= MAX_WIDTH):
            d.error(e.args[1].span, f"`{e.fn}`'s shift must be a constant in 0..{MAX_WIDTH}")
            return None
        op = "mul" if e.fn == "shl" else "div"
        return ir.Binary(op, a, _lit(1 << b.value), ir.INT, span=e.span)
    his, bounds = [], []
    for x, src in zip((a, b), e.args):
        if isinstance(x, ir.Lit):
            lo = hi = x.value
        elif isinstance(x.type, ir.IntT) and x.type.concrete:
            lo, hi = x.type.bounds()
        else:
            d.error(src.span, f"`{e.fn}` needs an operand with a known range (a variable, a parameter, a literal), "
                              f"but this is {describe(x.type)}", "bind it to a typed variable or parameter first")
            return None
        if lo < 0:
            d.error(src.span, f"`{e.fn}` works on non-negative integers, but this may be {lo}")
            return None
        his.append(hi)
        bounds.append((lo, hi))
    width = max(his).bit_length()
    if width > MAX_WIDTH:
        d.error(e.span, f"`{e.fn}` works on at most {MAX_WIDTH} bits")
        return None
    total: ir.Expr | None = None
    for i in range(width):
        x, y = _bit(a, i, *bounds[0]), _bit(b, i, *bounds[1])
        one_x = ir.Binary("eq", x, _lit(1), ir.BOOL)
        one_y = ir.Binary("eq", y, _lit(1), ir.BOOL)
        cond = {"band": ir.Binary("and", one_x, one_y, ir.BOOL), "bor": ir.Binary("or", one_x, one_y, ir.BOOL),
                "bxor": ir.Binary("ne", x, y, ir.BOOL)}[e.fn]
        term = ir.Ite(cond, _lit(1 << i), _lit(0), ir.INT)
        total = term if total is None else ir.Binary("add", total, term, ir.INT)
    t = ir.IntT(_lit(0), _lit((1 << width) - 1 if width else 0))
    if total is None:
        return ir.Lit(0, t, span=e.span)
    return ir.Binary(total.op, total.left, total.right, t, span=e.span) if isinstance(total, ir.Binary) \
        else ir.Ite(total.cond, total.then, total.else_, t, span=e.span)
