"""How a trace's states are shown: values as text (maps by key, records by
field), the order of the variables, and what changed from one state to the
next.  Shared by the terminal report (text.py) and the proof pages'
diagrams (checker/docs/diagrams.py)."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from .. import ir
from ..results import Trace


def show_typed(v: Any, t: Optional[ir.Type]) -> str:
    """A canonical value as text; with its type, maps show their keys: ``[a -> 1, b -> 0]``."""
    if t is None:
        return ir.show_value(v)
    if isinstance(t, ir.RecordT) or isinstance(t, ir.SetT) and ir.has_record(t.elem):
        return ir.show_typed_value(v, t)  # records and tuples by field
    try:
        if isinstance(t, ir.MapT) and isinstance(v, tuple):
            keys = ir.domain_values(t.key)
            if len(keys) == len(v):
                return "[" + ", ".join(f"{show_typed(k, t.key)} -> {show_typed(x, t.value)}"
                                       for k, x in zip(keys, v)) + "]"
        if isinstance(t, ir.SeqT) and isinstance(v, tuple):
            return "[" + ", ".join(show_typed(x, t.elem) for x in v) + "]"
    except (ir.SymbolicBound, TypeError):
        pass
    return ir.show_value(v)


def var_types(spec: Optional[ir.Spec]) -> dict[str, ir.Type]:
    return {v.name: v.type for v in spec.vars} if spec is not None else {}


def var_order(spec: Optional[ir.Spec], trace: Trace) -> list[str]:
    names = [v.name for v in spec.vars] if spec is not None else []
    for st in trace.steps:
        for n in st.state:
            if n not in names:
                names.append(n)
    return names


def changes(prev: Optional[Mapping[str, Any]], cur: Mapping[str, Any], order: list[str],
             types: dict[str, ir.Type]) -> list[str]:
    out = []
    for name in order:
        if name not in cur:
            continue
        v = cur[name]
        t = types.get(name)
        if prev is not None and name in prev:
            old = prev[name]
            if old == v and type(old) is type(v):
                continue
            if isinstance(t, ir.MapT) and isinstance(v, tuple) and isinstance(old, tuple) \
                    and len(v) == len(old) and len(v) > 1:
                try:
                    keys = ir.domain_values(t.key)
                except (ir.SymbolicBound, TypeError):
                    keys = ()
                diff = [i for i in range(len(v)) if v[i] != old[i]]
                if len(keys) == len(v) and 0 < len(diff) < len(v):
                    out.extend(f"{name}[{show_typed(keys[i], t.key)}] = {show_typed(v[i], t.value)}"
                               for i in diff)
                    continue
        out.append(f"{name} = {show_typed(v, t)}")
    return out
