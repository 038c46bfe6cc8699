"""Syntax tree of a spec, as written: names unresolved, types unchecked.

Frozen dataclasses; the source ``span`` is kept out of equality (as in
mypyvy), so two trees parsed from differently laid-out text compare equal.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from ..ir import Span


def _span() -> Span:
    return field(default=None, compare=False, repr=False, kw_only=True)  # type: ignore[return-value]


# ---------------------------------------------------------------- expressions

@dataclass(frozen=True)
class IntLit:
    value: int
    span: Span = _span()


@dataclass(frozen=True)
class BoolLit:
    value: bool
    span: Span = _span()


@dataclass(frozen=True)
class Name:
    id: str
    span: Span = _span()


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple["Expr", ...]
    span: Span = _span()


@dataclass(frozen=True)
class SetLit:
    elems: tuple["Expr", ...]
    span: Span = _span()


@dataclass(frozen=True)
class SeqLit:
    elems: tuple["Expr", ...]
    span: Span = _span()


@dataclass(frozen=True)
class MapBuild:
    var: str
    domain: "Expr"
    body: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Index:
    base: "Expr"
    key: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Unary:
    op: str  # "not" | "neg"
    arg: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Binary:
    op: str  # ir op names, plus "not_in" and "minus"
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Ite:
    cond: "Expr"
    then: "Expr"
    else_: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Quant:
    kind: str
    var: str
    domain: "Expr"
    body: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class RangeSet:
    """``lo..hi`` where a set or a domain is expected."""

    lo: "Expr"
    hi: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Field:
    """``proc[i].name`` / ``proc.name``: a process instance's local variable or ``pc``."""

    base: "Expr"
    name: str
    span: Span = _span()


Expr = Union[Field, IntLit, BoolLit, Name, Call, SetLit, SeqLit, MapBuild, Index, Unary, Binary, Ite, Quant, RangeSet]


# ---------------------------------------------------------------- types

@dataclass(frozen=True)
class BoolType:
    span: Span = _span()


@dataclass(frozen=True)
class IntType:
    span: Span = _span()


@dataclass(frozen=True)
class NamedType:
    name: str
    span: Span = _span()


@dataclass(frozen=True)
class RangeType:
    lo: Expr
    hi: Expr
    span: Span = _span()


@dataclass(frozen=True)
class SetType:
    elem: "TypeExpr"
    span: Span = _span()


@dataclass(frozen=True)
class MapType:
    key: "TypeExpr"
    value: "TypeExpr"
    span: Span = _span()


@dataclass(frozen=True)
class SeqType:
    elem: "TypeExpr"
    cap: Expr
    span: Span = _span()


TypeExpr = Union[BoolType, IntType, NamedType, RangeType, SetType, MapType, SeqType]


# ---------------------------------------------------------------- statements

@dataclass(frozen=True)
class LValue:
    name: str
    indices: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Require:
    cond: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Assign:
    target: LValue
    value: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Method:
    """``target.method(args)``: add/remove on sets, push/pop on sequences."""

    target: LValue
    method: str
    args: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Let:
    name: str
    value: Expr
    span: Span = _span()


@dataclass(frozen=True)
class If:
    cond: Expr
    then: tuple["Stmt", ...]
    else_: tuple["Stmt", ...]
    span: Span = _span()


@dataclass(frozen=True)
class Either:
    branches: tuple[tuple["Stmt", ...], ...]
    span: Span = _span()


@dataclass(frozen=True)
class For:
    var: str
    domain: Expr
    body: tuple["Stmt", ...]
    span: Span = _span()


@dataclass(frozen=True)
class Await:
    """Inside a process step: the step can run only when ``cond`` holds."""

    cond: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Goto:
    """Inside a process step: the next step of this process is ``label``."""

    label: str
    span: Span = _span()


Stmt = Union[Require, Assign, Method, Let, If, Either, For, Await, Goto]


# ---------------------------------------------------------------- declarations
# A declaration's span is the span of its name.

@dataclass(frozen=True)
class ConstDecl:
    name: str
    type: TypeExpr
    where: Expr | None
    default: Expr | None
    doc: str = ""
    span: Span = _span()


@dataclass(frozen=True)
class EnumDecl:
    name: str
    members: tuple[str, ...]
    member_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    doc: str = ""
    span: Span = _span()


@dataclass(frozen=True)
class TypeDecl:
    name: str
    type: TypeExpr
    doc: str = ""
    span: Span = _span()
    symmetric: bool = False  # `symmetric type`: its values are interchangeable


@dataclass(frozen=True)
class VarDecl:
    name: str
    type: TypeExpr
    init: Expr
    choice: bool
    doc: str = ""
    span: Span = _span()


@dataclass(frozen=True)
class Param:
    name: str
    type: TypeExpr
    span: Span = _span()


@dataclass(frozen=True)
class ActionDecl:
    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    doc: str = ""
    fairness: str | None = None  # "weak" | "strong"
    span: Span = _span()


@dataclass(frozen=True)
class ProcVar:
    name: str
    type: TypeExpr
    init: Expr
    span: Span = _span()


@dataclass(frozen=True)
class ProcStep:
    label: str
    body: tuple[Stmt, ...]
    span: Span = _span()


@dataclass(frozen=True)
class ProcLoop:
    items: tuple["ProcItem", ...]
    span: Span = _span()


ProcItem = Union[ProcVar, ProcStep, ProcLoop]


@dataclass(frozen=True)
class ProcessDecl:
    name: str
    params: tuple[Param, ...]
    items: tuple[ProcItem, ...]
    doc: str = ""
    fairness: str | None = None
    span: Span = _span()


@dataclass(frozen=True)
class PropertyDecl:
    """A temporal property; ``kind`` is one of ir.TEMPORAL_KINDS."""

    name: str
    kind: str
    p: Expr
    q: Expr | None = None
    doc: str = ""
    span: Span = _span()


@dataclass(frozen=True)
class ReachableDecl:
    name: str
    expr: Expr
    doc: str = ""
    span: Span = _span()


@dataclass(frozen=True)
class InvariantDecl:
    name: str
    expr: Expr
    doc: str = ""
    span: Span = _span()


@dataclass(frozen=True)
class TerminalDecl:
    """``terminal NAME: expr``: a state where ``expr`` holds and no action can
    take a step is an intended end (termination), not a deadlock."""

    name: str
    expr: Expr
    doc: str = ""
    span: Span = _span()


Decl = Union[ConstDecl, EnumDecl, TypeDecl, VarDecl, ActionDecl, InvariantDecl, ProcessDecl, PropertyDecl,
             ReachableDecl, TerminalDecl]


@dataclass(frozen=True)
class SpecFile:
    name: str
    decls: tuple[Decl, ...]
    doc: str = ""
    span: Span = _span()
