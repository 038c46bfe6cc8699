"""The property results of an explicit search, built from its ``Outcome``:
each property's verdict, method words (unchanged, pinned by tests), trace
and evidence (``checker.evidence.Search``: the counts, whether every
reachable state was visited, why the search stopped, the store)."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Optional

from .. import evidence, ir
from ..options import Options
from ..results import (DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK, PropertyResult, Step, Trace,
                       Verdict)
from .compile import Program
from .goals import Goals
from .layout import canon
from .stop import RESUMABLE, evidence_reason
from .trace import error_detail, error_trace, trace_to


@dataclass
class Searched:
    """What the results are built from: the spec, its compiled program,
    the search's outcome and how it is described."""

    spec: ir.Spec
    prog: Program
    options: Options
    goals: Goals
    out: object                 # search.Outcome
    seconds: float
    holds_method: str           # a property the search did not find violated
    violated_method: str        # a safety violation's trace
    evidence: evidence.Search

    def result(self, name, kind, verdict, method, trace=None, detail="", depth=None, doc="", line=None,
               ev=None) -> PropertyResult:
        return PropertyResult(name, kind, verdict, method, trace, detail, depth, doc=doc, line=line,
                              seconds=self.seconds, evidence=ev if ev is not None else self.evidence)

    def unviolated(self, name, kind, doc="", line=None) -> PropertyResult:
        verdict = Verdict.HOLDS if self.out.exhaustive else Verdict.UNKNOWN
        return self.result(name, kind, verdict, self.holds_method, depth=self.out.depth, doc=doc, line=line)


def describe(spec: ir.Spec, prog: Program, options: Options, goals: Goals, out, seconds: float,
             stop_words: str, store: str, por: bool) -> Searched:
    """The method words and the evidence of a finished search."""
    reduced = " with symmetry reduction" if prog.symmetry is not None else ""
    if out.exhaustive:
        holds = f"exhaustive search{reduced} ({out.states} states, depth {out.depth})"
    else:
        holds = f"bounded (not exhaustive){reduced}: depth {out.depth}, {out.states} states"
        if out.stopped_by in RESUMABLE and stop_words:   # why it stopped, in words
            holds += f"; {stop_words}"
    violated = "explicit-state breadth-first search (shortest counterexample)"
    if por:
        if out.exhaustive:
            holds = holds.replace("search (", "search with partial-order reduction (", 1)
        violated = ("explicit-state breadth-first search with partial-order reduction "
                    "(a real counterexample, not necessarily shortest)")
    ev = evidence.Search(engine="distributed" if options.distributed else "explicit", states=out.states,
                         depth=out.depth, complete=out.exhaustive, stopped_by=evidence_reason(out.stopped_by),
                         shortest=not por, store=store)
    return Searched(spec, prog, options, goals, out, seconds, holds, violated, ev)


def _line(decl) -> Optional[int]:
    return decl.span.line if decl is not None and decl.span else None


def invariant_results(s: Searched) -> list[PropertyResult]:
    found = s.out.found
    props = []
    for k in s.goals.invs:
        inv = s.spec.invariants[k]
        if k not in found.inv:
            props.append(s.unviolated(inv.name, INVARIANT, inv.doc, _line(inv)))
            continue
        state, e = found.inv[k]
        tr = trace_to(s.prog, s.out.seen, state)
        detail = (f"invariant {inv.name} is false" if e is None else
                  f"evaluating invariant {inv.name} failed: {error_detail(s.prog, e)}")
        props.append(s.result(inv.name, INVARIANT, Verdict.VIOLATED, s.violated_method, tr, detail, len(tr),
                              doc=inv.doc, line=_line(inv)))
    return props


def fairness_words(spec: ir.Spec, options: Options) -> str:
    fairness = ir.fairness_words(spec)
    if options.semantics == "tla":
        fairness = ("checked with no fairness" if not spec.fairness else fairness) + (
            "; TLA+ semantics: every state may stutter forever, and a step that changes nothing "
            "does not count as a fair action taken")
    return fairness


def temporal_results(s: Searched, extra: dict) -> list[PropertyResult]:
    """The temporal properties, checked on the reachable graph after an
    exhaustive search (unknown otherwise); ``extra`` gets the timings."""
    if not s.goals.temporal:
        return []
    if not s.out.exhaustive:
        return [s.unviolated(p.name, PROPERTY, p.doc, _line(p)) for p in s.goals.temporal]
    from .liveness import Graph, find_violation, predicate
    t_graph = time.perf_counter()
    graph = Graph(s.prog, s.out.seen, tla=s.options.semantics == "tla")
    extra.update({"graph_seconds": time.perf_counter() - t_graph, "graph_edges": graph.sg.edges,
                  "graph_bytes": graph.sg.nbytes() + graph.enabled.nbytes})
    fairness = fairness_words(s.spec, s.options)
    props = []
    for p in s.goals.temporal:
        pq = predicate(s.prog, p.q) if p.q is not None else None
        t_prop = time.perf_counter()
        lasso = find_violation(graph, p, predicate(s.prog, p.p), pq)
        extra["liveness_seconds"] = extra.get("liveness_seconds", 0.0) + time.perf_counter() - t_prop
        props.append(_temporal_result(s, p, graph, lasso, fairness))
    return props


def _temporal_result(s: Searched, p, graph, lasso, fairness: str) -> PropertyResult:
    from .liveness import lasso_trace
    if lasso is None:
        return s.result(p.name, PROPERTY, Verdict.HOLDS,
                        f"exhaustive search ({s.out.states} states): no fair behaviour violates it; {fairness}",
                        depth=s.out.depth, doc=p.doc, line=_line(p))
    tr = lasso_trace(graph, lasso)
    what = ("a reachable state violates it" if tr.loop_start is None else
            f"a fair behaviour that repeats from step {tr.loop_start} forever violates it")
    return s.result(p.name, PROPERTY, Verdict.VIOLATED,
                    f"explicit-state search: fair lasso in the reachable graph; {fairness}", tr, what, len(tr),
                    doc=p.doc, line=_line(p), ev=replace(s.evidence, shortest=False))


def reach_results(s: Searched) -> list[PropertyResult]:
    goals = tuple(getattr(s.spec, "reachables", ()))
    found = s.out.found
    props = []
    for k in s.goals.reach:
        g = goals[k]
        if k in found.reach:
            tr = trace_to(s.prog, s.out.seen, found.reach[k])
            tr.kind = "witness"
            props.append(s.result(g.name, REACHABLE, Verdict.HOLDS,
                                  f"witness found at depth {len(tr)} (explicit-state search, shortest witness)",
                                  tr, f"reached a state where {ir.show_expr(g.expr)}", len(tr), doc=g.doc,
                                  line=_line(g)))
        elif s.out.exhaustive:
            props.append(s.result(g.name, REACHABLE, Verdict.VIOLATED, s.holds_method, None,
                                  f"unreachable: no reachable state satisfies {ir.show_expr(g.expr)}",
                                  s.out.depth, doc=g.doc, line=_line(g)))
        else:
            props.append(s.unviolated(g.name, REACHABLE, g.doc, _line(g)))
    return props


def builtin_results(s: Searched) -> list[PropertyResult]:
    """typeok and deadlock, when checked"""
    found = s.out.found
    props = []
    if s.goals.typeok:
        if found.typeok is not None:
            tr, detail = typeok_trace(s.prog, s.out.seen, found.typeok)
            props.append(s.result("typeok", TYPEOK, Verdict.VIOLATED, s.violated_method, tr, detail, len(tr)))
        else:
            props.append(s.unviolated("typeok", TYPEOK))
    if s.goals.deadlock:
        if found.deadlock is not None:
            tr = trace_to(s.prog, s.out.seen, found.deadlock)
            props.append(s.result("deadlock", DEADLOCK, Verdict.VIOLATED, s.violated_method, tr,
                                  "no action can take a step", len(tr)))
        else:
            props.append(s.unviolated("deadlock", DEADLOCK))
    return props


def refinement_results(s: Searched) -> list[PropertyResult]:
    """``refines A from "a.spec"``: checked here only (checker/explicit/refinement.py)"""
    if not getattr(s.spec, "refinements", ()):
        return []
    from .refinement import check_abstract_properties, check_refinement, liveness_refusal
    props = []
    for r in s.spec.refinements:
        if s.goals.want(r.name):
            props.append(check_refinement(s.spec, r, s.options.max_states))
            if s.out.exhaustive:
                props += check_abstract_properties(s.spec, r, s.prog, s.out.seen, s.options.semantics == "tla",
                                                   depth=s.out.depth)
            refusal = liveness_refusal(r)
            if refusal is not None:
                props.append(refusal)
    return props


def typeok_trace(prog: Program, seen, rec) -> tuple[Trace, str]:
    """The trace and words of a typeok violation record (``Found.typeok``)."""
    if rec[0] == "initerr":
        return Trace([Step(None, (), {})]), f"evaluating the initial values failed: " \
            f"{error_detail(prog, rec[1])}"
    if rec[0] == "init":
        _, values, (i, x) = rec
        state = {}
        for f, v in zip(prog.layout.fields, values):
            state[f.name] = canon(f.type, v)
        v = prog.spec.vars[i]
        line = v.span.line if v.span else "?"
        detail = (f"{v.name} = {ir.show_value(state[v.name])} is outside its type {v.type} "
                  f"(initial value, line {line})")
        return Trace([Step(None, (), state)]), detail
    parent, e, ai, b = rec
    return error_trace(prog, seen, parent, e, ai, b), error_detail(prog, e)
