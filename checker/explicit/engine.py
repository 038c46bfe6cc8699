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
from ..cancel import MAX_MEMORY, TIMEOUT, for_options, words
from .compile import Program
from .ctx import CompileTimeout
from .layout import canon, check_finite
from .search import RESUMABLE, bfs
from .trace import error_detail, error_trace, trace_to
from ..errors import NeedsConstants, StoreOptionError  # noqa: F401  (raised here; matched by type in checker/orchestrate)


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
        elif not isinstance(x, (ir.BoolT, ir.EnumT)):
            work += ir.children(x)   # a bound's expression
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


STORES = ("dict", "compact")


def _store_for(options: Options, need_graph: bool) -> tuple[str, str | None]:
    """The store this run uses and, when it is not the one asked for, why."""
    if options.store not in STORES:
        raise StoreOptionError(f"--store {options.store}: unknown store; choose dict or compact")
    if not isinstance(options.workers, int) or options.workers < 1:
        raise StoreOptionError(f"--workers {options.workers}: must be a whole number >= 1")
    if options.workers > 1 and options.store != "compact":
        raise StoreOptionError(f"--workers {options.workers}: needs --store compact "
                               "(the reference dict store runs in one process)")
    if options.store == "compact":
        if options.checkpoint_dir is not None or options.resume_dir is not None:
            raise StoreOptionError("--checkpoint/--resume: not supported with --store compact "
                                   "(use the default --store dict)")
        if options.workers > 1:
            from .workers import fork_available
            if not fork_available():
                raise StoreOptionError(f"--workers {options.workers}: needs the fork start "
                                       "method, which this platform lacks")
        if need_graph:
            return "dict", ("--store compact: temporal properties are checked on the reference "
                            "dict store (they need the whole state graph), in one process")
    return options.store, None


def _peak_memory() -> int:
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return ru if sys.platform == "darwin" else ru * 1024


def check(spec: ir.Spec, options: Options) -> CheckResult:
    _require_constants(spec)
    t0 = time.perf_counter()
    wanted = set(options.properties) if options.properties is not None else None

    def want(name: str) -> bool:
        return wanted is None or name in wanted

    # Temporal properties are checked on the reachable graph under per-instance
    # fairness; that graph is not quotiented here, so they get the full search.
    temporal_wanted = any(want(p.name) for p in getattr(spec, "properties", ()))
    use_symmetry = bool(spec.symmetric) and options.symmetry and not temporal_wanted
    # --timeout covers compiling too (a spec can be slow to compile: large
    # unrolled loops, many actions); the search gets what is left of it
    cancel = for_options(options)
    left = cancel.remaining()
    deadline = t0 + left if left is not None else None
    try:
        prog = Program(spec, options.max_states, symmetry=use_symmetry, deadline=deadline,
                       cancel=cancel)
    except CompileTimeout:
        return _compile_timeout(spec, options, time.perf_counter() - t0, cancel.words())
    compile_seconds = time.perf_counter() - t0
    search_options = replace(options, cancel=cancel)

    want_invs = [k for k, inv in enumerate(spec.invariants) if want(inv.name)]
    want_typeok = want("typeok")
    want_deadlock = options.check_deadlock and want("deadlock")
    goals = tuple(getattr(spec, "reachables", ()))
    want_reach = [k for k, g in enumerate(goals) if want(g.name)]
    need_graph = any(want(p.name) for p in getattr(spec, "properties", ()))
    store, store_note = _store_for(options, need_graph)
    if options.traces > 1 and store != "dict":
        raise StoreOptionError(f"--traces {options.traces}: needs the default --store dict (the further "
                               "traces are read from every stored state's parent)")
    vprog, backend_note = None, None
    if options.backend != "scalar" or options.por:   # checker/explicit/vector/plan.py: the rule
        from .vector.plan import make_expander, plan_backend
        vprog, backend_note = plan_backend(prog, options, need_graph, want_invs)
        if vprog is not None:
            store, store_note = "compact", None
    try:
        if options.distributed:      # over MPI ranks: checker/distributed/ (checks done there)
            from ..distributed.search import bfs_distributed
            out = bfs_distributed(prog, search_options, want_invs, want_typeok, want_deadlock, want_reach)
        elif store == "compact":
            from .compact import bfs_compact
            out = bfs_compact(prog, search_options, want_invs, want_typeok, want_deadlock, want_reach,
                              make_expander(vprog, options) if vprog is not None else None)
        else:
            # --traces: no early stop once every property is violated (the further traces are in the rest)
            out = bfs(prog, search_options, want_invs, want_typeok, want_deadlock, want_reach,
                      need_graph or options.traces > 1)
    except CompileTimeout:    # the compact store compiles its level functions on first use
        return _compile_timeout(spec, options, time.perf_counter() - t0, cancel.words())
    prog.attach(None)   # rebuilding traces and the scans below must not stop half-way
    found = out.found
    constraint_note = None
    if spec.constraints and out.exhaustive:   # count as TLC does: only the states inside the constraint
        from .constrained import inside_counts
        out.states, out.depth, outside = inside_counts(prog, out.seen)
        constraint_note = (f"state constraint {', '.join(c.name for c in spec.constraints)}: {outside} states "
                           "outside it were reached and checked but not explored nor counted (TLC's CONSTRAINT)")
    seconds = time.perf_counter() - t0

    sym_note, sym_extra = _symmetry_report(spec, prog, out, options, temporal_wanted)
    reduced = " with symmetry reduction" if prog.symmetry is not None else ""
    if out.exhaustive:
        holds_method = f"exhaustive search{reduced} ({out.states} states, depth {out.depth})"
    else:
        holds_method = f"bounded (not exhaustive){reduced}: depth {out.depth}, {out.states} states"
        if out.stopped_by in RESUMABLE and cancel.words():   # why it stopped, in words
            holds_method += f"; {cancel.words()}"
    method_v = "explicit-state breadth-first search (shortest counterexample)"
    if getattr(vprog, "reduction", None) is not None:
        reduced += " and partial-order reduction"
        holds_method = holds_method.replace("search (", "search with partial-order reduction (", 1) \
            if out.exhaustive else holds_method
        method_v = ("explicit-state breadth-first search with partial-order reduction "
                    "(a real counterexample, not necessarily shortest)")

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
    live_extra: dict = {}
    if temporal and out.exhaustive:
        from .liveness import Graph, find_violation, lasso_trace, predicate
        t_graph = time.perf_counter()
        graph = Graph(prog, out.seen, tla=options.semantics == "tla")
        live_extra = {"graph_seconds": time.perf_counter() - t_graph, "graph_edges": graph.sg.edges,
                      "graph_bytes": graph.sg.nbytes() + graph.enabled.nbytes}
    fairness = ir.fairness_words(spec)
    if options.semantics == "tla":
        fairness = ("checked with no fairness" if not spec.fairness else fairness) + (
            "; TLA+ semantics: every state may stutter forever, and a step that changes nothing "
            "does not count as a fair action taken")
    for p in temporal:
        line = p.span.line if p.span else None
        if not out.exhaustive:
            props.append(unviolated(p.name, PROPERTY, p.doc, line))
            continue
        pq = predicate(prog, p.q) if p.q is not None else None
        t_prop = time.perf_counter()
        lasso = find_violation(graph, p, predicate(prog, p.p), pq)
        live_extra["liveness_seconds"] = live_extra.get("liveness_seconds", 0.0) + time.perf_counter() - t_prop
        if lasso is None:
            props.append(PropertyResult(
                p.name, PROPERTY, Verdict.HOLDS,
                f"exhaustive search ({out.states} states): no fair behaviour violates it; {fairness}",
                depth=out.depth, doc=p.doc, line=line, seconds=seconds))
        else:
            tr = lasso_trace(graph, lasso)
            what = ("a reachable state violates it" if tr.loop_start is None else
                    f"a fair behaviour that repeats from step {tr.loop_start} forever "
                    "violates it")
            props.append(PropertyResult(
                p.name, PROPERTY, Verdict.VIOLATED,
                f"explicit-state search: fair lasso in the reachable graph; {fairness}", tr, what, len(tr),
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
    if spec.refinements:   # `refines A from "a.spec"`: checked here only (checker/explicit/refinement.py)
        from .refinement import check_abstract_properties, check_refinement, liveness_refusal
        for r in spec.refinements:
            if want(r.name):
                props.append(check_refinement(spec, r, options.max_states))
                if out.exhaustive:
                    props += check_abstract_properties(spec, r, prog, out.seen, options.semantics == "tla")
                refusal = liveness_refusal(r)
                if refusal is not None:
                    props.append(refusal)

    traces_notes = []
    if options.traces > 1:
        from .many import add_more_traces
        traces_notes = add_more_traces(prog, out, props, options.traces)

    if store == "compact":
        per = "8 bytes (uint64)" if prog.layout.total_bits <= 64 else \
            f"{(prog.layout.total_bits + 7) // 8} bytes"
        stored = (f"exact, full states stored: compact store, sorted numpy arrays, "
                  f"{per} + 1 depth byte per state" + (f"; {options.workers} worker processes"
                                       if options.workers > 1 else ""))
    else:
        stored = "exact: full states stored"
    notes = [stored] + ([store_note] if store_note else []) + [
             f"state encoding: {prog.layout.total_bits} bits per state; "
             f"compiled in {compile_seconds:.3f}s"]
    if sym_note:
        notes.append(sym_note)
    notes += traces_notes
    if backend_note:
        notes.append(backend_note)
    limits = {"max_depth": f"stopped at --max-depth {options.max_depth}",
              "max_states": f"stopped at --max-states {options.max_states}",
              "timeout": f"stopped: {cancel.words() or words(TIMEOUT, options.timeout)}",
              "max_memory": f"stopped: {words(MAX_MEMORY, max_memory_mb=options.max_memory_mb)} "
                            f"(resident set {out.memory_mb:.0f} MB)" if options.max_memory_mb else "",
              "interrupted": f"stopped: {cancel.words() or 'interrupted'}, partial result",
              "all decided": "stopped early: every checked property is already decided "
                             "(violated, or its goal reached)"}
    if out.stopped_by is not None:
        notes.append(limits[out.stopped_by])
    if out.unchecked:
        notes.append(f"{out.unchecked} stored states were never expanded nor checked "
                     "(stopped before their turn)")
    if out.resumed is not None:
        r = out.resumed
        notes.append(f"resumed from a checkpoint ({r['states']} states, depth {r['depth']}"
                     f"{', search already finished' if r['done'] else ''})")
    if out.checkpoint_path is not None and out.checkpoints:
        notes.append(f"checkpoint: {out.checkpoint_path}"
                     + (" (resume with --resume)" if out.stopped_by in RESUMABLE else ""))
    extra = {"search_seconds": out.seconds, "compile_seconds": compile_seconds,
             **getattr(out, "extra", {})}
    if store == "compact":
        extra["store"] = store
        extra["store_bytes"] = out.store_bytes
        extra["workers"] = options.workers
    if constraint_note:
        notes.append(constraint_note)
    if out.checks_skipped is not None:     # invariant skipping (readsets.py)
        extra["invariant_checks_skipped"] = out.checks_skipped
    if vprog is not None:
        ex = out.expander
        extra["backend"] = "vector"
        extra["vector_chunks"] = ex.chunks
        extra["scalar_chunks"] = ex.scalar_chunks     # chunks with something to report
        if ex.red is not None:
            extra["por_reduced_states"] = ex.reduced_rows  # states expanded with an ample set
    stats = Stats(states=out.states, transitions=out.transitions, depth=out.depth,
                  seconds=seconds, peak_memory_bytes=_peak_memory(),
                  extra={**extra, **live_extra, **({"symmetry": sym_extra} if sym_extra else {})})
    if out.exhaustive and spec.actions:
        from .edges import never_enabled
        t_scan = time.perf_counter()
        dead = getattr(out, "never_enabled", None)      # (combined over the ranks when distributed)
        dead = never_enabled(prog, out.seen) if dead is None else dead
        stats.extra["never_enabled"] = [spec.actions[ai].name for ai in dead]
        stats.extra["never_enabled_seconds"] = time.perf_counter() - t_scan
    return CheckResult(spec.name, spec.file, "explicit", spec.const_values(), props, stats,
                       out.exhaustive, notes)


def _compile_timeout(spec: ir.Spec, options: Options, seconds: float, why: str = "") -> CheckResult:
    """The timeout expired while compiling: nothing was explored, every
    wanted property is unknown."""
    wanted = set(options.properties) if options.properties is not None else None
    items = [(i.name, INVARIANT, i) for i in spec.invariants]
    items += [(p.name, PROPERTY, p) for p in getattr(spec, "properties", ())]
    items += [(g.name, REACHABLE, g) for g in getattr(spec, "reachables", ())]
    items.append(("typeok", TYPEOK, None))
    if options.check_deadlock:
        items.append(("deadlock", DEADLOCK, None))
    why = why or words(TIMEOUT, options.timeout)
    method = f"not checked: {why} while compiling the spec"
    props = [PropertyResult(name, kind, Verdict.UNKNOWN, method, depth=0,
                            doc=getattr(d, "doc", "") or "",
                            line=d.span.line if d is not None and d.span else None,
                            seconds=seconds)
             for name, kind, d in items if wanted is None or name in wanted]
    stats = Stats(states=0, transitions=0, depth=0, seconds=seconds,
                  peak_memory_bytes=_peak_memory(), extra={"compile_seconds": seconds})
    notes = ["exact: full states stored",
             f"stopped: {why} while compiling: no state explored"]
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


def _symmetry_report(spec: ir.Spec, prog: Program, out, options: Options, temporal: bool):
    """(note, JSON-able facts) about symmetry reduction; ("", None) when no type is symmetric."""
    names = [t.symmetric for t in spec.symmetric]
    if not names:
        return "", None
    shown = ", ".join(f"{t.symmetric} ({len(ir.domain_values(t))} values)" for t in spec.symmetric)
    if prog.symmetry is None:
        why = ("--no-symmetry" if not options.symmetry else
               "temporal properties are checked on the full state graph (restrict with --property "
               "to invariants for the reduction)")
        return (f"symmetry reduction not used ({why}): symmetric type{'s' if len(names) > 1 else ''} "
                f"{shown}"), {"used": False, "types": names, "reason": why}
    sym = prog.symmetry
    exact = sym.exact
    represented = None
    if exact and out.exhaustive and hasattr(out, "unreduced"):    # summed over the ranks
        represented = out.unreduced
    elif exact and out.exhaustive:
        represented = 0
        for s in out.seen:
            size = sym.orbit_size(s)
            if size is None:          # not known for this shape
                represented = None
                break
            represented += size
    facts = {"used": True, "types": names, "states_stored": out.states, "exact": exact,
             "orbits": out.states if exact and out.exhaustive else None,
             "unreduced_states": represented}
    how = ("one per orbit (canonical forms exact: tied values ordered by trying every order)"
           if exact and getattr(sym, "binary", False) else
           "one per orbit (canonical forms are exact for this spec's shape)" if exact else
           "at least one per orbit (canonical forms not unique for this spec's shape: "
           "sound, less reduction)")
    note = f"symmetry reduction over {shown}: {out.states:,} states stored, {how}"
    if represented is not None:
        note += f"; they stand for {represented:,} states of the unreduced system"
    return note, facts
