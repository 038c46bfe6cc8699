"""The proof page of one spec: what it models, its constants and
assumptions, every property with each engine's verdict and how it was
obtained, the counterexamples, and (small specs) the state graph.

Rendered from the IR and the results only; no timings, so the same specs
and settings give the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from .. import engines, ir
from ..results import PROPERTY, REACHABLE, CheckResult, PropertyResult, Verdict
from .diagrams import cell as md_cell
from .diagrams import mermaid, trace_table
from .words import (BUILTIN_DOC, ENGINE_TITLE, cell, combined, consts_words, doc_text, find, sentence, short,
                    source_text, statement, terminal_sentence)



@dataclass
class Runs:
    """One spec's results: at the declared constant values per engine, and
    (for constants with a ``where`` clause) the Z3 engines for every value."""

    spec: ir.Spec
    at_values: Mapping[str, CheckResult]
    all_values: Mapping[str, CheckResult]
    settings: object  # DocsSettings

    @property
    def names(self) -> list[str]:
        first = next(iter(self.at_values.values()))
        return [p.name for p in first.properties]

    @property
    def where_consts(self) -> list[ir.ConstDecl]:
        return [c for c in self.spec.consts if c.where is not None]

    def all_values_title(self) -> str:
        return "every " + ", ".join(source_text(self.spec, c.where) for c in self.where_consts)

    def columns(self) -> list[str]:
        return [ENGINE_TITLE.get(e, e) for e in self.at_values] + ([self.all_values_title()] if self.all_values else [])

    def cells(self, name: str) -> list[str]:
        out = [cell(e, r, find(r, name)) for e, r in self.at_values.items()]
        if self.all_values:
            out.append(combined(list(self.all_values.items()), name))
        return out

    def doc(self, name: str) -> str:
        for x in (*self.spec.invariants, *self.spec.properties, *self.spec.reachables):
            if x.name == name:
                return doc_text(x.doc)
        if name == "deadlock" and self.spec.terminals:
            return BUILTIN_DOC[name] + " " + terminal_sentence(self.spec)
        return BUILTIN_DOC.get(name, "")


def explicit_summary(r: CheckResult) -> str:
    s = r.stats
    if r.exhaustive:
        return (f"The explicit search visited every reachable state: {s.states:,} states, "
                f"{s.transitions:,} transitions, depth {s.depth}.")
    return (f"The explicit search stopped before visiting every state ({s.states:,} states, depth {s.depth}): "
            f"its results are bounded, not exhaustive.")


def spec_page(runs: Runs, source_link: str, graph: Optional[dict], dot_name: str) -> str:
    spec = runs.spec
    out = [f"# {spec.name}", ""]
    if spec.doc:
        out += ["> " + line if line else ">" for line in doc_text(spec.doc).splitlines()] + [""]
    out += [f"Source: [`{source_link}`]({source_link}) · [all specs](README.md)", ""]
    out += _verdict_summary(runs)
    out += _setting(runs)
    out += ["## Properties", ""]
    cols = runs.columns()
    out.append("| property | statement | " + " | ".join(cols) + " |")
    out.append("|---|---|" + "---|" * len(cols))
    for name in runs.names:
        out.append(f"| [`{name}`](#{_anchor(name)}) | `{md_cell(short(statement(spec, name)))}` | "
                   + " | ".join(md_cell(c) for c in runs.cells(name)) + " |")
    out.append("")
    ex = runs.at_values.get("explicit")
    if ex is not None:
        out += [explicit_summary(ex), ""]
        warnings = [n for n in ex.notes if n.startswith("warning: ")]
        out += [f"- {n}" for n in warnings] + ([""] if warnings else [])
    for name in runs.names:
        out += _details(runs, name)
    if graph is not None:
        out += _graph_section(graph, dot_name)
    out += _method_section(runs)
    return "\n".join(out).rstrip() + "\n"


def _anchor(name: str) -> str:
    """GitHub's anchor of a heading that is a property name (lower case, '_' kept)."""
    return name.lower()


def _verdict_summary(runs: Runs) -> list[str]:
    first = next(iter(runs.at_values.values()))
    counts: dict[str, int] = {}
    for p in first.properties:
        counts[p.verdict.value] = counts.get(p.verdict.value, 0) + 1
    word = {"holds": "hold", "violated": "violated", "unknown": "unknown", "error": "error"}
    parts = [f"{counts[w]} {word[w] if counts[w] > 1 else w}" for w in word if counts.get(w)]
    engine = ENGINE_TITLE.get(first.engine, first.engine)
    return [f"**{len(first.properties)} properties** ({engine}): " + ", ".join(parts) + ".", ""]


def _setting(runs: Runs) -> list[str]:
    spec = runs.spec
    out: list[str] = []
    if spec.consts:
        out += ["## Constants and assumptions", "", "| constant | value checked | constraint |", "|---|---|---|"]
        for c in spec.consts:
            value = str(c.value) if c.value is not None else "none (symbolic)"
            if c.where is not None:
                cons = f"`{source_text(spec, c.where)}`: the Z3 engines also check every such value"
            else:
                cons = f"`{c.type}`" if c.type.concrete else ""
            out.append(f"| `{c.name}` | {value} | {md_cell(cons)} |")
        out.append("")
    if spec.fairness:
        if not spec.consts:
            out += ["## Constants and assumptions", ""]
        out.append("Fairness assumed by the temporal properties:")
        out.append("")
        out += [f"- {f.kind} fairness on {f.origin}" for f in spec.fairness]
        out.append("")
    return out


def _details(runs: Runs, name: str) -> list[str]:
    spec = runs.spec
    out = [f"### {name}", ""]
    doc = runs.doc(name)
    if doc:
        out += [doc, ""]
    out += ["```", statement(spec, name), "```", ""]
    want = expected_verdict(spec, name)
    if want is not None and want != "holds":
        out += [f"The spec expects this property to be **{want}**: it documents a flaw of the design "
                f"(`pytest spec/` passes while the verdict is the expected one).", ""]
    for e, r in runs.at_values.items():
        q = find(r, name)
        if q is not None:
            out.append(f"- **{ENGINE_TITLE.get(e, e)}**: {sentence(e, r, q, spec, _rlimit(runs))}")
    for e, r in runs.all_values.items():
        q = find(r, name)
        if q is not None:
            out.append(f"- **{ENGINE_TITLE.get(e, e)}, {runs.all_values_title()}**: "
                       f"{sentence(e, r, q, spec, _rlimit(runs))}")
    out.append("")
    verdicts = {q.verdict for r in runs.at_values.values() if (q := find(r, name)) is not None}
    if {Verdict.HOLDS, Verdict.VIOLATED} <= verdicts:
        out += ["**The engines disagree on this property at the same constant values: that is a bug in the "
                "checker, not a property of the design.**", ""]
    for title, inv in _invariants(runs, name):
        out += [f"Inductive invariant found by PDR{title}:", "", "```", inv, "```", ""]
    out += _traces(runs, name)
    return out


def _rlimit(runs: Runs) -> Optional[int]:
    """The resource limit per solver call the Z3 engines ran under (DocsSettings.rlimit)."""
    return getattr(runs.settings, "rlimit", None)


def expected_verdict(spec: ir.Spec, name: str) -> Optional[str]:
    """The verdict the spec's author expects (``expect: violated [when N=V]``
    in the doc comment, or ``// expect NAME: violated``), as the pytest plugin
    reads it (checker.expectations)."""
    from ..expectations import expected_verdict as expected

    return expected(spec, name)


def _invariants(runs: Runs, name: str) -> list[tuple[str, str]]:
    out = []
    for title, results in (("", runs.at_values), (f" ({runs.all_values_title()})", runs.all_values)):
        r = results.get("pdr")
        q = find(r, name) if r is not None else None
        if q is not None and q.verdict is Verdict.HOLDS and q.kind != REACHABLE and q.found_invariant \
                and q.found_invariant != "true":
            out.append((title, q.found_invariant))
    if len(out) == 2 and out[0][1] == out[1][1]:
        out = [(f" (the same at the values checked and for {runs.all_values_title()[6:]})", out[0][1])]
    return out


def _traces(runs: Runs, name: str) -> list[str]:
    """The shortest trace at the declared values (the first engine that has
    one, explicit first), and one for other constant values when only the
    all-values run refutes the property."""
    out: list[str] = []
    shown = None
    for e, r in runs.at_values.items():
        q = find(r, name)
        if q is not None and q.trace is not None and q.trace.kind != "cti":
            out += _trace_block(runs.spec, e, q, "")
            shown = q
            break
    if shown is None or shown.verdict is not Verdict.VIOLATED:
        for e, r in runs.all_values.items():
            q = find(r, name)
            if q is not None and q.verdict is Verdict.VIOLATED and q.kind != REACHABLE and q.trace is not None:
                out += _trace_block(runs.spec, e, q, f", {runs.all_values_title()}")
                break
    return out


def _trace_block(spec: ir.Spec, engine: str, q: PropertyResult, where: str) -> list[str]:
    tr = q.trace
    what = {"counterexample": "Shortest counterexample" if engine in ("explicit", "bmc") else "Counterexample",
            "witness": "Shortest witness" if engine in ("explicit", "bmc") else "Witness"}.get(tr.kind, "Trace")
    if q.kind == PROPERTY and tr.loop_start is not None:
        what = "Counterexample (a behaviour that repeats forever)"
    head = f"{what} ({ENGINE_TITLE.get(engine, engine)}{where}, {len(tr)} step{'' if len(tr) == 1 else 's'})"
    if where and consts_words(tr):
        head += ", with " + consts_words(tr)
    return [head + ":", ""] + trace_table(tr, spec) + [""] + mermaid(tr, spec) + [""]


def _graph_section(graph: dict, dot_name: str) -> list[str]:
    out = ["## State graph", "",
           f"All {graph['states']} reachable states and {graph['transitions']} transitions. "
           "Bold: initial state" + ("; red: the last state of a counterexample above" if graph["bad"] else "")
           + ". Each box shows the variables that differ between states"
           + (f"; in every state {', '.join(graph['fixed'])}" if graph["fixed"] else "") + ".", ""]
    out += graph["mermaid"] + [""]
    out += [f"The same graph in Graphviz DOT: [`{dot_name}`]({dot_name}) "
            f"(`dot -Tsvg {dot_name} -o {dot_name[:-4]}.svg`).", ""]
    return out


def _method_section(runs: Runs) -> list[str]:
    s = runs.settings
    out = ["## How these results were obtained", ""]
    for e in runs.at_values:
        if e == "explicit":
            out.append("- **explicit search**: breadth-first search over every reachable state at the constant "
                       "values above; a counterexample is a shortest one. Temporal properties are checked on "
                       "the whole state graph under the fairness assumptions.")
        elif e == "kind":
            out.append(f"- **k-induction** (Z3): a property is proved with k when it holds in the first k "
                       f"steps and any k consecutive states satisfying it are followed by one that does; "
                       f"k = 1..{s.max_k} is tried.")
        elif e == "pdr":
            out.append("- **PDR** (Z3's Spacer): searches for an inductive invariant that implies the "
                       "property; the invariant it found is checked again with plain SMT queries and shown.")
    if runs.all_values:
        out.append(f"- **{runs.all_values_title()}**: the Z3 engines again, with the constants that have a "
                   "`where` clause left symbolic: a proof there holds for every allowed value.")
    if not any(engines.engine(e).family in (engines.BOUNDED, engines.PROVING) for e in runs.at_values):
        return out + [""]
    out += ["", f"Z3 runs use random seed {s.seed} and a resource limit of {s.rlimit:,} units per solver call "
                f"(z3 `rlimit`, counted in solver steps, not seconds), so the verdicts are the same on every run "
                f"of the same Z3 version; \"unknown: resource limit\" means the engine stopped at that limit.", ""]
    return out
