"""Tiny helpers to build checker.ir specs by hand in tests."""
from __future__ import annotations

from checker import ir
from checker.ir import BOOL, INT, Span


def sp(line: int) -> Span:
    return Span("<test>", line, 1)


def rng(lo: int, hi: int) -> ir.IntT:
    return ir.IntT(ir.Lit(lo, INT), ir.Lit(hi, INT))


def lit(v, t=None):
    if t is None:
        t = BOOL if isinstance(v, bool) else INT
    return ir.Lit(v, t)


def var(name, t):
    return ir.Var(name, t)


def loc(name, t):
    return ir.Local(name, t)


def b(op, left, right, t=None, line=None):
    if t is None:
        t = INT if op in ir.ARITH_OPS else BOOL
    return ir.Binary(op, left, right, t, span=sp(line) if line else None)


def add(a, c):
    return b("add", a, c)


def eq(a, c):
    return b("eq", a, c)


def ne(a, c):
    return b("ne", a, c)


def lt(a, c):
    return b("lt", a, c)


def le(a, c):
    return b("le", a, c)


def and_(a, c):
    return b("and", a, c)


def not_(a):
    return ir.Unary("not", a, BOOL)


def call(fn, args, t, line=None):
    return ir.Call(fn, tuple(args), t, span=sp(line) if line else None)


def req(c, line=None):
    return ir.Require(c, span=sp(line) if line else None)


def assign(name, e, line=None):
    return ir.Assign(name, e, span=sp(line) if line else None)


def either(*branches):
    return ir.Either(tuple(tuple(br) for br in branches))


def if_(c, then, else_=()):
    return ir.If(c, tuple(then), tuple(else_))


def action(name, body, params=()):
    return ir.Action(name, tuple(ir.Param(n, t) for n, t in params), tuple(body))


def vdecl(name, t, init, choice=False, line=None):
    return ir.VarDecl(name, t, init, init_choice=choice, span=sp(line) if line else None)


def inv(name, e):
    return ir.Invariant(name, e)


def spec(vars, actions, invariants=(), enums=(), consts=(), name="t"):
    return ir.Spec(name, tuple(consts), tuple(enums), tuple(vars), tuple(actions),
                   tuple(invariants))
