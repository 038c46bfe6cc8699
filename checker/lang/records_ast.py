"""Syntax tree nodes for records, tuples, comprehensions, ``choose`` and
``def`` (the rest of the tree is in ast.py; these are kept apart so the two
grow independently).  Spans are kept out of equality, as in ast.py."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..ir import Span


def _span() -> Span:
    return field(default=None, compare=False, repr=False, kw_only=True)  # type: ignore[return-value]


# ---------------------------------------------------------------- types

@dataclass(frozen=True)
class RecordType:
    """``{ kind: Kind, rm: RM }``"""

    fields: tuple  # ((name, TypeExpr), ...)
    name_spans: tuple = field(default=(), compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True)
class TupleType:
    """``(Kind, 0..3, Node)``"""

    elems: tuple
    span: Span = _span()


# ---------------------------------------------------------------- expressions

@dataclass(frozen=True)
class RecordLit:
    """``{ kind: Prepared, rm: r }``"""

    fields: tuple  # ((name, Expr), ...)
    name_spans: tuple = field(default=(), compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True)
class TupleLit:
    elems: tuple
    span: Span = _span()


@dataclass(frozen=True)
class With:
    """``base with { rm: 2 }``"""

    base: object
    fields: tuple  # ((name, Expr), ...)
    name_spans: tuple = field(default=(), compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True)
class TupleGet:
    """``t.0``"""

    base: object
    index: int
    span: Span = _span()


@dataclass(frozen=True)
class SetComp:
    """``{ x in S | p }`` (filter: ``elem`` is None) or ``{ e | x in S }`` (map)."""

    var: str
    domain: object
    cond: object | None  # the filter's predicate
    elem: object | None  # the map's element expression
    span: Span = _span()


@dataclass(frozen=True)
class Choose:
    """``choose x in S: p``: the first element of S, in the type's order, satisfying p."""

    var: str
    domain: object
    body: object
    span: Span = _span()


# ---------------------------------------------------------------- statements and declarations

@dataclass(frozen=True)
class LetTuple:
    """``let (a, b) = t``"""

    names: tuple
    value: object
    span: Span = _span()


@dataclass(frozen=True)
class ParamIn:
    """``m in msgs`` as an action parameter: a state-dependent domain."""

    name: str
    domain: object
    span: Span = _span()


@dataclass(frozen=True)
class DefDecl:
    """``def quorum(s: set<Node>): bool = 2 * size(s) > N`` / ``def ready = x == 1``."""

    name: str
    params: tuple  # ast.Param
    result: object | None  # TypeExpr, or None: the body's type
    body: object
    doc: str = ""
    span: Span = _span()
