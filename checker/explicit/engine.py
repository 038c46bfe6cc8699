"""Entry point of the explicit-state engine: ``check(spec, options)``."""
from __future__ import annotations

import resource
import sys
import time
from dataclasses import replace

from .. import ir
from ..options import Options
from ..results import (DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK, CheckResult, PropertyResult, Stats, Step,
                       Trace, Verdict)
from .compile import Program
from .ctx import CompileTimeout
from .layout import canon, check_finite
from .search import RESUMABLE, bfs
from .trace import error_detail, error_trace, trace_to


class NeedsConstants(Exception):
    """The spec has constants without values; the explicit engine needs them all."""

    def __init__(self, names: list[str]):
        self.names = names
        example = " ".join(f"--const {n}=VALUE" for n in names)
        super().__init__(
            "the explicit-state engine needs a value for every constant; "
            f"{', '.join(names)} {'has' if len(names) == 1 else 'have'} none "
            f"(give {'it' if len(names) == 1 else 'them'} with {example})")


def _const_names_in(t: ir.Type) -> list[str]:
    names: list[str] = []
    work: list = [t]
    while work:
        x = work.pop()
        if isinstance(x, ir.IntT):
            work += [b for b in (x.lo, x.hi) if b is not None]
        elif isinstance(x, ir.SetT):
            work.append(x.elem)
        elif isinstance(x, ir.SeqT):
            work.append(x.elem)
        elif isinstance(x, ir.MapT):
            work += [x.key, x.value]
        elif isinstance(x, ir.Const):
            names.append(x.name)
        elif isinstance(x, ir.Unary):
            work.append(x.arg)
        elif isinstance(x, ir.Binary):
            work += [x.left, x.right]
        elif isinstance(x, ir.Call):
            work += list(x.args)
    return names


def _require_constants(spec: ir.Spec) -> None:
    names = [c.name for c in spec.symbolic_consts]
    types = [v.type for v in spec.vars] + [p.type for a in spec.actions for p in a.params]
    for t in types:
        try:
            check_finite(t)
        except ir.SymbolicBound:
            names += _const_names_in(t) or [str(t)]
    if names:
        raise NeedsConstants(list(dict.fromkeys(names)))


def _peak_memory() -> int:
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return ru if sys.platform == "darwin" else ru * 1024


def check(spec: ir.Spec, options: Options) -> CheckResult:
    _require_constants(spec)
    t0 = time.perf_counter()
    # --timeout covers compiling too (a spec can be slow to compile: large
    # unrolled loops, many actions); the search gets what is left of it
    deadline = t0 + options.timeout if options.timeout is not None else None
    try:
        prog = Program(spec, options.max_states, deadline)
    except CompileTimeout:
        return _compile_timeout(spec, options, time.perf_counter() - t0)
    compile_seconds = time.perf_counter() - t0
    search_options = options
    if options.timeout is not None:
        search_options = replace(options, timeout=max(options.timeout - compile_seconds, 1e-3))
    wanted = set(options.properties) if options.properties is not None else None

    def want(name: str) -> bool:
        return wanted is None or name in wanted

    want_invs = [k for k, inv in enumerate(spec.invariants) if want(inv.name)]
    want_typeok = want("typeok")
    want_deadlock = options.check_deadlock and want("deadlock")
    goals = tuple(getattr(spec, "reachables", ()))
    want_reach = [k for k, g in enumerate(goals) if want(g.name)]
    need_graph = any(want(p.name) for p in getattr(spec, "properties", ()))
    out = bfs(prog, search_options, want_invs, want_typeok, want_deadlock, want_reach, need_graph)
    found = out.found
    seconds = time.perf_counter() - t0

    if out.exhaustive:
        holds_method = f"exhaustive search ({out.states} states, depth {out.depth})"
    else:
        holds_method = f"bounded (not exhaustive): depth {out.depth}, {out.states} states"
    method_v = "explicit-state breadth-first search (shortest counterexample)"

    def unviolated(name, kind, doc="", line=None):
        verdict = Verdict.HOLDS if out.exhaustive else Verdict.UNKNOWN
        return PropertyResult(name, kind, verdict, holds_method, depth=out.depth, doc=doc,
                              line=line, seconds=seconds)

    props: list[PropertyResult] = []
    for k in want_invs:
        inv = spec.invariants[k]
        line = inv.span.line if inv.span else None
        if k in found.inv:
            s, e = found.inv[k]
            tr = trace_to(prog, out.seen, s)
            if e is None:
                detail = f"invariant {inv.name} is false"
            else:
                detail = f"evaluating invariant {inv.name} failed: {error_detail(prog, e)}"
            props.append(PropertyResult(inv.name, INVARIANT, Verdict.VIOLATED, method_v, tr,
                                        detail, len(tr), doc=inv.doc, line=line,
                                        seconds=seconds))
        else:
            props.append(unviolated(inv.name, INVARIANT, inv.doc, line))
    temporal = [p for p in getattr(spec, "properties", ()) if want(p.name)]
    if temporal and out.exhaustive:
        from .liveness import Graph, find_violation, lasso_trace, predicate
        graph = Graph(prog, out.seen)
    for p in temporal:
        line = p.span.line if p.span else None
        if not out.exhaustive:
            props.append(unviolated(p.name, PROPERTY, p.doc, line))
            continue
        pq = predicate(prog, p.q) if p.q is not None else None
        lasso = find_violation(graph, p, predicate(prog, p.p), pq)
        if lasso is None:
            props.append(PropertyResult(
                p.name, PROPERTY, Verdict.HOLDS,
                f"exhaustive search ({out.states} states): no fair behaviour violates it",
                depth=out.depth, doc=p.doc, line=line, seconds=seconds))
        else:
            tr = lasso_trace(graph, lasso)
            what = ("a reachable state violates it" if tr.loop_start is None else
                    f"a fair behaviour that repeats from step {tr.loop_start} forever "
                    "violates it")
            props.append(PropertyResult(
                p.name, PROPERTY, Verdict.VIOLATED,
                "explicit-state search: fair lasso in the reachable graph", tr, what, len(tr),
                doc=p.doc, line=line, seconds=seconds))
    for k in want_reach:
        g = goals[k]
        line = g.span.line if g.span else None
        if k in found.reach:
            tr = trace_to(prog, out.seen, found.reach[k])
            tr.kind = "witness"
            props.append(PropertyResult(
                g.name, REACHABLE, Verdict.HOLDS,
                f"witness found at depth {len(tr)} (explicit-state search, shortest witness)",
                tr, f"reached a state where {ir.show_expr(g.expr)}", len(tr), doc=g.doc,
                line=line, seconds=seconds))
        elif out.exhaustive:
            props.append(PropertyResult(
                g.name, REACHABLE, Verdict.VIOLATED, holds_method, None,
                f"unreachable: no reachable state satisfies {ir.show_expr(g.expr)}", out.depth,
                doc=g.doc, line=line, seconds=seconds))
        else:
            props.append(unviolated(g.name, REACHABLE, g.doc, line))
    if want_typeok:
        if found.typeok is not None:
            tr, detail = _typeok_trace(prog, out, found.typeok)
            props.append(PropertyResult("typeok", TYPEOK, Verdict.VIOLATED, method_v, tr,
                                        detail, len(tr), seconds=seconds))
        else:
            props.append(unviolated("typeok", TYPEOK))
    if want_deadlock:
        if found.deadlock is not None:
            tr = trace_to(prog, out.seen, found.deadlock)
            props.append(PropertyResult("deadlock", DEADLOCK, Verdict.VIOLATED, method_v, tr,
                                        "no action can take a step", len(tr),
                                        seconds=seconds))
        else:
            props.append(unviolated("deadlock", DEADLOCK))

    notes = ["exact: full states stored",
             f"state encoding: {prog.layout.total_bits} bits per state; "
             f"compiled in {compile_seconds:.3f}s"]
    limits = {"max_depth": f"stopped at --max-depth {options.max_depth}",
              "max_states": f"stopped at --max-states {options.max_states}",
              "timeout": f"stopped by the timeout ({options.timeout}s)",
              "max_memory": f"stopped at --max-memory {options.max_memory_mb:g} MB "
                            f"(resident set {out.memory_mb:.0f} MB)" if options.max_memory_mb else "",
              "interrupted": "interrupted: stopped at a signal, partial result",
              "all decided": "stopped early: every checked property is already decided "
                             "(violated, or its goal reached)"}
    if out.stopped_by is not None:
        notes.append(limits[out.stopped_by])
    if out.resumed is not None:
        r = out.resumed
        notes.append(f"resumed from a checkpoint ({r['states']} states, depth {r['depth']}"
                     f"{', search already finished' if r['done'] else ''})")
    if out.checkpoint_path is not None and out.checkpoints:
        notes.append(f"checkpoint: {out.checkpoint_path}"
                     + (" (resume with --resume)" if out.stopped_by in RESUMABLE else ""))
    stats = Stats(states=out.states, transitions=out.transitions, depth=out.depth,
                  seconds=seconds, peak_memory_bytes=_peak_memory(),
                  extra={"search_seconds": out.seconds, "compile_seconds": compile_seconds})
    return CheckResult(spec.name, spec.file, "explicit", spec.const_values(), props, stats,
                       out.exhaustive, notes)


def _compile_timeout(spec: ir.Spec, options: Options, seconds: float) -> CheckResult:
    """The timeout expired while compiling: nothing was explored, every
    wanted property is unknown."""
    wanted = set(options.properties) if options.properties is not None else None
    items = [(i.name, INVARIANT, i) for i in spec.invariants]
    items += [(p.name, PROPERTY, p) for p in getattr(spec, "properties", ())]
    items += [(g.name, REACHABLE, g) for g in getattr(spec, "reachables", ())]
    items.append(("typeok", TYPEOK, None))
    if options.check_deadlock:
        items.append(("deadlock", DEADLOCK, None))
    method = f"not checked: the timeout ({options.timeout:g}s) expired while compiling the spec"
    props = [PropertyResult(name, kind, Verdict.UNKNOWN, method, depth=0,
                            doc=getattr(d, "doc", "") or "",
                            line=d.span.line if d is not None and d.span else None,
                            seconds=seconds)
             for name, kind, d in items if wanted is None or name in wanted]
    stats = Stats(states=0, transitions=0, depth=0, seconds=seconds,
                  peak_memory_bytes=_peak_memory(), extra={"compile_seconds": seconds})
    notes = ["exact: full states stored",
             f"stopped by the timeout ({options.timeout:g}s) while compiling: no state explored"]
    return CheckResult(spec.name, spec.file, "explicit", spec.const_values(), props, stats,
                       False, notes)


def _typeok_trace(prog: Program, out, rec) -> tuple[Trace, str]:
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
    return error_trace(prog, out.seen, parent, e, ai, b), error_detail(prog, e)
