"""Counterexamples into the stepper: a trace (from a check run, an ITF file or
a ``verify --json`` document) becomes a path of URL segments.

Each step is matched by its state: among the current state's transitions,
the one whose successor equals the recorded state (preferring the recorded
action's label), so ITF files without action names open too.  A last step
that is an erroneous step (typeok) leads to no state: the path stops before
it and the step is named in ``note``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import quote

from .. import ir
from ..report.itf import ITFError, itf_to_trace
from ..results import Step, Trace
from .model import Explorer


class TraceInputError(ValueError):
    """A file that is not a trace of this spec (shown as a page)."""


@dataclass
class OpenedTrace:
    title: str
    segments: list[str]
    loop_start: Optional[int] = None
    note: str = ""

    def url(self) -> str:
        q = f"?loop={self.loop_start}" if self.loop_start is not None else ""
        return path_url(self.segments) + q


def path_url(segments: list[str]) -> str:
    return "/path/" + "/".join(quote(s, safe="()~@,.") for s in segments)


def trace_to_path(ex: Explorer, trace: Trace, title: str) -> OpenedTrace:
    if not trace.steps:
        raise TraceInputError(f"{title}: an empty trace")
    first = trace.steps[0].state
    starts = [i for i, s in enumerate(ex.initial) if ex.state(s) == first]
    if not starts:
        raise TraceInputError(f"{title}: its first state is not an initial state of {ex.spec.name}")
    segments = [f"@{starts[0] + 1}"] if len(ex.initial) > 1 else []
    current = ex.initial[starts[0]]
    note = ""
    for n, step in enumerate(trace.steps[1:], start=1):
        enabled, _ = ex.transitions(current)
        label = step.label() if step.args or step.action is None else step.action
        same = [t for t in enabled if t.target is not None and ex.state(t.target) == step.state]
        match = next((t for t in same if t.label == label or t.action == step.action), None) or \
            (same[0] if same else None)
        if match is None:
            errs = [t for t in enabled if t.target is None and (t.label == label or t.action == step.action)]
            if errs and n == len(trace.steps) - 1:
                note = f"the last step, {errs[0].label}, is erroneous: {errs[0].error}"
                break
            raise TraceInputError(f"{title}: step {n} ({step.label()}) is not a step the spec allows "
                                  f"from the state before it")
        segments.append(match.segment)
        current = match.target
    return OpenedTrace(title, segments, trace.loop_start, note)


def _value(j: Any, t: ir.Type, where: str) -> Any:
    """A value as ``verify --json`` writes it (json_report.value_to_json) -> canonical."""
    if isinstance(t, ir.BoolT):
        if isinstance(j, bool):
            return j
    elif isinstance(t, ir.SetT):
        if isinstance(j, list):
            return frozenset(_value(x, t.elem, where) for x in j)
    elif isinstance(t, ir.SeqT):
        if isinstance(j, list):
            return tuple(_value(x, t.elem, where) for x in j)
    elif isinstance(t, ir.MapT):
        if isinstance(j, dict):
            keys = ir.domain_values(t.key)
            try:
                return tuple(_value(j[ir.show_value(k)], t.value, where) for k in keys)
            except KeyError as e:
                raise TraceInputError(f"{where}: no entry for key {e.args[0]}") from None
    elif isinstance(j, (int, str)) and not isinstance(j, bool):
        return j
    raise TraceInputError(f"{where}: {json.dumps(j)[:60]} is not a value of type {t}")


def _json_trace(doc: dict, spec: ir.Spec, where: str) -> Trace:
    types = {v.name: v.type for v in spec.vars}
    steps = []
    for i, st in enumerate(doc.get("steps") or []):
        state = st.get("state") if isinstance(st, dict) else None
        if not isinstance(state, dict) or set(state) != set(types):
            raise TraceInputError(f"{where}: step {i}: expected a value for every variable of {spec.name}")
        values = {n: _value(state[n], t, f"{where}: step {i}, {n}") for n, t in types.items()}
        steps.append(Step(st.get("action") if i else None, (), values))
    return Trace(steps, kind=str(doc.get("kind", "counterexample")),
                 loop_start=doc.get("loop_start") if isinstance(doc.get("loop_start"), int) else None)


def read_traces(text: str, ex: Explorer, name: str) -> list[OpenedTrace]:
    """Every trace in an ITF file or a ``verify --json`` document."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise TraceInputError(f"{name}: not JSON ({e.msg}, line {e.lineno})") from None
    if isinstance(doc, dict) and isinstance(doc.get("states"), list):
        try:
            trace = itf_to_trace(doc, ex.spec)
        except ITFError as e:
            raise TraceInputError(f"{name}: {e}") from None
        return [trace_to_path(ex, trace, name)]
    runs = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(runs, list):
        runs = [doc] if isinstance(doc, dict) and "properties" in doc else None
    if runs is None:
        raise TraceInputError(f"{name}: neither an ITF trace nor a `verify --json` document")
    out = []
    for r in runs:
        if not isinstance(r, dict) or r.get("spec") not in (None, ex.spec.name):
            continue
        for p in r.get("properties") or []:
            if isinstance(p, dict) and isinstance(p.get("trace"), dict):
                title = f"{p.get('name')}: {p.get('verdict')}"
                out.append(trace_to_path(ex, _json_trace(p["trace"], ex.spec, f"{name}: {p.get('name')}"),
                                         title))
    if not out:
        raise TraceInputError(f"{name}: no trace of spec {ex.spec.name} in it")
    return out
