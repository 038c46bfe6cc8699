"""Running an engine on a loaded spec: pick it from the registry, refuse
what it cannot do, run it under the run's watchdog, translate its
exceptions by type, and finish its result the same way for every engine
(lassos closed, dead actions noted, record arguments labelled).  ``--engine
all`` runs the cross-checked engines in turn and merges (merge.py)."""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, replace
from typing import Optional

from .. import engines, ir
from .. import evidence as ev
from ..cancel import Cancel, Halted
from ..errors import InputError, InternalError, NeedsConstants
from ..options import Options
from ..properties import REFINEMENT, is_wanted
from ..record_args import label_record_args
from ..results import CheckResult, PropertyResult, Step, Verdict
from .load import check_consts, check_invariant_names, check_property_names, const_assignments, load, load_bound
from .merge import CrossCheckResult, merge


@dataclass
class Run:
    """One check: the spec it ran on (None when it could not be loaded) and its result."""

    spec: Optional[ir.Spec]
    result: CheckResult
    coverage: Optional[dict] = None  # --coverage --json: the table as data (report/json_report.coverage_to_json)


def run(path: str, consts: Optional[dict[str, int]] = None, engine: str = "explicit",
        options: Options = Options()) -> CheckResult:
    """Check one spec file with one engine (or ``"all"``) and return the result."""
    spec = load(path, consts)
    if options.properties:
        check_property_names(spec, options.properties)
    return run_spec(spec, engine, options)


def check_file(path: str, const_ranges: Optional[dict[str, tuple[int, int]]] = None,
               engine: str = "explicit", options: Options = Options(),
               invariants: Optional[tuple[str, ...]] = None, generalize: bool = False) -> list[Run]:
    """Check a spec once per combination of the swept constants.

    ``generalize``: constants with a ``where`` clause and no --const value are
    left symbolic, so the Z3 engines prove for every value the clause allows."""
    const_ranges = const_ranges or {}
    runs: list[Run] = []
    base = load(path, generalize=generalize, cancel=options.cancel)
    check_consts(base, {n: lo for n, (lo, hi) in const_ranges.items()})
    check_consts(base, {n: hi for n, (lo, hi) in const_ranges.items()})
    if options.properties:
        check_property_names(base, options.properties)
    if invariants:
        check_invariant_names(base, invariants)
    for consts in const_assignments(const_ranges):
        if runs and stop_requested(options):   # the first one reports the stop itself
            break
        spec = load_bound(path, base, consts, generalize, options.cancel)
        runs.append(Run(spec, run_spec(spec, engine, options, invariants)))
    return runs


def stop_requested(options: Options) -> bool:
    """Has the run been stopped (a signal, the time or memory limit of the
    whole run), or has ``options.should_stop`` asked to stop?"""
    if options.cancel is not None and options.cancel.reason is not None:
        return True
    f = options.should_stop
    if f is None:
        return False
    requested = getattr(f, "requested", None)
    return bool(requested) if requested is not None else bool(f())


def run_spec(spec: ir.Spec, engine: str = "explicit", options: Options = Options(),
             invariants: Optional[tuple[str, ...]] = None) -> CheckResult:
    """Run one engine on a loaded spec (under ``options.cancel``, or a
    watchdog of its own for ``options.timeout`` / ``max_memory_mb``)."""
    if options.cancel is None:
        timeout = options.timeout
        if timeout is None and engine == "all":
            timeout = engines.ALL_DEFAULT_TIMEOUT
        cancel = Cancel(timeout, options.max_memory_mb, options.should_stop).start()
        try:
            return run_spec(spec, engine, replace(options, cancel=cancel), invariants)
        finally:
            cancel.close()
    result = _run_spec(spec, engines.engine(engine), options, invariants)
    return finish(spec, result)


def finish(spec: ir.Spec, result: CheckResult) -> CheckResult:
    """What every result gets: its lassos closed, dead actions noted, record arguments labelled."""
    if isinstance(result, CrossCheckResult):
        for r in result.runs.values():
            close_lassos(spec, r)
    if result.engine in ("explicit", "all") and result.exhaustive:
        note_dead_actions(spec, result)
    return label_record_args(spec, close_lassos(spec, result))


def close_lassos(spec: ir.Spec, result: CheckResult) -> CheckResult:
    """Record, for every lasso trace, the step that closes its loop (last state ->
    loop start), so a reader sees the whole cycle.  Uses the reference
    interpreter; a lasso it cannot close is left as it is."""
    from ..interp import StepError, successors   # the reference interpreter, only for lassos

    for p in result.properties:
        tr = p.trace
        if tr is None or tr.loop_start is None or tr.closing is not None or not tr.steps:
            continue
        target = tr.steps[tr.loop_start].state
        try:
            for action, args, nxt in successors(spec, tr.steps[-1].state):
                if not isinstance(nxt, StepError) and nxt == target:
                    tr.closing = Step(action, tuple(args), dict(nxt))
                    break
        except Exception:  # the reference semantics could not evaluate: leave the lasso as the engine gave it
            continue
    return result


def note_dead_actions(spec: ir.Spec, result: CheckResult) -> None:
    """Warn (as notes) about actions never enabled in any reachable state, like
    TLC's coverage: a dead action usually means a wrong guard or a vacuous
    spec, even when every property holds.  The explicit engine finds them
    after an exhaustive search (``stats.extra["never_enabled"]``), at any
    size: it scans the stored states running only the actions not yet seen
    enabled, and stops when none is left (so a spec without a dead action
    costs a few hundred states' worth; bench/results/liveness-scale.md)."""
    runs = result.runs.values() if isinstance(result, CrossCheckResult) else [result]
    for r in runs:
        dead = r.stats.extra.get("never_enabled") if r.engine == "explicit" else None
        if dead is not None and r.exhaustive:
            from ..explicit.edges import dead_action_warning   # the explicit engine ran: its module is loaded

            result.notes.extend("warning: " + dead_action_warning(a) for a in dead)
            return


# ---------------------------------------------------------------- one engine


def needs_constants_error(spec: ir.Spec, engine: str, message: str = "") -> InputError:
    if message:
        return InputError(f"{spec.file}: {message}; or let --engine kind or pdr prove the "
                          f"properties for every value")
    open_ = [c.name for c in spec.symbolic_consts]
    hint = " ".join(f"--const {n}=V" for n in open_)
    msg = (f"the constant{'s' if len(open_) > 1 else ''} {', '.join(open_)} "
           f"{'have' if len(open_) > 1 else 'has'} no value")
    return InputError(f"{spec.file}: {msg}; the {engine} engine needs concrete constants: "
                      f"give {hint} (a range such as {open_[0] if open_ else 'N'}=1..4 checks "
                      f"each value), or use --engine kind/pdr to prove for every value")


def _run_spec(spec: ir.Spec, eng: engines.Engine, options: Options,
              invariants: Optional[tuple[str, ...]]) -> CheckResult:
    if eng.family == engines.CROSS_CHECK:
        return cross_check(spec, options)
    if eng.needs_constants and spec.symbolic_consts:
        raise needs_constants_error(spec, eng.name)
    _refuse_tla_liveness(spec, eng, options)
    try:
        if options.distributed or options.swarm:       # MPI ranks / swarm walkers: checker/distributed/
            return _run_distributed(spec, eng, options)
        if options.simulate:
            return _run_simulation(spec, eng, options)
        _mark_running(eng.name, options)
        with _z3_interrupts(eng, options):
            return _refinements_unchecked(spec, eng, options, eng.check(spec, options, invariants))
    except NeedsConstants as e:
        raise needs_constants_error(spec, eng.name, str(e)) from None
    except engines.EngineUnavailable as e:
        raise InternalError(str(e)) from e
    except Exception as e:
        if eng.uses_z3 and _is_z3_exception(e):
            from ..symbolic.common import halted, stopped_report

            if halted(e, options):   # Z3 stopped where no engine catches it: every property unknown
                return stopped_report(spec, eng.name, options, invariants if eng.takes_invariants else None)
        raise


def _is_z3_exception(e: BaseException) -> bool:
    import z3   # loaded already: the engine that raised e runs on Z3

    return isinstance(e, z3.Z3Exception)


def _run_simulation(spec: ir.Spec, eng: engines.Engine, options: Options) -> CheckResult:
    if eng.name != "explicit":
        raise InputError(f"--simulate walks the explicit engine's state space; it does not combine "
                         f"with --engine {eng.name}")
    from ..explicit import simulate   # the explicit engine's code, imported when it runs
    _mark_running("simulate", options)
    return simulate.check(spec, options)


def _run_distributed(spec: ir.Spec, eng: engines.Engine, options: Options) -> CheckResult:
    if eng.name != "explicit":
        raise InputError(f"--distributed/--swarm run the explicit engine's search or walks; they do "
                         f"not combine with --engine {eng.name}")
    from ..distributed import engine as distributed   # MPI: imported only for a distributed run
    try:
        return distributed.check(spec, options)
    except distributed.DistributedError as e:
        raise InputError(str(e)) from None


def _refuse_tla_liveness(spec: ir.Spec, eng: engines.Engine, options: Options) -> None:
    """--semantics tla changes only temporal properties, and only an engine
    that supports it implements it: refuse, naming the engine."""
    if getattr(options, "semantics", "default") != "tla" or engines.TLA in eng.supports:
        return
    live = [p.name for p in getattr(spec, "properties", ()) if p.kind != "always" and is_wanted(p.name, options)]
    if live:
        raise InputError(f"--semantics tla: the {eng.name} engine checks temporal properties "
                         f"({', '.join(live)}) under the default semantics only; use --engine explicit, "
                         "or check the other properties with --property")


def _refinements_unchecked(spec: ir.Spec, eng: engines.Engine, options: Options,
                           result: CheckResult) -> CheckResult:
    """Only an engine that supports ``refines`` checks it: the others say so
    in an unknown verdict instead of leaving the property out."""
    if REFINEMENT in eng.supports or not getattr(spec, "refinements", ()):
        return result
    why = f"refinement is checked by the explicit engine only (not by {eng.name})"
    for r in spec.refinements:
        if is_wanted(r.name, options):
            result.properties.append(PropertyResult(
                r.name, REFINEMENT, Verdict.UNKNOWN, f"not checked: {why}",
                line=r.span.line if r.span else None,
                evidence=ev.NotChecked(eng.name, ev.OTHER_ENGINE, why)))
    return result


def _mark_running(engine: str, options: Options) -> None:
    """"ENGINE running" on the progress line, once the engine's code is
    imported and it starts (scripts and the signal tests wait for it)."""
    mark = getattr(options.progress, "mark", None)
    if mark is not None:
        mark(f"{engine} running")


def _z3_interrupts(eng: engines.Engine, options: Options):
    """While a Z3 engine runs, the run's watchdog interrupts Z3's context once
    the run is stopped (a query in C code does not poll)."""
    if not eng.uses_z3 or options.cancel is None:
        return contextlib.nullcontext()
    import z3   # only for an engine that runs on Z3

    # after a stop, a check clears an interrupt still pending in the context
    return options.cancel.interrupting(z3.main_ctx().interrupt, clear=lambda: z3.Solver().check())


# ---------------------------------------------------------------- --engine all


def cross_check(spec: ir.Spec, options: Options = Options()) -> CrossCheckResult:
    """Run the cross-checked engines (explicit, bmc, kind, pdr) on the same
    spec and merge the results; an engine that cannot run is a note."""
    results: dict[str, CheckResult] = {}
    notes: list[str] = []
    failures: list[str] = []
    for name in engines.ALL:
        skip = _skip_reason(spec, engines.engine(name), options)
        if skip:
            notes.append(f"{name}: skipped{skip}")
            continue
        if hasattr(options.progress, "set_label"):
            options.progress.set_label(name)
        outcome = _one_of_all(spec, name, options)
        if isinstance(outcome, CheckResult):
            results[name] = outcome
            if stop_requested(options) and options.cancel is not None:
                notes.append(f"{name}: stopped, {options.cancel.words()}: its verdicts are partial")
        else:
            note, failed = outcome
            notes.append(f"{name}: {note}")
            if failed:
                failures.append(name)
    if not results:
        raise InternalError("no engine could run: " + "; ".join(notes))
    merged = merge(spec, results, notes)
    merged.disagreements.extend(f"{e}: crashed" for e in failures)
    return merged


def _skip_reason(spec: ir.Spec, eng: engines.Engine, options: Options) -> str:
    if stop_requested(options):
        why = options.cancel.words() if options.cancel is not None else ""
        return f", {why or 'interrupted'}"
    if eng.needs_constants and spec.symbolic_consts:
        return ", the constants " + ", ".join(c.name for c in spec.symbolic_consts) + " have no value"
    return ""


def _one_of_all(spec: ir.Spec, name: str, options: Options):
    """One engine of the cross-check: its result, or (note, whether it failed)."""
    try:
        return run_spec(spec, name, options)
    except InputError as e:
        return f"skipped: {e}", False
    except Halted:   # stopped where it cannot give a partial result (Z3 interrupted in a tactic)
        return f"stopped, {options.cancel.words()}: no result", False
    except (InternalError, engines.EngineUnavailable) as e:
        return str(e), True
    except Exception as e:  # a crash in one engine: report it, keep the others
        if os.environ.get("VERIFY_DEBUG"):
            raise
        return f"internal error: {type(e).__name__}: {e}", True
