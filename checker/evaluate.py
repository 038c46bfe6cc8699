"""A small reference evaluator of IR expressions over canonical values.

Reporters use it to explain a broken invariant in the last state of a trace
(which parts are true, which false) without running an engine.  It is a plain
tree walker -- not a hot loop -- with a depth guard, so a hostile expression
gives an :class:`EvalError`, never a RecursionError.

Semantics are those documented in ``checker.ir`` (short-circuit logic,
division rounding toward negative infinity, runtime errors).
"""
from __future__ import annotations

from typing import Any, Mapping

from . import ir

MAX_DEPTH = 400


class EvalError(Exception):
    """A runtime error of the spec semantics (or an expression we cannot evaluate)."""


class EvalLimit(EvalError):
    """The evaluator's own limit was reached (an expression nested deeper than
    MAX_DEPTH, e.g. a comprehension over a large record type): not an error
    of the spec, so a check that meets it cannot conclude."""


def evaluate(e: ir.Expr, state: Mapping[str, Any], env: Mapping[str, Any] | None = None,
             consts: Mapping[str, int] | None = None) -> Any:
    """The value of ``e`` in ``state`` (variables), ``env`` (locals) and ``consts``."""
    return _Eval(state, consts or {}).ev(e, dict(env or {}), 0)


class _Eval:
    def __init__(self, state: Mapping[str, Any], consts: Mapping[str, int]):
        self.state = state
        self.consts = consts

    def ev(self, e: ir.Expr, env: dict, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise EvalLimit("expression nested too deeply to evaluate")
        d = depth + 1
        if isinstance(e, ir.Lit):
            return e.value
        if isinstance(e, ir.Var):
            try:
                return self.state[e.name]
            except KeyError:
                raise EvalError(f"variable {e.name} is not in the state") from None
        if isinstance(e, ir.Local):
            try:
                return env[e.name]
            except KeyError:
                raise EvalError(f"{e.name} is not bound") from None
        if isinstance(e, ir.Const):
            if e.name in self.consts:
                return self.consts[e.name]
            raise EvalError(f"the constant {e.name} has no value")
        if isinstance(e, ir.Unary):
            v = self.ev(e.arg, env, d)
            return (not v) if e.op == "not" else -v
        if isinstance(e, ir.Binary):
            return self.binary(e, env, d)
        if isinstance(e, ir.Ite):
            return self.ev(e.then if self.ev(e.cond, env, d) else e.else_, env, d)
        if isinstance(e, ir.Quant):
            for x in _domain(e.domain):
                env2 = dict(env)
                env2[e.var] = x
                v = self.ev(e.body, env2, d)
                if e.kind == "forall" and not v:
                    return False
                if e.kind == "exists" and v:
                    return True
            return e.kind == "forall"
        if isinstance(e, ir.SetLit):
            return frozenset(self.ev(x, env, d) for x in e.elems)
        if isinstance(e, ir.SeqLit):
            return tuple(self.ev(x, env, d) for x in e.elems)
        if isinstance(e, ir.MapBuild):
            out = []
            for k in _domain(e.type.key):
                env2 = dict(env)
                env2[e.var] = k
                out.append(self.ev(e.body, env2, d))
            return tuple(out)
        if isinstance(e, ir.Index):
            base = self.ev(e.base, env, d)
            key = self.ev(e.key, env, d)
            return index(e.base.type, base, key)
        if isinstance(e, ir.Call):
            return self.call(e, env, d)
        raise EvalError(f"cannot evaluate {type(e).__name__}")

    def binary(self, e: ir.Binary, env: dict, d: int) -> Any:
        op = e.op
        if op == "and":
            return bool(self.ev(e.left, env, d)) and bool(self.ev(e.right, env, d))
        if op == "or":
            return bool(self.ev(e.left, env, d)) or bool(self.ev(e.right, env, d))
        if op == "implies":
            return (not self.ev(e.left, env, d)) or bool(self.ev(e.right, env, d))
        a = self.ev(e.left, env, d)
        b = self.ev(e.right, env, d)
        if op == "add":
            return a + b
        if op == "sub":
            return a - b
        if op == "mul":
            return a * b
        if op in ("div", "mod"):
            if b == 0:
                raise EvalError(f"{'division' if op == 'div' else 'modulo'} by zero")
            return a // b if op == "div" else a % b
        if op == "eq":
            return a == b
        if op == "ne":
            return a != b
        if op == "lt":
            return a < b
        if op == "le":
            return a <= b
        if op == "gt":
            return a > b
        if op == "ge":
            return a >= b
        if op == "in":
            return a in b
        if op == "union":
            return frozenset(a) | frozenset(b)
        if op == "inter":
            return frozenset(a) & frozenset(b)
        if op == "diff":
            return frozenset(a) - frozenset(b)
        if op == "subset":
            return frozenset(a) <= frozenset(b)
        raise EvalError(f"unknown operator {op}")

    def call(self, e: ir.Call, env: dict, d: int) -> Any:
        args = [self.ev(a, env, d) for a in e.args]
        fn = e.fn
        if fn == "size":
            return len(args[0])
        if fn == "len":
            return len(args[0])
        if fn in ("head", "tail"):
            if not args[0]:
                raise EvalError(f"{fn} of an empty sequence")
            return args[0][0] if fn == "head" else tuple(args[0][1:])
        if fn == "push":
            t = e.args[0].type
            cap = t.cap if isinstance(t, ir.SeqT) else None
            if cap is not None and len(args[0]) >= cap:
                raise EvalError(f"push onto a full sequence (capacity {cap})")
            return tuple(args[0]) + (args[1],)
        if fn in ("set_add", "set_remove"):
            t = e.args[0].type
            if isinstance(t, ir.SetT) and not _contains(t.elem, args[1]):
                raise EvalError(f"{ir.show_value(args[1])} is outside the set's element type {t.elem}")
            s = frozenset(args[0])
            return s | {args[1]} if fn == "set_add" else s - {args[1]}
        if fn == "map_update":
            t = e.args[0].type
            keys = _domain(t.key) if isinstance(t, ir.MapT) else ()
            if args[1] not in keys:
                raise EvalError(f"key {ir.show_value(args[1])} is outside the map's key type")
            i = keys.index(args[1])
            m = list(args[0])
            m[i] = args[2]
            return tuple(m)
        if fn == "seq_update":
            s = list(args[0])
            i = args[1]
            if not (isinstance(i, int) and 0 <= i < len(s)):
                raise EvalError(f"index {ir.show_value(i)} is outside 0..{len(s) - 1}")
            s[i] = args[2]
            return tuple(s)
        if fn == "min":
            return min(args)
        if fn == "max":
            return max(args)
        raise EvalError(f"unknown function {fn}")


def index(t: ir.Type, base: Any, key: Any) -> Any:
    if isinstance(t, ir.MapT):
        keys = _domain(t.key)
        if key not in keys or isinstance(key, bool) != isinstance(keys[0], bool):
            raise EvalError(f"key {ir.show_value(key)} is outside the map's key type {t.key}")
        return base[keys.index(key)]
    if not (isinstance(key, int) and 0 <= key < len(base)):
        raise EvalError(f"index {ir.show_value(key)} is outside 0..{len(base) - 1}")
    return base[key]


def _domain(t: ir.Type) -> tuple:
    try:
        return ir.domain_values(t)
    except ir.SymbolicBound as e:
        raise EvalError(str(e)) from None


def _contains(t: ir.Type, v: Any) -> bool:
    try:
        return ir.contains(t, v)
    except ir.SymbolicBound:
        return True


# ---------------------------------------------------------------- explaining


LOGIC = ("and", "or", "implies")
COMPARE = ir.COMPARE_OPS + ("in", "subset")


def explain(e: ir.Expr, state: Mapping[str, Any], consts: Mapping[str, int] | None = None,
            show=None, limit: int = 16, text=None) -> list[tuple[int, str, str]]:
    """The parts of a boolean expression and their values in ``state``.

    Walks the logical skeleton (``and``/``or``/``=>``/``not``) below ``e``
    and returns ``(indent, expression text, value text)`` for each part,
    pre-order, at most ``limit`` rows.  Comparisons carry the values of their
    operands (``failures < 3`` -> ``false  (3 < 3)``); a false ``forall``
    names the value that breaks it.
    """
    show = show or ir.show_value
    text = text or ir.show_expr  # how an expression is printed (record_args.shown_expr: as written)
    ev = _Eval(state, consts or {})
    rows: list[tuple[int, str, str]] = []
    if not ((isinstance(e, ir.Binary) and e.op in LOGIC) or (isinstance(e, ir.Unary) and e.op == "not")):
        # not a logical combination: the expression itself, with its operands' values
        return [(0, text(e), _value_text(ev, e, show))]
    stack: list[tuple[ir.Expr, int]] = [(e, 0)]
    while stack and len(rows) < limit:
        x, level = stack.pop()
        if level > 0:
            rows.append((level - 1, text(x), _value_text(ev, x, show)))
        children: list[ir.Expr] = []
        if isinstance(x, ir.Binary) and x.op in LOGIC:
            children = [x.left, x.right]
        elif isinstance(x, ir.Unary) and x.op == "not":
            children = [x.arg]
        if level >= 4:
            continue
        for c in reversed(children):
            stack.append((c, level + 1))
    return rows


def _value_text(ev: _Eval, x: ir.Expr, show) -> str:
    try:
        v = ev.ev(x, {}, 0)
    except EvalError as err:
        return f"error: {err}"
    if show is ir.show_value:  # records and tuples by field (ir.RecordT)
        show = _TypedShow()
    elif not isinstance(show, _TypedShow):
        show = (lambda f: lambda v, t=None: f(v))(show)
    text = show(v, x.type)
    try:
        if isinstance(x, ir.Binary) and x.op in COMPARE and not (
                _is_lit(x.left) and _is_lit(x.right)):
            a = show(ev.ev(x.left, {}, 0), x.left.type)
            b = show(ev.ev(x.right, {}, 0), x.right.type)
            sym = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
                   "in": "in", "subset": "subset"}[x.op]
            text += f"  ({a} {sym} {b})"
        elif isinstance(x, ir.Quant):
            for val in _domain(x.domain):
                b = ev.ev(x.body, {x.var: val}, 0)
                if (x.kind == "forall" and not b) or (x.kind == "exists" and b):
                    text += f"  ({'fails' if x.kind == 'forall' else 'holds'} for {x.var} = {show(val, x.domain)})"
                    break
    except EvalError:
        pass
    return text


class _TypedShow:
    def __call__(self, v, t=None) -> str:
        return ir.show_typed_value(v, t) if t is not None else ir.show_value(v)


def _is_lit(x: ir.Expr) -> bool:
    return isinstance(x, ir.Lit)
