"""Traces and state graphs as Markdown: step tables, Mermaid sequence
diagrams, and (for small specs) the reachable state graph as a Mermaid
flowchart and as Graphviz DOT.

GitHub renders ```` ```mermaid ```` blocks, so the committed pages use
Mermaid; the DOT file is written next to them for anyone with Graphviz.
Everything here is a function of the spec and the traces: no engine runs,
no timings, so the output is the same on every run.
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from .. import ir
from ..results import Trace
from ..report.changes import changes as changes_between, show_typed, var_order, var_types

MERMAID_TEXT_LIMIT = 160  # characters of one message or note; longer ones are cut with "..."


def cell(s: str) -> str:
    """Text safe inside a Markdown table cell."""
    return s.replace("|", "\\|").replace("\n", " ")


def trace_table(trace: Trace, spec: Optional[ir.Spec]) -> list[str]:
    """The trace as a Markdown table: step, action, the variables that changed."""
    order = var_order(spec, trace)
    types = var_types(spec)
    rows = ["| step | action | changes |", "|---:|---|---|"]
    prev: Optional[Mapping[str, Any]] = None
    for i, step in enumerate(trace.steps):
        label = step.label()
        if trace.kind == "cti" and i == 0:
            label = "(any state)"
        if trace.loop_start is not None and i == trace.loop_start:
            label = "↻ " + label
        changes = changes_between(prev, step.state, order, types)
        rows.append(f"| {i} | `{cell(label)}` | {cell(', '.join(changes)) or '(nothing)'} |")
        prev = step.state
    if trace.loop_start is not None:
        if trace.closing is not None:
            changes = changes_between(prev, trace.closing.state, order, types)
            rows.append(f"| {len(trace.steps)} | `{cell(trace.closing.label())}` | "
                        f"{cell(', '.join(changes)) or '(nothing)'} (back to the state of step {trace.loop_start}) |")
        rows.append("")
        last = len(trace.steps) - 1
        span = f"Step {last}" if trace.loop_start == last else f"Steps {trace.loop_start}..{last}"
        rows.append(f"{span} (marked ↻) repeat{'s' if trace.loop_start == last else ''} forever.")
    return rows


# ---------------------------------------------------------------- sequence diagram


def actor_types(spec: Optional[ir.Spec]) -> dict[str, str]:
    """action name -> the declared type name of its first parameter, when that
    is a named type (``action read_state(c: Caller)`` -> ``Caller``): such an
    action is a step of the participant ``Caller 1``, ``Caller 2``, ...  The IR
    keeps no alias names, so the action's header line is read from the source."""
    out: dict[str, str] = {}
    if spec is None or not spec.source:
        return out
    sources = {spec.file: spec.source.splitlines()}
    for a in spec.actions:
        if not a.params or a.span is None:
            continue
        lines = sources.get(a.span.file)
        if lines is None:   # an action imported from another module: its header is in that file
            lines = sources[a.span.file] = _read_lines(a.span.file)
        if not 1 <= a.span.line <= len(lines):
            continue
        header = " ".join(lines[a.span.line - 1: a.span.line + 2])
        m = re.search(rf"\baction\s+{re.escape(a.name)}\s*\(\s*\w+\s*:\s*([A-Za-z_]\w*)\s*[,)]", header)
        if m:
            out[a.name] = m.group(1)
    return out


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def participant(step_action: Optional[str], args: tuple, actor_types: Mapping[str, str]) -> str:
    """Who takes a step: a process instance (``writer(2)``), the first
    argument of an action over a named type (``Caller 1``), or ``env``."""
    if step_action is None:
        return "env"
    proc, dot, _ = step_action.partition(".")
    if dot:
        return f"{proc}({ir.show_value(args[0])})" if args else proc
    t = actor_types.get(step_action)
    if t is not None and args:
        return f"{t} {ir.show_value(args[0])}"
    return "env"


def _message(step_action: Optional[str], label: str) -> str:
    """The step as shown on the arrow: without the participant's own name."""
    if step_action is not None and "." in step_action and ")." in label:
        return label.split(").", 1)[1]
    return label


def mermaid_text(s: str) -> str:
    """Text safe in a Mermaid message or note: no ';' (ends a statement), no
    '#' (starts an entity code), no '%%' (a comment), one line, bounded."""
    s = s.replace(";", ",").replace("#", "").replace("%%", "%").replace("\n", " ")
    return s if len(s) <= MERMAID_TEXT_LIMIT else s[:MERMAID_TEXT_LIMIT - 3] + "..."


def mermaid(trace: Trace, spec: Optional[ir.Spec]) -> list[str]:
    """The trace as a Mermaid sequence diagram: each participant (process
    instance, or the environment) sends its steps to the shared state; a note
    under each arrow says what changed."""
    order = var_order(spec, trace)
    types = var_types(spec)
    who = actor_types(spec)
    steps = list(trace.steps[1:]) + ([trace.closing] if trace.closing is not None else [])
    actors: list[str] = []
    for st in steps:
        a = participant(st.action, st.args, who)
        if a not in actors:
            actors.append(a)
    ids = {a: f"P{i}" for i, a in enumerate(actors)}
    out = ["```mermaid", "sequenceDiagram"]
    out += [f"    participant {ids[a]} as {mermaid_text(a)}" for a in actors]
    out.append("    participant S as state")
    init = changes_between(None, trace.steps[0].state, order, types)
    out.append(f"    Note over S: {mermaid_text('initially ' + ', '.join(init))}")
    prev = trace.steps[0].state
    looping = trace.loop_start is not None and trace.loop_start + 1 <= len(steps)
    for i, st in enumerate(steps, start=1):
        if looping and i == trace.loop_start + 1:
            out.append("    loop repeats forever")
        closing = i == len(trace.steps)
        msg = f"{i}. {_message(st.action, st.label())}" + (f" (back to step {trace.loop_start})" if closing else "")
        out.append(f"    {ids[participant(st.action, st.args, who)]}->>S: {mermaid_text(msg)}")
        changes = changes_between(prev, st.state, order, types)
        if changes and not closing:
            out.append(f"    Note over S: {mermaid_text(', '.join(changes))}")
        prev = st.state
    if looping:
        out.append("    end")
    out.append("```")
    return out


# ---------------------------------------------------------------- state graph


def state_graph(spec: ir.Spec, max_states: int, marked: list[Mapping[str, Any]] = ()) -> Optional[dict]:
    """The reachable state graph if it has at most ``max_states`` states:
    {"states", "transitions", "mermaid": lines, "dot": text}; else None.
    ``marked``: states to draw in red (the last states of counterexamples)."""
    from ..explicit.graph import GraphTooLarge, reachable_graph, to_dot
    from ..explicit.trace import action_label
    from ..results import Step

    try:
        prog, g = reachable_graph(spec, max_states)
    except GraphTooLarge:
        return None
    types = var_types(spec)
    values = [prog.layout.canonical(s) for s in g.nodes]
    names = [v.name for v in spec.vars]
    varying = [n for n in names if len({repr(vals[n]) for vals in values}) > 1]
    fixed = [n for n in names if n not in varying]
    edges: dict[tuple[int, int], list[str]] = {}
    for i in range(g.n):
        for t, ai, b in g.succ(i):
            name, args = action_label(prog, ai, b)
            labels = edges.setdefault((i, t), [])
            label = Step(name, args).label()
            if label not in labels:
                labels.append(label)
    out = ["```mermaid", "flowchart TD"]
    for i, vals in enumerate(values):
        text = "<br/>".join(f"{n} = {show_typed(vals[n], types.get(n))}" for n in varying) or "(one state)"
        out.append(f'    s{i}["{_flow_text(text)}"]')
    for (i, t), labels in edges.items():
        out.append(f'    s{i} -- "{_flow_text(" / ".join(labels))}" --> s{t}')
    init = sorted(set(g.init))
    out.append("    classDef init stroke-width:4px")
    out.append("    classDef bad fill:#f8d0d0,stroke:#c00")
    out.append("    class " + ",".join(f"s{i}" for i in init) + " init")
    bad = sorted({i for i, vals in enumerate(values) for m in marked if dict(m) == vals})
    if bad:
        out.append("    class " + ",".join(f"s{i}" for i in bad) + " bad")
    out.append("```")
    return {"states": len(values), "transitions": sum(len(list(g.succ(i))) for i in range(g.n)), "mermaid": out,
            "fixed": [f"{n} = {show_typed(values[0][n], types.get(n))}" for n in fixed] if values else [],
            "bad": len(bad), "dot": to_dot(spec, max_states)}


def _flow_text(s: str) -> str:
    """Text inside a quoted Mermaid flowchart label: '"' and '#' as entity codes."""
    return s.translate({ord("#"): "#35;", ord('"'): "#quot;", ord(";"): "#59;"})
