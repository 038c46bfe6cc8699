"""Entry point of the explicit-state engine: ``check(spec, options)``.

It compiles the spec, picks a store (``_plan``: dict, compact, workers, the
vector back end, or the MPI ranks of checker/distributed/), runs the search
driver (``search.Driver``) and assembles the report: the properties'
results (``verdicts.py``), the notes and the statistics."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Optional

from .. import evidence, ir
from ..cancel import MAX_MEMORY, TIMEOUT, for_options, words
from ..options import Options
from ..results import DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK, CheckResult, PropertyResult, Stats, Verdict
from .compile import Program
from .constants import NeedsConstants, require_constants  # noqa: F401  (NeedsConstants: re-exported)
from .ctx import CompileTimeout
from .dictstore import DictStore
from .errors import StoreOptionError
from .goals import Goals
from .memory import peak_memory_bytes
from .search import Driver, Outcome
from .stop import RESUMABLE, StopPolicy
from .verdicts import (builtin_results, describe, invariant_results, reach_results,
                       refinement_results, temporal_results)


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


@dataclass
class _Plan:
    """The store a run uses, and why when it is not the one asked for."""

    store: str                      # "dict" or "compact"
    note: Optional[str] = None
    vprog: object = None            # the vector back end's program, when it runs
    backend_note: Optional[str] = None

    def label(self, options: Options) -> str:
        """the store as the evidence names it"""
        if options.distributed:
            return "mpi"
        if self.vprog is not None:
            return "vector"
        if self.store == "compact" and options.workers > 1:
            return "workers"
        return self.store


def _plan(prog: Program, options: Options, goals: Goals) -> _Plan:
    need_graph = bool(goals.temporal)
    store, note = _store_for(options, need_graph)
    if options.traces > 1 and store != "dict":
        raise StoreOptionError(f"--traces {options.traces}: needs the default --store dict (the further "
                               "traces are read from every stored state's parent)")
    plan = _Plan(store, note)
    if options.backend != "scalar" or options.por:   # checker/explicit/vector/plan.py: the rule
        from .vector.plan import plan_backend
        plan.vprog, plan.backend_note = plan_backend(prog, options, need_graph, list(goals.invs))
        if plan.vprog is not None:
            plan.store, plan.note = "compact", None
    return plan


def _search(prog: Program, options: Options, goals: Goals, plan: _Plan) -> Outcome:
    if options.distributed:      # over MPI ranks: checker/distributed/ (checks done there)
        from ..distributed.search import bfs_distributed
        return bfs_distributed(prog, options, list(goals.invs), goals.typeok, goals.deadlock, list(goals.reach))
    stop = StopPolicy(options)
    if plan.store == "compact":
        from .compact import CompactStore    # (numpy: imported only when the compact store runs)
        make = None
        if plan.vprog is not None:
            from .vector.plan import make_expander
            make = make_expander(plan.vprog, options)
        store = CompactStore(prog, options, goals, stop, make)
        return Driver(prog, store, goals, stop, options.progress).run()
    # --traces: no early stop once every property is violated (the further traces are in the rest)
    whole = bool(goals.temporal) or options.traces > 1
    return Driver(prog, DictStore(prog, options, goals, stop), goals, stop, options.progress, whole).run()


def check(spec: ir.Spec, options: Options) -> CheckResult:
    require_constants(spec)
    t0 = time.perf_counter()
    goals = Goals.of(spec, options)
    # --timeout covers compiling too (a spec can be slow to compile: large
    # unrolled loops, many actions); the search gets what is left of it
    cancel = for_options(options)
    try:
        prog = _compile(spec, options, goals, cancel, t0)
        compile_seconds = time.perf_counter() - t0
        plan = _plan(prog, options, goals)
        out = _search(prog, replace(options, cancel=cancel), goals, plan)
    except CompileTimeout:    # (the compact store compiles its level functions on first use)
        return _compile_timeout(spec, options, time.perf_counter() - t0, cancel.words(), cancel.reason)
    prog.attach(None)   # rebuilding traces and the scans below must not stop half-way
    constraint_note = _count_inside_constraint(spec, prog, out)
    s = describe(spec, prog, options, goals, out, time.perf_counter() - t0, cancel.words(),
                 plan.label(options), getattr(plan.vprog, "reduction", None) is not None)
    live_extra: dict = {}
    props = (invariant_results(s) + temporal_results(s, live_extra) + reach_results(s) + builtin_results(s)
             + refinement_results(s))
    traces_notes = []
    if options.traces > 1:
        from .many import add_more_traces
        traces_notes = add_more_traces(prog, out, props, options.traces)
    sym_note, sym_extra = _symmetry_report(spec, prog, out, options, bool(goals.temporal))
    notes = (_store_notes(prog, options, plan, compile_seconds) + ([sym_note] if sym_note else [])
             + traces_notes + ([plan.backend_note] if plan.backend_note else [])
             + _search_notes(out, options, cancel) + ([constraint_note] if constraint_note else []))
    extra = {**_search_extra(out, options, plan, compile_seconds), **live_extra,
             **({"symmetry": sym_extra} if sym_extra else {})}
    stats = Stats(states=out.states, transitions=out.transitions, depth=out.depth,
                  seconds=s.seconds, peak_memory_bytes=peak_memory_bytes(), extra=extra)
    _never_enabled(spec, prog, out, stats)
    return CheckResult(spec.name, spec.file, "explicit", spec.const_values(), props, stats,
                       out.exhaustive, notes)


def _compile(spec: ir.Spec, options: Options, goals: Goals, cancel, t0: float) -> Program:
    # Temporal properties are checked on the reachable graph under per-instance
    # fairness; that graph is not quotiented here, so they get the full search.
    use_symmetry = bool(spec.symmetric) and options.symmetry and not goals.temporal
    left = cancel.remaining()
    deadline = t0 + left if left is not None else None
    return Program(spec, options.max_states, symmetry=use_symmetry, deadline=deadline, cancel=cancel)


def _count_inside_constraint(spec: ir.Spec, prog: Program, out: Outcome) -> Optional[str]:
    """count as TLC does: only the states inside the constraint (after an exhaustive search)"""
    if not (spec.constraints and out.exhaustive):
        return None
    from .constrained import inside_counts
    out.states, out.depth, outside = inside_counts(prog, out.seen)
    return (f"state constraint {', '.join(c.name for c in spec.constraints)}: {outside} states "
            "outside it were reached and checked but not explored nor counted (TLC's CONSTRAINT)")


def _store_notes(prog: Program, options: Options, plan: _Plan, compile_seconds: float) -> list[str]:
    if plan.store == "compact":
        per = "8 bytes (uint64)" if prog.layout.total_bits <= 64 else \
            f"{(prog.layout.total_bits + 7) // 8} bytes"
        stored = (f"exact, full states stored: compact store, sorted numpy arrays, "
                  f"{per} + 1 depth byte per state" + (f"; {options.workers} worker processes"
                                                       if options.workers > 1 else ""))
    else:
        stored = "exact: full states stored"
    return [stored] + ([plan.note] if plan.note else []) + [
        f"state encoding: {prog.layout.total_bits} bits per state; compiled in {compile_seconds:.3f}s"]


def _stop_note(out: Outcome, options: Options, cancel) -> str:
    """why the search stopped, in words"""
    reason = out.stopped_by
    if reason == "max_depth":
        return f"stopped at --max-depth {options.max_depth}"
    if reason == "max_states":
        return f"stopped at --max-states {options.max_states}"
    if reason == "timeout":
        return f"stopped: {cancel.words() or words(TIMEOUT, options.timeout)}"
    if reason == "max_memory":
        return (f"stopped: {words(MAX_MEMORY, max_memory_mb=options.max_memory_mb)} "
                f"(resident set {out.memory_mb:.0f} MB)" if options.max_memory_mb else "")
    if reason == "interrupted":
        return f"stopped: {cancel.words() or 'interrupted'}, partial result"
    return ("stopped early: every checked property is already decided "
            "(violated, or its goal reached)")


def _search_notes(out: Outcome, options: Options, cancel) -> list[str]:
    notes = []
    if out.stopped_by is not None:
        notes.append(_stop_note(out, options, cancel))
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
    return notes


def _search_extra(out: Outcome, options: Options, plan: _Plan, compile_seconds: float) -> dict:
    extra = {"search_seconds": out.seconds, "compile_seconds": compile_seconds, **getattr(out, "extra", {})}
    if plan.store == "compact":
        extra["store"] = plan.store
        extra["store_bytes"] = out.store_bytes
        extra["workers"] = options.workers
    if out.checks_skipped is not None:     # invariant skipping (readsets.py)
        extra["invariant_checks_skipped"] = out.checks_skipped
    if plan.vprog is not None:
        ex = out.expander
        extra["backend"] = "vector"
        extra["vector_chunks"] = ex.chunks
        extra["scalar_chunks"] = ex.scalar_chunks     # chunks with something to report
        if ex.red is not None:
            extra["por_reduced_states"] = ex.reduced_rows  # states expanded with an ample set
    return extra


def _never_enabled(spec: ir.Spec, prog: Program, out: Outcome, stats: Stats) -> None:
    """the actions enabled in no reachable state (after an exhaustive search)"""
    if not (out.exhaustive and spec.actions):
        return
    from .edges import never_enabled
    t_scan = time.perf_counter()
    dead = getattr(out, "never_enabled", None)      # (combined over the ranks when distributed)
    dead = never_enabled(prog, out.seen) if dead is None else dead
    stats.extra["never_enabled"] = [spec.actions[ai].name for ai in dead]
    stats.extra["never_enabled_seconds"] = time.perf_counter() - t_scan


def _compile_timeout(spec: ir.Spec, options: Options, seconds: float, why: str = "",
                     reason: Optional[str] = None) -> CheckResult:
    """The timeout expired while compiling: nothing was explored, every
    wanted property is unknown."""
    goals = Goals.of(spec, options)
    items = [(spec.invariants[k].name, INVARIANT, spec.invariants[k]) for k in goals.invs]
    items += [(p.name, PROPERTY, p) for p in goals.temporal]
    items += [(spec.reachables[k].name, REACHABLE, spec.reachables[k]) for k in goals.reach]
    items += [("typeok", TYPEOK, None)] if goals.typeok else []
    items += [("deadlock", DEADLOCK, None)] if goals.deadlock else []
    why = why or words(TIMEOUT, options.timeout)
    method = f"not checked: {why} while compiling the spec"
    ev = evidence.Search(engine="distributed" if options.distributed else "explicit", states=0, depth=0,
                         complete=False, stopped_by=reason or TIMEOUT, store=options.store)
    props = [PropertyResult(name, kind, Verdict.UNKNOWN, method, depth=0,
                            doc=getattr(d, "doc", "") or "",
                            line=d.span.line if d is not None and d.span else None,
                            seconds=seconds, evidence=ev)
             for name, kind, d in items]
    stats = Stats(states=0, transitions=0, depth=0, seconds=seconds,
                  peak_memory_bytes=peak_memory_bytes(), extra={"compile_seconds": seconds})
    notes = ["exact: full states stored",
             f"stopped: {why} while compiling: no state explored"]
    return CheckResult(spec.name, spec.file, "explicit", spec.const_values(), props, stats,
                       False, notes)


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
