"""Proof documentation as Markdown: one page per spec, and an index.

Pages are rendered from the IR and the results only (no engine), and contain
no timings, so regenerating them from the same specs gives the same bytes —
a test can tell when the committed pages are stale.  Counterexamples are shown
as step tables and as Mermaid sequence diagrams, which GitHub renders.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from .. import ir
from ..results import CheckResult, PropertyResult, Trace, Verdict
from .text import _changes, _var_order, _var_types

VERDICT_WORD = {Verdict.HOLDS: "holds", Verdict.VIOLATED: "**violated**", Verdict.UNKNOWN: "unknown",
                Verdict.ERROR: "**error**"}


def _doc(text: str) -> str:
    """A doc comment without the test-expectation lines (`expect: violated`)."""
    return "\n".join(l for l in text.splitlines() if not l.strip().startswith("expect:")).strip()


def _cell(s: str) -> str:
    """Text safe inside a Markdown table cell."""
    return s.replace("|", "\\|").replace("\n", " ")


def source_text(spec: ir.Spec, e: ir.Expr) -> str:
    """The user's own words for an expression (constants by name), or the IR printed."""
    sp = getattr(e, "span", None)
    lines = spec.source.splitlines()
    if sp is not None and sp.end_line and 1 <= sp.line <= sp.end_line <= len(lines):
        if sp.line == sp.end_line:
            parts = [lines[sp.line - 1][sp.col - 1: sp.end_col - 1]]
        else:
            parts = ([lines[sp.line - 1][sp.col - 1:]] + lines[sp.line: sp.end_line - 1]
                     + [lines[sp.end_line - 1][: sp.end_col - 1]])
        text = " ".join(" ".join(part.split("//", 1)[0].split()) for part in parts).strip()
        if text:
            return text
    return ir.show_expr(e)


def statement(spec: ir.Spec, name: str) -> str:
    """A property's statement in the spec's own syntax."""
    for i in spec.invariants:
        if i.name == name:
            return source_text(spec, i.expr)
    for t in spec.properties:
        if t.name == name:
            p = source_text(spec, t.p)
            return {"eventually": f"eventually {p}", "always_eventually": f"always eventually {p}",
                    "eventually_always": f"eventually always {p}",
                    "leads_to": f"{p} ~> {source_text(spec, t.q) if t.q is not None else ''}"}.get(t.kind, p)
    for r in spec.reachables:
        if r.name == name:
            return f"reachable: {source_text(spec, r.expr)}"
    if name == "typeok":
        return "every variable stays within its declared type (built in)"
    if name == "deadlock":
        return "some action can always take a step (built in)"
    return ""


def how(result: CheckResult, p: PropertyResult) -> str:
    """How the verdict was obtained, in words; bounded results say so."""
    m = p.method
    if p.verdict is Verdict.UNKNOWN and not result.exhaustive and "bounded" not in m and result.engine == "explicit":
        m = f"bounded (not exhaustive): {m}"
    if p.found_invariant:
        m += f"; inductive invariant: `{p.found_invariant}`"
    return m


def trace_table(trace: Trace, spec: Optional[ir.Spec]) -> list[str]:
    order = _var_order(spec, trace)
    types = _var_types(spec)
    rows = ["| step | action | changes |", "|---:|---|---|"]
    prev: Optional[Mapping[str, Any]] = None
    for i, step in enumerate(trace.steps):
        label = step.label()
        if trace.kind == "cti" and i == 0:
            label = "(any state)"
        if trace.loop_start is not None and i == trace.loop_start:
            label = "↻ " + label
        changes = _changes(prev, step.state, order, types)
        rows.append(f"| {i} | `{_cell(label)}` | {_cell(', '.join(changes)) or '(nothing)'} |")
        prev = step.state
    if trace.loop_start is not None:
        if trace.closing is not None:
            changes = _changes(prev, trace.closing.state, order, types)
            rows.append(f"| {len(trace.steps)} | `{_cell(trace.closing.label())}` | "
                        f"{_cell(', '.join(changes)) or '(nothing)'} (back to the state of step {trace.loop_start}) |")
        rows.append("")
        rows.append(f"Steps {trace.loop_start}..{len(trace.steps) - 1} (marked ↻) repeat forever.")
    return rows


def _actor(label: str) -> str:
    """The participant of a step: the process instance, or the action."""
    if ")." in label:
        return label.split(").", 1)[0] + ")"
    return "env"


def mermaid(trace: Trace, spec: Optional[ir.Spec]) -> list[str]:
    """The trace as a Mermaid sequence diagram: process instances (or the
    environment, for plain actions) send their steps to the shared state."""
    order = _var_order(spec, trace)
    types = _var_types(spec)
    labels = [s.label() for s in trace.steps]
    actors = []
    for lab in labels[1:]:
        a = _actor(lab)
        if a not in actors:
            actors.append(a)
    ids = {a: f"P{i}" for i, a in enumerate(actors)}
    out = ["```mermaid", "sequenceDiagram"]
    for a in actors:
        out.append(f"    participant {ids[a]} as {_mm(a)}")
    out.append("    participant S as state")
    init = _changes(None, trace.steps[0].state, order, types)
    out.append(f"    Note over S: {_mm(', '.join(init))}")
    prev = trace.steps[0].state
    for i in range(1, len(trace.steps)):
        if trace.loop_start is not None and i == trace.loop_start + 1 and trace.loop_start + 1 < len(trace.steps):
            out.append("    loop repeats forever")
        lab = labels[i]
        a = _actor(lab)
        step_name = lab.split(").", 1)[1] if ")." in lab else lab
        changes = _changes(prev, trace.steps[i].state, order, types)
        out.append(f"    {ids[a]}->>S: {i}. {_mm(step_name)}")
        if changes:
            out.append(f"    Note over S: {_mm(', '.join(changes))}")
        prev = trace.steps[i].state
    if trace.closing is not None:
        lab = trace.closing.label()
        a = _actor(lab)
        if a not in ids:
            ids[a] = f"P{len(ids)}"
            out.insert(2 + len(ids) - 1, f"    participant {ids[a]} as {_mm(a)}")
        out.append(f"    {ids[a]}->>S: {len(trace.steps)}. {_mm(lab.split(').', 1)[1] if ').' in lab else lab)}"
                   f" (back to step {trace.loop_start})")
    if trace.loop_start is not None and trace.loop_start + 1 < len(trace.steps):
        out.append("    end")
    out.append("```")
    return out


def _mm(s: str) -> str:
    """Text safe in a Mermaid message (no ';' or '#', which end or escape lines)."""
    s = s.replace(";", ",").replace("#", "").replace("\n", " ")
    return s if len(s) <= 160 else s[:157] + "..."


def spec_page(spec: ir.Spec, results: Mapping[str, CheckResult], source_link: str) -> str:
    """The page of one spec: its doc, constants, and every property with
    the verdict of every engine that ran, and the counterexamples."""
    out = [f"# {spec.name}", ""]
    out.append(f"Source: [`{source_link}`]({source_link})")
    out.append("")
    if spec.doc:
        out += [_doc(spec.doc), ""]
    consts = [c for c in spec.consts]
    if consts:
        out += ["| constant | value |", "|---|---|"]
        for c in consts:
            value = str(c.value) if c.value is not None else f"every value with {ir.show_expr(c.where)}" \
                if c.where is not None else "symbolic"
            out.append(f"| `{c.name}` | {value} |")
        out.append("")
    if spec.fairness:
        out.append("Fairness: " + ", ".join(f"{f.kind} fairness on {f.origin}" for f in spec.fairness) + ".")
        out.append("")
    engines = list(results)
    out.append("## Properties")
    out.append("")
    out.append("| property | statement | " + " | ".join(engines) + " |")
    out.append("|---|---|" + "---|" * len(engines))
    first = next(iter(results.values()))
    for p in first.properties:
        cells = []
        for e in engines:
            q = _find(results[e], p.name)
            cells.append(_cell(_verdict_cell(results[e], q)) if q else "—")
        out.append(f"| `{p.name}` | `{_cell(statement(spec, p.name))}` | " + " | ".join(cells) + " |")
    out.append("")
    stats = first.stats
    if first.engine == "explicit":
        out.append(f"Explicit-state search: {stats.states:,} distinct states, {stats.transitions:,} transitions, "
                   f"depth {stats.depth}{'' if first.exhaustive else ' (bounded, not exhaustive)'}.")
        out.append("")
    for p in first.properties:
        detail = _details(spec, results, p)
        if detail:
            out += detail
    return "\n".join(out).rstrip() + "\n"


def _find(r: CheckResult, name: str) -> Optional[PropertyResult]:
    for q in r.properties:
        if q.name == name:
            return q
    return None


def _verdict_cell(r: CheckResult, q: PropertyResult) -> str:
    word = VERDICT_WORD[q.verdict]
    if q.verdict is Verdict.VIOLATED and q.trace is not None:
        return f"{word} ({len(q.trace)} steps)"
    if q.verdict is Verdict.HOLDS and r.engine in ("pdr", "kind"):
        return f"proved ({q.method})"
    if q.verdict is Verdict.HOLDS and r.engine == "explicit":
        return "holds (exhaustive)"
    return f"{word}: {q.method}"


def _details(spec: ir.Spec, results: Mapping[str, CheckResult], p: PropertyResult) -> list[str]:
    out = [f"### {p.name}", ""]
    if _doc(p.doc):
        out += [_doc(p.doc), ""]
    out.append(f"`{statement(spec, p.name)}`")
    out.append("")
    shown_trace = False
    for e, r in results.items():
        q = _find(r, p.name)
        if q is None:
            continue
        out.append(f"- **{e}**: {VERDICT_WORD[q.verdict]} — {_cell(how(r, q))}")
        if q.detail and q.verdict is not Verdict.HOLDS:
            out.append(f"  ({q.detail})")
    out.append("")
    for e, r in results.items():
        q = _find(r, p.name)
        if q is None or q.trace is None or shown_trace:
            continue
        kind = {"counterexample": "Shortest counterexample", "witness": "Witness",
                "cti": "Counterexample to induction (the first state may be unreachable)"}.get(q.trace.kind,
                                                                                           "Trace")
        out.append(f"{kind} ({e}, {len(q.trace)} steps):")
        out.append("")
        out += trace_table(q.trace, spec)
        out.append("")
        out += mermaid(q.trace, spec)
        out.append("")
        shown_trace = True
    return out


def index_page(rows: list[tuple[str, str, CheckResult]]) -> str:
    """rows: (page link, spec name, the explicit result) -> the table of all specs and properties."""
    out = ["# Proof documentation", "",
           "Generated by `verify docs`; do not edit by hand. Each page lists every property of one spec",
           "with the verdict of each engine and how it was obtained; violated properties come with the",
           "shortest trace that breaks them.", "",
           "| spec | property | verdict | how |", "|---|---|---|---|"]
    for link, name, result in rows:
        for p in result.properties:
            h = how(result, p)
            if p.verdict is Verdict.VIOLATED and p.trace is not None:
                h = f"{h}: {len(p.trace)} steps" + (" (a lasso)" if p.trace.loop_start is not None else "")
            out.append(f"| [{name}]({link}) | `{p.name}` | {VERDICT_WORD[p.verdict]} | {_cell(h)} |")
    return "\n".join(out) + "\n"
