"""The terminal report: what a person reads after ``verify spec.spec``.

``render(result, spec)`` returns the text.  It reads the result and, when
given, the IR spec (variable order and types, invariant expressions, docs);
it never runs an engine.  With ``timing=False`` the text has no times or
rates, so it is the same on every run (golden tests use that).
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from ..record_args import shown_expr
from .. import ir
from ..results import (DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK, CheckResult,
                       PropertyResult, Step, Trace, Verdict)

JOIN_WIDTH = 72   # changes of one step longer than this go one per line


_DURATION = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?(?:s|ms|us|µs|sec|secs|seconds?|min)\b")


_RATE = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?\s?(?:steps|states)/s\b")


def redact_timing(text: str) -> str:
    """Replace durations ("0.012s", "3 ms") and rates ("1,200 steps/s") in an
    engine's free-text note with "<time>" / "<rate>", so that --no-timing
    output is the same on every run."""
    return _DURATION.sub("<time>", _RATE.sub("<rate>", text))


# ---------------------------------------------------------------- colour


class _Style:
    def __init__(self, color: bool):
        self.color = color

    def _c(self, code: str, s: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if self.color else s

    def bold(self, s: str) -> str:
        return self._c("1", s)

    def dim(self, s: str) -> str:
        return self._c("2", s)

    def verdict(self, v: Verdict, s: str) -> str:
        code = {Verdict.HOLDS: "32", Verdict.VIOLATED: "1;31", Verdict.UNKNOWN: "33",
                Verdict.ERROR: "1;35"}[v]
        return self._c(code, s)


# ---------------------------------------------------------------- values


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


def _var_types(spec: Optional[ir.Spec]) -> dict[str, ir.Type]:
    return {v.name: v.type for v in spec.vars} if spec is not None else {}


def _var_order(spec: Optional[ir.Spec], trace: Trace) -> list[str]:
    names = [v.name for v in spec.vars] if spec is not None else []
    for st in trace.steps:
        for n in st.state:
            if n not in names:
                names.append(n)
    return names


def _changes(prev: Optional[Mapping[str, Any]], cur: Mapping[str, Any], order: list[str],
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


def render_trace(trace: Trace, spec: Optional[ir.Spec] = None, style: Optional[_Style] = None,
                 indent: str = "  ", last_error: str = "") -> list[str]:
    """The trace as a table: step, action with arguments, the variables that changed.

    ``last_error``: the last step fails with this runtime error (typeok);
    it is shown in that step's row."""
    style = style or _Style(False)
    order = _var_order(spec, trace)
    types = _var_types(spec)
    labels = [s.label() for s in trace.steps]
    if trace.kind == "cti" and trace.steps and trace.steps[0].action is None:
        labels[0] = "(any state)"
    sw = max(4, len(str(len(trace.steps) - 1)))
    aw = min(max([6] + [len(x) for x in labels]), 32)
    lines = [indent + style.dim(f"{'step':>{sw}}  {'action':<{aw}}  changes")]
    prev: Optional[Mapping[str, Any]] = None
    for i, (step, label) in enumerate(zip(trace.steps, labels)):
        if trace.loop_start is not None and i == trace.loop_start:
            lines.append(indent + style.bold(f"{'':>{sw}}  -- loop starts here: steps {i}.."
                                             f"{len(trace.steps) - 1} repeat forever --"))
        ch = _changes(prev, step.state, order, types)
        failing = bool(last_error) and i == len(trace.steps) - 1 and i > 0
        if failing:
            ch = ch + [style.verdict(Verdict.VIOLATED, "fails: ") + last_error] if ch else \
                [style.verdict(Verdict.VIOLATED, "fails: ") + last_error]
        elif not ch:
            ch = ["(no change)"] if prev is not None else []
        head = f"{i:>{sw}}  {label:<{aw}}  "
        pad = " " * len(head)
        for j, chunk in enumerate(_pack(ch, JOIN_WIDTH)):
            lines.append(indent + (head if j == 0 else pad) + chunk)
        prev = step.state
    if trace.loop_start is not None:
        if trace.closing is not None:  # the step that closes the loop, back to loop_start's state
            ch = _changes(prev, trace.closing.state, order, types) or ["(no change)"]
            head = f"{len(trace.steps):>{sw}}  {trace.closing.label():<{aw}}  "
            ch[-1] += f"  (the state of step {trace.loop_start} again)"
            for j, chunk in enumerate(_pack(ch, JOIN_WIDTH)):
                lines.append(indent + (head if j == 0 else " " * len(head)) + chunk)
        lines.append(indent + style.bold(f"{'':>{sw}}  -- back to step {trace.loop_start} --"))
    return lines


def _pack(items: list[str], width: int) -> list[str]:
    """Join items with ", " into lines of at most ``width`` (an item longer than that gets its own line)."""
    lines: list[str] = []
    cur = ""
    for it in items:
        if not cur:
            cur = it
        elif len(cur) + 2 + len(it) <= width:
            cur += ", " + it
        else:
            lines.append(cur + ",")
            cur = it
    if cur or not lines:
        lines.append(cur)
    return lines


# ---------------------------------------------------------------- the report


def _fmt_int(n: int) -> str:
    return f"{n:,}"


def _fmt_seconds(s: float) -> str:
    if s < 10:
        return f"{s:.2f} s"
    if s < 120:
        return f"{s:.1f} s"
    return f"{int(s // 60)} min {int(s % 60)} s"


def _consts_text(result: CheckResult, spec: Optional[ir.Spec]) -> str:
    parts = [f"{k} = {v}" for k, v in result.consts.items()]
    if spec is not None:
        seen = set(result.consts)
        for c in spec.consts:
            if c.name in seen:
                continue
            if c.value is not None:
                parts.append(f"{c.name} = {c.value}")
            else:
                cond = f" with {ir.show_expr(c.where)}" if c.where is not None else ""
                rng = f" in {c.type}" if c.type.bounded else ""
                parts.append(f"{c.name} symbolic (every value{rng}{cond})")
    return ", ".join(parts)


def _is_bounded(result: CheckResult, p: PropertyResult) -> bool:
    """An unknown verdict that comes from a bounded search (a state/depth
    limit, BMC, the base case of k-induction), not from a failed induction
    (a CTI) or a solver that gave up."""
    if p.verdict is not Verdict.UNKNOWN or (p.trace is not None and p.trace.kind == "cti"):
        return False
    if result.engine in ("explicit", "bmc"):
        return not result.exhaustive
    m = p.method.lower()
    return any(w in m for w in ("bounded", "up to", "depth"))


def _label(result: CheckResult, p: PropertyResult) -> str:
    return {Verdict.HOLDS: "holds", Verdict.VIOLATED: "VIOLATED", Verdict.UNKNOWN: "unknown",
            Verdict.ERROR: "ERROR"}[p.verdict]


def _method(result: CheckResult, p: PropertyResult) -> str:
    m = p.method
    if _is_bounded(result, p) and "bounded (not exhaustive)" not in m:
        m = f"bounded (not exhaustive): {m}" if m else "bounded (not exhaustive)"
    return m


MAX_CONJUNCTS = 20


def split_conjuncts(text: str) -> list[str]:
    """Split spec text at its top-level `` and `` (outside parentheses and brackets)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(" and ", i):
            parts.append(text[start:i])
            start = i + 5
            i += 5
            continue
        i += 1
    parts.append(text[start:])
    return [x.strip() for x in parts if x.strip() and x.strip() != "true"]


def _found_invariant(text: str, sub: str) -> list[str]:
    if len(text) <= 80:
        return [sub + "inductive invariant: " + text]
    parts = split_conjuncts(text)
    lines = [sub + f"inductive invariant, {len(parts)} conjuncts:"]
    lines.extend(sub + "  " + c for c in parts[:MAX_CONJUNCTS])
    if len(parts) > MAX_CONJUNCTS:
        lines.append(sub + f"  ... and {len(parts) - MAX_CONJUNCTS} more (all of them in --json)")
    return lines


def _stats_line(result: CheckResult, timing: bool) -> str:
    s = result.stats
    parts = []
    if s.states or s.transitions:
        parts.append(f"{_fmt_int(s.states)} distinct state{'s' if s.states != 1 else ''}")
        parts.append(f"{_fmt_int(s.transitions)} transition{'s' if s.transitions != 1 else ''}")
    if s.depth or s.states:
        parts.append(f"depth {s.depth}")
    if timing:
        parts.append(_fmt_seconds(s.seconds))
        if s.states and s.seconds > 0:
            parts.append(f"{_fmt_int(round(s.states_per_second))} states/s")
        if s.peak_memory_bytes:
            parts.append(f"{s.peak_memory_bytes / 2**20:.0f} MiB")
    return ", ".join(parts)


def _kind_word(p: PropertyResult) -> str:
    return {INVARIANT: "invariant", TYPEOK: "typeok", DEADLOCK: "deadlock",
            PROPERTY: "property", REACHABLE: "reachable"}.get(p.kind, p.kind)


def render(result: CheckResult, spec: Optional[ir.Spec] = None, timing: bool = True,
           color: bool = False) -> str:
    """The whole report of one result, ending with a newline."""
    st = _Style(color)
    out: list[str] = []
    out.append(st.bold(f"spec {result.spec}") + f"  ({result.file})")
    runs = getattr(result, "runs", None)
    engine = result.engine
    if runs:
        engine += " (" + ", ".join(runs) + ", cross-checked)"
    out.append(f"  engine     {engine}")
    consts = _consts_text(result, spec)
    if consts:
        out.append(f"  constants  {consts}")
    out.append("")

    props = result.properties
    nw = max([len(p.name) for p in props] + [4])
    for p in props:
        label = _label(result, p)
        line = f"  {st.verdict(p.verdict, f'{label:<8}')}  {p.name:<{nw}}  {_method(result, p)}"
        if timing and p.seconds >= 0.01 and result.engine != "explicit":
            line += st.dim(f"  [{_fmt_seconds(p.seconds)}]")
        out.append(line)
        sub = "  " + " " * 10
        if p.doc:
            for d in p.doc.strip().splitlines():
                out.append(sub + st.dim(d.strip()))
        if p.detail.startswith("engines disagree"):
            out.append(sub + st.verdict(Verdict.ERROR, "engines disagree (see below)"))
        elif p.detail and p.verdict is not Verdict.HOLDS and p.trace is None:
            out.append(sub + p.detail)
        if runs:
            per = []
            for e, r in runs.items():
                for q in r.properties:
                    if q.name == p.name:
                        per.append(f"{e}: {q.verdict.value}")
            if per:
                out.append(sub + st.dim(", ".join(per)))
        if p.found_invariant:
            out.extend(_found_invariant(p.found_invariant, sub))
    if not props:
        out.append("  (no properties checked)")
    out.append("")
    stats = _stats_line(result, timing)
    if stats:
        out.append("  " + stats)
    for n in result.notes:
        out.append("  note: " + (n if timing else redact_timing(n)))

    disagreements = getattr(result, "disagreements", None)
    if disagreements:
        out.append("")
        out.append(st.verdict(Verdict.ERROR, "ENGINES DISAGREE -- this is a bug in the checker; "
                                             "please report it with this spec:"))
        for d in disagreements:
            out.append("  " + d)
        for p in props:
            if not p.detail.startswith("engines disagree") or not runs:
                continue
            for e, r in runs.items():
                for q in r.properties:
                    if q.name != p.name:
                        continue
                    out.append("")
                    out.append(f"  {e}: {q.name} {q.verdict.value} ({q.method})")
                    if q.detail:
                        out.append("    " + q.detail)
                    if q.found_invariant:
                        out.append("    inductive invariant: " + q.found_invariant)
                    if q.trace is not None:
                        out.extend(render_trace(q.trace, spec, st, indent="    "))

    for p in props:
        if p.trace is None or p.detail.startswith("engines disagree"):
            continue
        out.append("")
        out.extend(_explain(result, spec, p, st))
        for i, extra in enumerate(getattr(p, "more_traces", ()) or (), start=2):  # --traces K
            n = len(extra)
            total = 1 + len(p.more_traces)
            out.append("")
            out.append(st.bold(f"{p.name}: trace {i} of {total}, {n} step{'s' if n != 1 else ''}"))
            out.extend(render_trace(extra, spec, st))

    out.append("")
    out.append(_summary(result, st))
    return "\n".join(out) + "\n"


def _explain(result: CheckResult, spec: Optional[ir.Spec], p: PropertyResult, st: _Style) -> list[str]:
    tr = p.trace
    assert tr is not None
    out: list[str] = []
    n = len(tr)
    steps = f"{n} step{'s' if n != 1 else ''}"
    where = f" (line {p.line})" if p.line else ""
    title = p.name if p.kind in (TYPEOK, DEADLOCK) and p.name == p.kind else f"{_kind_word(p)} {p.name}"
    if tr.kind == "cti":
        out.append(st.bold(f"{title}{where}: counterexample to induction, {steps}"))
        out.append("  (the first state may be unreachable); the invariant may need strengthening")
    elif tr.kind == "witness":
        out.append(st.bold(f"{title}{where}: witness, {steps}"))
    else:
        lasso = " (a lasso: it ends in a loop)" if tr.loop_start is not None else ""
        out.append(st.verdict(p.verdict, f"{title}{where} {_label(result, p)}")
                   + f": trace of {steps}{lasso}")
    inline = p.kind == TYPEOK and bool(p.detail.strip()) and len(tr.steps) > 1 and tr.kind != "cti"
    out.extend(render_trace(tr, spec, st, last_error=p.detail.strip() if inline else ""))
    if not tr.steps:
        return out
    last = tr.steps[-1]
    last_i = len(tr.steps) - 1
    explained = False
    if p.kind == INVARIANT and spec is not None:
        inv = next((i for i in spec.invariants if i.name == p.name), None)
        if inv is not None:
            out.append("")
            out.append(f"  invariant {inv.name}: {shown_expr(spec, inv.expr)}")
            out.extend(_parts(inv.expr, last.state, result, last_i, spec))
            explained = True
    elif p.kind == PROPERTY and spec is not None:
        prop = next((t for t in getattr(spec, "properties", ()) if t.name == p.name), None)
        if prop is not None:
            out.append("")
            out.append(f"  property {prop.name}: {temporal_text(prop)}")
            if tr.loop_start is not None:
                out.append(f"  the behaviour above runs forever: steps {tr.loop_start}..{last_i} repeat")
            explained = True
    elif p.kind == REACHABLE and spec is not None:
        goal = next((g for g in getattr(spec, "reachables", ()) if g.name == p.name), None)
        if goal is not None:
            out.append("")
            out.append(f"  reachable {goal.name}: {shown_expr(spec, goal.expr)}")
            if tr.kind == "witness":
                out.append(f"  holds in the last state (step {last_i})")
    elif p.kind == DEADLOCK:
        out.append("")
        out.append(f"  no action can take a step in the last state (step {last_i})")
        explained = True
        for t in getattr(spec, "terminals", ()):  # the intended ends, none of which this state is
            out.append(f"  and it is not terminal: {t.name} ({ir.show_expr(t.expr)}) is false there")
    detail = p.detail.strip()
    redundant = inline or explained and (detail.endswith(" is false") or detail.startswith("no action can take"))
    if detail and p.verdict is not Verdict.HOLDS and not redundant:
        out.append("  " + detail)
    return out


_TEMPORAL_FORMAT = {
    "always": "always {p}",
    "eventually": "eventually {p}",
    "always_eventually": "always eventually {p}",
    "eventually_always": "eventually always {p}",
    "leads_to": "{p} ~> {q}",
}


def temporal_text(t) -> str:
    """A temporal property in spec syntax."""
    fmt = _TEMPORAL_FORMAT.get(t.kind, t.kind + " {p}")
    p = ir.show_expr(t.p)
    q = ir.show_expr(t.q) if getattr(t, "q", None) is not None else ""
    if t.kind == "leads_to":
        p, q = _paren_loose(t.p, p), _paren_loose(t.q, q)
    return fmt.format(p=p, q=q)


def _paren_loose(e, text: str) -> str:
    return f"({text})" if isinstance(e, (ir.Ite, ir.Quant)) or (
        isinstance(e, ir.Binary) and e.op == "implies") else text


def _parts(expr: ir.Expr, state: Mapping[str, Any], result: CheckResult, step: int, spec=None) -> list[str]:
    from .evaluate import EvalError, evaluate, explain

    out = []
    try:
        v = evaluate(expr, state, consts=result.consts)
        val = ir.show_value(v)
    except EvalError as e:
        val = f"an error ({e})"
    except Exception:  # a malformed state: the report must not crash
        return out
    out.append(f"  is {val} in the last state (step {step}):" if not val.startswith("an error")
               else f"  evaluates to {val} in the last state (step {step})")
    try:
        rows = explain(expr, state, consts=result.consts, text=lambda x: shown_expr(spec, x))
    except Exception:
        rows = []
    if not rows:
        return out
    w = min(max(len("  " * lvl + t) for lvl, t, _ in rows), 50)
    for lvl, text, value in rows:
        left = "  " * lvl + text
        if len(left) > w:
            out.append("    " + left)
            out.append("    " + " " * w + "  " + value)
        else:
            out.append(f"    {left:<{w}}  {value}")
    return out


def _summary(result: CheckResult, st: _Style) -> str:
    props = result.properties
    counts: dict[Verdict, int] = {}
    for p in props:
        counts[p.verdict] = counts.get(p.verdict, 0) + 1
    v = result.verdict
    if getattr(result, "disagreements", None):
        return st.verdict(Verdict.ERROR, "result: ERROR, the engines disagree")
    if v is Verdict.HOLDS:
        n = len(props)
        return st.verdict(v, f"result: {'the property holds' if n == 1 else f'all {n} properties hold'}")
    parts = []
    for verdict, word in ((Verdict.VIOLATED, "violated"), (Verdict.ERROR, "error"),
                          (Verdict.UNKNOWN, "unknown"), (Verdict.HOLDS, "hold")):
        if counts.get(verdict):
            parts.append(f"{counts[verdict]} {word}")
    label = {Verdict.VIOLATED: "VIOLATED", Verdict.ERROR: "ERROR", Verdict.UNKNOWN: "unknown"}[v]
    tail = ", bounded (not exhaustive)" if v is Verdict.UNKNOWN and any(
        _is_bounded(result, p) for p in props) else ""
    return st.verdict(v, f"result: {label}") + f" ({', '.join(parts)}){tail}"
