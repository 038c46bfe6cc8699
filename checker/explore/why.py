"""Why a binding is disabled: the ``require`` statements that fail.

The reference interpreter (``checker.interp``) runs the action body; every
``require`` whose condition is false on some branch is recorded with the
values of its comparison's operands.  A binding is disabled exactly when
every branch ends at a false ``require``, so the list is never empty for one.
"""
from __future__ import annotations

from .. import ir
from ..interp import Runner
from ..evaluate import EvalError, evaluate

_SYMBOL = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "in",
           "subset": "subset"}


class _WhyRunner(Runner):
    def __init__(self, spec: ir.Spec):
        super().__init__(spec)
        self.failed: list[tuple] = []

    def stmt(self, st, state, env):
        if isinstance(st, ir.Require):
            try:
                ok = self.ev(st.cond, state, env)
            except EvalError:
                return super().stmt(st, state, env)
            if not ok:
                self.failed.append((st, dict(state), dict(env)))
                return []
        return super().stmt(st, state, env)


def _operands(runner: _WhyRunner, cond: ir.Expr, state: dict, env: dict) -> str:
    """``Open != Open`` for ``phase != Open``: the values a false comparison saw."""
    parts = cond
    if isinstance(parts, ir.Binary) and parts.op == "and":
        # the first false conjunct is the one to show
        for side in (parts.left, parts.right):
            try:
                if not evaluate(side, state, env, runner.consts):
                    return _operands(runner, side, state, env)
            except EvalError:
                return ""
        return ""
    if isinstance(parts, ir.Binary) and parts.op in _SYMBOL:
        try:
            a = evaluate(parts.left, state, env, runner.consts)
            b = evaluate(parts.right, state, env, runner.consts)
        except EvalError:
            return ""
        return f"{ir.show_expr(parts)}: {ir.show_value(a)} {_SYMBOL[parts.op]} {ir.show_value(b)} is false"
    return f"{ir.show_expr(parts)} is false"


def failing_requires(spec: ir.Spec, action: ir.Action, args: tuple, state: dict) -> list[tuple]:
    """[(line or None, "require COND", "why")], one per distinct failing require."""
    runner = _WhyRunner(spec)
    env = {p.name: a for p, a in zip(action.params, args)}
    runner.block(action.body, dict(state), env)
    out: list[tuple] = []
    seen: set = set()
    for st, s, e in runner.failed:
        key = id(st)
        if key in seen:
            continue
        seen.add(key)
        line = st.span.line if st.span else None
        out.append((line, f"require {ir.show_expr(st.cond)}", _operands(runner, st.cond, s, e)))
    return out
