"""Evaluate a closed expression (literals and operators only) at load time.

Used for `where` clauses once their constants have values.  Iterative."""
from __future__ import annotations

from .. import ir

_ARITH = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
          "div": lambda a, b: a // b, "mod": lambda a, b: a % b}
_CMP = {"eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "lt": lambda a, b: a < b,
        "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
        "and": lambda a, b: a and b, "or": lambda a, b: a or b, "implies": lambda a, b: (not a) or b}


def evaluate_closed(e: ir.Expr):
    """The value of ``e``, or None if it is not closed or divides by zero."""
    values: dict[int, object] = {}
    stack: list[tuple[ir.Expr, bool]] = [(e, False)]
    while stack:
        x, done = stack.pop()
        if isinstance(x, ir.Lit):
            values[id(x)] = x.value
        elif isinstance(x, ir.Unary):
            if not done:
                stack += [(x, True), (x.arg, False)]
                continue
            a = values[id(x.arg)]
            values[id(x)] = (not a) if x.op == "not" else -a
        elif isinstance(x, ir.Binary) and (x.op in _ARITH or x.op in _CMP):
            if not done:
                stack += [(x, True), (x.left, False), (x.right, False)]
                continue
            a, b = values[id(x.left)], values[id(x.right)]
            if x.op in ("div", "mod") and b == 0:
                return None
            values[id(x)] = (_ARITH.get(x.op) or _CMP[x.op])(a, b)
        elif isinstance(x, ir.Ite):
            if not done:
                stack += [(x, True), (x.cond, False), (x.then, False), (x.else_, False)]
                continue
            values[id(x)] = values[id(x.then)] if values[id(x.cond)] else values[id(x.else_)]
        else:
            return None
    return values[id(e)]
