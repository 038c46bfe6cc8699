"""What the proof pages say about one property: its statement in the spec's
own syntax, a short table cell per engine, and a sentence saying how the
verdict was obtained.  Bounded results say so; a solver ``unknown`` is never
worded as a proof."""
from __future__ import annotations

import re
from typing import Optional

from .. import evidence as ev
from .. import ir
from ..results import PROPERTY, REACHABLE, CheckResult, PropertyResult, Verdict

ENGINE_TITLE = {"explicit": "explicit search", "kind": "k-induction", "pdr": "PDR", "bmc": "bounded model checking"}

BUILTIN_DOC = {"typeok": "Every variable stays within its declared type (built-in check).",
               "deadlock": "Some action can always take a step, unless every process has finished "
                           "(built-in check)."}


def terminal_sentence(spec: ir.Spec) -> str:
    """The spec's ``terminal`` declarations, for the deadlock row: states
    where one holds are intended ends, not deadlocks."""
    parts = [f"`{t.name}` ({ir.show_expr(t.expr)})" for t in spec.terminals]
    return "Intended ends, not deadlocks: the states of " + ", ".join(parts) + "."


def doc_text(text: str) -> str:
    """A doc comment without the test-expectation lines (``expect: violated``)."""
    return "\n".join(l for l in text.splitlines() if not l.strip().startswith("expect:")).strip()


def first_sentence(text: str, limit: int = 200) -> str:
    """The doc comment's first sentence, on one line: the index's explanation."""
    flat = " ".join(doc_text(text).split())
    m = re.search(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bcf)\.(\s|$)", flat)
    out = flat[: m.start() + 1] if m else flat
    if len(out) > limit:
        out = out[: limit].rsplit(" ", 1)[0] + " …"
    return out


def _module_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def source_text(spec: ir.Spec, e: ir.Expr) -> str:
    """The user's own words for an expression (constants by name), or the IR printed."""
    sp = getattr(e, "span", None)
    lines = spec.source.splitlines()
    if sp is not None and sp.file != spec.file:   # declared in an imported module: its own text
        lines = _module_lines(sp.file)
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
    for ref in getattr(spec, "refinements", ()):
        if name in (ref.name, f"{ref.name} (liveness)"):
            mapped = ", ".join(f"{v} = {source_text(spec, e)}" for v, e in ref.mapping)
            return f"every step is a step of {ref.abstract.name} or a stutter, with {mapped}"
    if name == "typeok":
        return "every variable within its type"
    if name == "deadlock":
        return "no deadlock"
    return ""


def short(text: str, limit: int = 80) -> str:
    """A long statement cut for a table cell (the details show it whole)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _steps(n: int) -> str:
    return f"{n} step{'' if n == 1 else 's'}"


def _how(q: PropertyResult):
    """The evidence of the engine whose verdict this is (under a cross-check, the chosen one's)."""
    return ev.inner(q.evidence)


def _limited(q: PropertyResult) -> bool:
    """The solver stopped at the per-query resource limit (rlimit)."""
    e = _how(q)
    return isinstance(e, ev.SolverGaveUp) and e.resource_limit


def _jointly(q: PropertyResult) -> bool:
    e = _how(q)
    return isinstance(e, (ev.Induction, ev.Pdr)) and bool(e.jointly)


def _from_proved_k0(q: PropertyResult) -> bool:
    """Proved by induction with k = 0 from invariants proved before (no
    invariant to find): ``Induction(k=0)``, or a PDR result that assumed
    proved invariants and needed no invariant of its own."""
    e = _how(q)
    if isinstance(e, ev.Induction):
        return e.k == 0
    return isinstance(e, ev.Pdr) and e.invariant is None and bool(e.assumed) and not e.on_product


def _pdr_assuming(q: PropertyResult) -> bool:
    """PDR stepped only from states satisfying invariants proved alone (not the temporal product)."""
    e = _how(q)
    return isinstance(e, ev.Pdr) and bool(e.assumed) and not e.on_product


def cell(engine: str, r: CheckResult, q: Optional[PropertyResult]) -> str:
    """The short verdict of one engine for one property (a table cell)."""
    if q is None:
        return "—"
    v, tr = q.verdict, q.trace
    if v is Verdict.ERROR:
        return "**error**"
    if q.kind == REACHABLE:
        if v is Verdict.HOLDS:
            return f"reachable: {_steps(len(tr))}" if tr is not None else "reachable"
        if v is Verdict.VIOLATED:
            return "**unreachable**" + (f" (k = {q.depth})" if engine == "kind" and q.depth else "")
    if v is Verdict.VIOLATED:
        if tr is None:
            return "**violated**"
        return f"**violated**: {_steps(len(tr))}" + (" (lasso)" if tr.loop_start is not None else "")
    if v is Verdict.HOLDS:
        if engine == "explicit":
            return "holds"
        if engine == "kind":
            return f"proved, k = {q.depth}" + (" (jointly)" if _jointly(q) else "")
        if engine == "pdr":
            if _from_proved_k0(q):
                return "proved (k = 0 from others)"
            return "proved" + (" (assuming others)" if _pdr_assuming(q) else "")
        return "holds"
    # unknown
    if engine == "explicit" and not r.exhaustive:
        return f"unknown: bounded to depth {r.stats.depth}"
    if _limited(q):
        return "unknown: resource limit"
    if engine == "kind" and tr is not None and tr.kind == "cti":
        return f"unknown: not k-inductive for k ≤ {q.depth}"
    return "unknown"


def sentence(engine: str, r: CheckResult, q: PropertyResult, spec: Optional[ir.Spec] = None,
             rlimit: Optional[int] = None) -> str:
    """How one engine obtained its verdict, as a sentence for the details.

    ``spec`` names the variables a proof on the cone of influence left out;
    ``rlimit`` is the per-query resource limit the Z3 engines ran under."""
    v = q.verdict
    if v is Verdict.ERROR:
        return f"**error**: {q.detail or q.method}"
    if engine == "explicit":
        if v is Verdict.UNKNOWN and not r.exhaustive:
            return (f"unknown: the search was bounded to depth {r.stats.depth} ({r.stats.states:,} states) "
                    f"and is not exhaustive.")
        return f"{_word(q)} — {_explicit_how(r, q)}."
    if v is Verdict.HOLDS and q.kind == PROPERTY and engine in ("kind", "pdr"):
        how = "k-induction with k = {}".format(q.depth) if engine == "kind" else "PDR"
        return (f"proved by {how} on the liveness-to-safety product (the spec with a saved copy of "
                f"the state where a loop would start, and what the loop has seen): no fair lasso "
                f"violates it{_assumed(q)}.{_cone_words(q, spec)}{_frozen_words(q)}")
    if v is Verdict.HOLDS and q.kind != REACHABLE:
        if engine == "kind":
            how = f"proved by k-induction with k = {q.depth}"
            if _jointly(q):
                e = _how(q)
                # the others its step case assumed: those proved before, then
                # the rest of its round (``jointly`` names itself too)
                others = list(e.assumed) + [n for n in e.jointly if n != q.name]
                how += (", jointly with other invariants (" + (", ".join(others) or "none")
                        + ", all proved (alone, or jointly in the same way))")
            return how + "."
        if engine == "pdr":
            if _from_proved_k0(q):
                return f"proved: {q.detail} (induction with k = 0, no invariant to find)."
            if q.found_invariant == "true":
                return "proved by PDR: the declared types of the variables alone are an inductive invariant."
            extra = " (stepping only from states that satisfy the invariants proved alone)" \
                if _pdr_assuming(q) else ""
            return f"proved by PDR{extra}, with the inductive invariant below."
    if v is Verdict.UNKNOWN:
        why = q.detail or q.method
        if _limited(q):
            why = "stopped at the resource limit" + (f" (rlimit {rlimit:,} per solver call)" if rlimit else "")
            if engine == "kind" and q.depth is not None:
                why += f", trying k = {q.depth + 1}"
        if engine == "kind" and q.trace is not None and q.trace.kind == "cti":
            why = (f"not decided: no counterexample within {q.depth} steps, and for every k ≤ {q.depth} a "
                   f"counterexample to induction (its first state may be unreachable)")
        return f"unknown — {why}."
    return f"{_word(q)} — {_found(engine, q)}."


_CONE_WHY = {ev.CONE_EXACT: "no update of them can err",
             ev.CONE_TYPEOK_PROVED: "typeok holds",
             ev.CONE_TYPEOK_BY_KIND: "typeok holds, proved by k-induction (PDR could not prove it)"}


def _cone_words(q: PropertyResult, spec: Optional[ir.Spec]) -> str:
    """PDR's temporal proofs may run on the property's cone of influence."""
    e = _how(q)
    if not isinstance(e, ev.Pdr) or e.cone is None or spec is None:
        return ""
    dropped = [v.name for v in spec.vars if v.name not in e.cone]
    if not dropped:
        return ""
    why = _CONE_WHY.get(e.cone_sound, _CONE_WHY[ev.CONE_EXACT])
    return (f" The proof ran on the property's cone of influence, without {', '.join(dropped)} "
            f"(sound because {why}).")


def frozen_names(e) -> str:
    """The variables a temporal proof held fixed on the loop (its evidence's
    ``frozen``), as the verdict names them, or ""."""
    e = ev.inner(e)
    return ", ".join(e.frozen) if isinstance(e, (ev.Induction, ev.Pdr)) else ""


def _frozen_words(q: PropertyResult) -> str:
    """Temporal proofs hold fixed on the loop what no violating loop can change."""
    names = frozen_names(q.evidence)
    if not names:
        return ""
    return (f" On the loop, {names} were held fixed: Z3 showed first that no loop in which the "
            f"property stays unmet can change them (each one's changes form an acyclic graph).")


def _assumed(q: PropertyResult) -> str:
    e = _how(q)
    if isinstance(e, (ev.Induction, ev.Pdr)) and e.assumed:
        return f", assuming the invariants {', '.join(e.assumed)} (proved first)"
    return ""


def _found(engine: str, q: PropertyResult) -> str:
    """How a trace was found (violated, or a reachability witness)."""
    n = f"{len(q.trace) if q.trace is not None else q.depth}-step"
    vals = _values(q.trace)
    vals = f", {vals}" if vals else ""
    if q.kind == PROPERTY and engine in ("kind", "pdr"):
        how = "the base case of k-induction" if engine == "kind" else "Spacer, on the liveness-to-safety product,"
        return f"{how} found a violation; the bounded lasso search then found a {n} lasso{vals}"
    if q.kind == REACHABLE and q.verdict is Verdict.VIOLATED:
        return f"{q.method}{vals}"
    what = "witness" if q.kind == REACHABLE else "counterexample"
    if engine == "kind":
        return f"a {n} {what} found by the base case of k-induction (bounded model checking){vals}"
    if engine == "pdr" and _spacer_path(q):
        return f"Spacer found the property {'reachable' if q.kind == REACHABLE else 'violated'}; " \
               f"its own {n} {what}, replayed by Z3 through the transition relation " \
               f"(not necessarily a shortest one){vals}"
    if engine == "pdr":
        return f"Spacer found the property {'reachable' if q.kind == REACHABLE else 'violated'}; " \
               f"bounded model checking then found a {n} {what}{vals}"
    return f"{q.method}{vals}"


def _explicit_how(r: CheckResult, q: PropertyResult) -> str:
    st, tr = r.stats, q.trace
    if q.kind == PROPERTY:
        if q.verdict is Verdict.VIOLATED and q.detail:
            return f"{q.detail} (a lasso in the reachable state graph)"
        return q.method
    if q.verdict is Verdict.HOLDS and tr is None and r.exhaustive:
        return f"true in all {st.states:,} reachable states (exhaustive breadth-first search, depth {st.depth})"
    if tr is not None and q.verdict in (Verdict.HOLDS, Verdict.VIOLATED):
        what = "witness" if q.kind == REACHABLE else "counterexample"
        return f"the shortest {what} has {_steps(len(tr))} (breadth-first search)"
    return q.method


def _word(q: PropertyResult) -> str:
    if q.kind == REACHABLE:
        return {Verdict.HOLDS: "reachable", Verdict.VIOLATED: "**unreachable**"}.get(q.verdict, q.verdict.value)
    return {Verdict.VIOLATED: "**violated**"}.get(q.verdict, q.verdict.value)


def combined(runs: list[tuple[str, CheckResult]], name: str) -> str:
    """One cell for the runs that prove a property for every allowed value of
    the constants (k-induction and PDR): proved if either proves it, violated
    (with the values) if either refutes it, else unknown."""
    found = [(e, r, find(r, name)) for e, r in runs]
    found = [(e, r, q) for e, r, q in found if q is not None]
    if not found:
        return "—"
    proved = [e for e, _, q in found if q.verdict is Verdict.HOLDS and q.kind != REACHABLE]
    refuted = [(e, q) for e, _, q in found if q.verdict is Verdict.VIOLATED and q.kind != REACHABLE]
    if proved and refuted:
        return "**engines disagree**"
    if proved:
        return "proved (" + ", ".join(ENGINE_TITLE[e] for e in proved) + ")"
    if refuted:
        e, q = refuted[0]
        vals = _values(q.trace)
        return f"**violated**{' ' + vals if vals else ''}: {_steps(len(q.trace))}" if q.trace else "**violated**"
    reach = [q for _, _, q in found if q.kind == REACHABLE]
    if reach and any(q.verdict is Verdict.HOLDS for q in reach):
        return "reachable"
    if reach and any(q.verdict is Verdict.VIOLATED for q in reach):
        return "**unreachable** (proved)"
    return "unknown"


def _spacer_path(q: PropertyResult) -> bool:
    """The trace is Spacer's own path, replayed (not necessarily a shortest one)."""
    e = _how(q)
    return isinstance(e, ev.Pdr) and e.path == "spacer"


def consts_words(trace) -> str:
    """The symbolic constants' values a trace was found for: 'THRESHOLD = 1, N = 2', or ''."""
    if trace is None or not trace.consts:
        return ""
    return ", ".join(f"{k} = {v}" for k, v in trace.consts.items())


def _values(trace) -> str:
    """The values of the symbolic constants a trace was found for: 'for THRESHOLD = 1'."""
    shown = consts_words(trace)
    return f"for {shown}" if shown else ""


def find(r: CheckResult, name: str) -> Optional[PropertyResult]:
    for q in r.properties:
        if q.name == name:
            return q
    return None
