"""What the state page shows, as plain data for the templates: each
variable's value as a tree (sets as lists of members, sequences and maps as
tables) with what the last step changed marked down to the nested entry,
every invariant's value, and the path as swimlanes.

The templates escape every string (Jinja2 autoescape); nothing here builds HTML.
"""
from __future__ import annotations

from typing import Any, Optional

from .. import ir
from ..docs.diagrams import actor_types, participant
from ..evaluate import EvalError, evaluate, explain

_MISSING = object()


def value_view(v: Any, t: ir.Type, old: Any = _MISSING) -> dict:
    """{"kind": "scalar"|"set"|"table", ...}; ``changed`` marks what differs
    from ``old`` (``_MISSING``: nothing to compare with, nothing marked)."""
    if isinstance(t, ir.SetT) and isinstance(v, frozenset):
        return _set_view(v, old)
    if isinstance(t, ir.MapT) and isinstance(v, tuple):
        return _map_view(v, t, old)
    if isinstance(t, ir.SeqT) and isinstance(v, tuple):
        return _seq_view(v, t, old)
    return {"kind": "scalar", "text": ir.show_value(v), "changed": old is not _MISSING and v != old}


def _set_view(v: frozenset, old: Any) -> dict:
    """the members of v and of old, each marked added, removed or neither"""
    compare = old is not _MISSING
    before = old if compare and isinstance(old, frozenset) else frozenset(v)
    members = sorted(v | before, key=_order)
    items = [{"text": ir.show_value(x),
              "status": "added" if x not in before else "removed" if x not in v else ""}
             for x in members]
    return {"kind": "set", "members": items, "changed": compare and v != old}


def _entry_before(old: Any, i: int) -> Any:
    """entry i of the old map or sequence (``_MISSING`` when there is none)"""
    return old[i] if isinstance(old, tuple) and i < len(old) else _MISSING


def _map_view(v: tuple, t: ir.MapT, old: Any) -> dict:
    compare = old is not _MISSING
    try:
        keys = list(ir.domain_values(t.key))
    except (ir.SymbolicBound, TypeError):
        keys = list(range(len(v)))
    rows = []
    for i, (k, x) in enumerate(zip(keys, v)):
        o = _entry_before(old, i)
        rows.append({"key": ir.show_value(k), "value": value_view(x, t.value, o),
                     "changed": compare and o != x})
    return {"kind": "table", "head": ("key", "value"), "rows": rows, "changed": compare and v != old}


def _seq_view(v: tuple, t: ir.SeqT, old: Any) -> dict:
    """the elements as a table; ``removed``: how many elements the old value had more"""
    compare = old is not _MISSING
    rows = []
    n_old = len(old) if compare and isinstance(old, tuple) else len(v)
    for i, x in enumerate(v):
        o = _entry_before(old, i)
        rows.append({"key": str(i), "value": value_view(x, t.elem, o),
                     "changed": compare and (o is _MISSING or o != x)})
    removed = max(0, n_old - len(v)) if compare else 0
    return {"kind": "table", "head": ("#", "value"), "rows": rows, "changed": compare and v != old,
            "removed": removed, "empty": not v}


def _order(x: Any):
    return (0, int(x), "") if isinstance(x, bool) else (1, x, "") if isinstance(x, int) else (2, 0, str(x))


def variables(spec: ir.Spec, state: dict, previous: Optional[dict]) -> list[dict]:
    out = []
    for v in spec.vars:
        old = previous[v.name] if previous is not None else _MISSING
        view = value_view(state[v.name], v.type, old)
        out.append({"name": v.name, "type": str(v.type), "view": view, "changed": view["changed"]})
    return out


def invariants(spec: ir.Spec, state: dict) -> list[dict]:
    """Every invariant's value here; a false one with its parts' values."""
    consts = spec.const_values()
    out = []
    for inv in spec.invariants:
        try:
            ok = bool(evaluate(inv.expr, state, {}, consts))
            value = "true" if ok else "false"
        except EvalError as e:
            ok, value = False, f"error: {e}"
        rows = [] if ok else explain(inv.expr, state, consts)
        out.append({"name": inv.name, "holds": ok, "value": value, "text": ir.show_expr(inv.expr),
                    "line": inv.span.line if inv.span else None, "explain": rows})
    return out


def swimlanes(spec: ir.Spec, labels: list[tuple[Optional[str], tuple, str]]) -> Optional[dict]:
    """The path as a sequence diagram: one column per participant (process
    instance, or the first argument of an action over a named type, or env),
    one row per step.  None when every step is the environment's."""
    who = actor_types(spec)
    lanes: list[str] = []
    rows = []
    for i, (action, args, label) in enumerate(labels, start=1):
        p = participant(action, args, who)
        if p not in lanes:
            lanes.append(p)
        rows.append((i, p, label))
    if not rows or lanes == ["env"]:
        return None
    lanes.sort(key=lambda x: (x == "env", x))
    return {"lanes": lanes, "rows": [{"index": i, "cells": [label if lane == p else "" for lane in lanes]}
                                     for i, p, label in rows]}
