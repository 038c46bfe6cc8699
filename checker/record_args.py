"""Trace labels for actions with record or tuple parameters.

Engines put canonical values in traces; a record's canonical value is its
number (checker/ir.py, RecordT).  So that ``reply({kind: Req, src: 1})``
rather than ``reply(0)`` is shown, every step of an action with such a
parameter is given its parameter types (``Step.arg_types``, never part of
equality)."""
from __future__ import annotations

import re

from . import ir


def label_record_args_of(spec: ir.Spec, step) -> None:
    """Give one step its parameter types when one is a record or tuple."""
    for a in spec.actions:
        if a.name == step.action and len(a.params) == len(step.args) and any(
                ir.has_record(p.type) for p in a.params):
            step.arg_types = tuple(p.type for p in a.params)


def label_record_args(spec: ir.Spec, result):
    typed = {a.name: tuple(p.type for p in a.params) for a in spec.actions
             if any(ir.has_record(p.type) for p in a.params)}
    if not typed:
        return result
    runs = list(getattr(result, "runs", {}).values()) + [result]
    for r in runs:
        for p in getattr(r, "properties", ()):
            tr = p.trace
            if tr is None:
                continue
            for st in list(tr.steps) + ([tr.closing] if tr.closing is not None else []):
                if st.action in typed and len(st.args) == len(typed[st.action]):
                    st.arg_types = typed[st.action]
    return result


_NEW_CONSTRUCTS = re.compile(r"^\s*def\b|\bchoose\b|\{[^{}]*\|[^{}]*\}|\bwith\s*\{", re.M)


def shown_expr(spec, e: ir.Expr) -> str:
    """An expression as reports print it: as the user wrote it where the
    front end lowered records, defs, comprehensions or ``choose`` into IR
    that reads nothing like the source (printing the IR is kept for every
    other spec, so existing reports do not change)."""
    if spec is not None and getattr(spec, "source", "") and (
            _NEW_CONSTRUCTS.search(spec.source) or any(ir.has_record(v.type) for v in spec.vars)):
        from .docs.words import source_text
        return source_text(spec, e)
    return ir.show_expr(e)
