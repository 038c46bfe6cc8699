"""Orchestration behind the command line: load a spec, pick the engine, run it,
cross-check engines, hand the results to a reporter, choose the exit code.

``cli.py`` only parses arguments into a :class:`Request` and calls
:func:`execute`.  Library users call :func:`run` (one spec, one engine, one
result) or :func:`check_file` (constant sweeps, ``engine="all"``).

Exit codes: 0 every property holds, 1 something is violated, 2 input error
(bad spec, bad option, unknown name), 3 unknown / bounded, 4 internal error
(a bug in the checker, including two engines that disagree).
"""
from __future__ import annotations

import itertools
import os
import sys
from dataclasses import dataclass, field, replace
from typing import IO, Any, Optional

from . import engines as _engines
from . import ir
from .options import Options
from .results import (DEADLOCK, EXIT_HOLDS, EXIT_INPUT_ERROR, EXIT_UNKNOWN, EXIT_VIOLATED,
                      TYPEOK, CheckResult, PropertyResult, Stats, Verdict)

EXIT_INTERNAL = 4

BUILTIN_PROPERTIES = (TYPEOK, DEADLOCK)


class InputError(Exception):
    """A mistake in the user's input (not in the spec text): an unknown
    constant or property, a value out of range, an unreadable file.  Its
    message is printed as is; exit code 2."""


class InternalError(Exception):
    """A bug in the checker (e.g. engines that disagree)."""


@dataclass
class Run:
    """One check: the spec it ran on (None when it could not be loaded) and its result."""

    spec: Optional[ir.Spec]
    result: CheckResult
    coverage: Optional[dict] = None  # --coverage --json: the table as data (report/json_report.coverage_to_json)


@dataclass
class CrossCheckResult(CheckResult):
    """The result of ``--engine all``: one merged verdict per property, the
    individual engines' results in ``runs``, and every disagreement found."""

    runs: dict[str, CheckResult] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- loading


def close_matches(name: str, known) -> str:
    """' (did you mean X?)' or ''."""
    import difflib

    m = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {m[0]}?)" if m else ""


def _known_list(known) -> str:
    known = list(known)
    return ", ".join(known) if known else "none"


def _accepts(fn, name: str) -> bool:
    """Does ``fn`` take a keyword ``name``? (a front end replaced by a test may not)"""
    import inspect

    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def load(path: str, consts: Optional[dict[str, int]] = None, generalize: bool = False,
         cancel=None) -> ir.Spec:
    """Parse and type-check a spec file, binding ``consts``.

    Raises ``checker.lang.diagnostics.SpecError`` for a bad spec and
    :class:`InputError` for an unreadable file or a bad constant.
    """
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a spec file")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None

    load_file = front_end()
    extra = {"generalize": True} if generalize else {}
    if cancel is not None and _accepts(load_file, "poll"):
        extra["poll"] = cancel.check     # parsing and resolving stop at the time limit / a signal
    try:
        spec = load_file(path, **extra)
        if consts:
            check_consts(spec, consts)
            spec = load_file(path, dict(consts), **extra)
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not a UTF-8 text file ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    return spec


def front_end():
    """The front end's ``load_file`` (a seam: tests replace it with a fake)."""
    from .lang import load_file

    return load_file


def check_consts(spec: ir.Spec, consts: dict[str, int]) -> None:
    """Every ``--const`` names a declared constant, with a value in its range."""
    decls = {c.name: c for c in spec.consts}
    for name, value in consts.items():
        if name not in decls:
            raise InputError(
                f"--const {name}={value}: the spec {spec.name} has no constant {name}"
                f"{close_matches(name, decls)}; its constants: {_known_list(decls)}")
        t = decls[name].type
        if t.concrete:
            lo, hi = t.bounds()
            if not lo <= value <= hi:
                raise InputError(f"--const {name}={value}: outside the declared range {lo}..{hi}")


def property_names(spec: ir.Spec) -> list[str]:
    """Every property a spec can be checked for: invariants, temporal
    properties, reachability goals, and the built-in typeok and deadlock."""
    names = [i.name for i in spec.invariants]
    names += [p.name for p in getattr(spec, "properties", ())]
    names += [r.name for r in getattr(spec, "reachables", ())]
    names += [r.name for r in getattr(spec, "refinements", ())]  # "refines A": explicit engine only
    return names + list(BUILTIN_PROPERTIES)


def check_property_names(spec: ir.Spec, names) -> None:
    known = property_names(spec)
    for n in names:
        if n not in known:
            raise InputError(f"--property {n}: the spec {spec.name} has no property {n}"
                             f"{close_matches(n, known)}; its properties: {_known_list(known)}")


def check_invariant_names(spec: ir.Spec, names) -> None:
    known = [i.name for i in spec.invariants]
    for n in names:
        if n not in known:
            raise InputError(f"--invariants {n}: the spec {spec.name} has no invariant {n}"
                             f"{close_matches(n, known)}; its invariants: {_known_list(known)}")


# ---------------------------------------------------------------- running


def _needs_constants_error(spec: ir.Spec, engine: str, message: str = "") -> InputError:
    if message:
        return InputError(f"{spec.file}: {message}; or let --engine kind or pdr prove the "
                          f"properties for every value")
    open_ = [c.name for c in spec.symbolic_consts]
    hint = " ".join(f"--const {n}=V" for n in open_)
    msg = message or (f"the constant{'s' if len(open_) > 1 else ''} {', '.join(open_)} "
                      f"{'have' if len(open_) > 1 else 'has'} no value")
    return InputError(f"{spec.file}: {msg}; the {engine} engine needs concrete constants: "
                      f"give {hint} (a range such as {open_[0] if open_ else 'N'}=1..4 checks "
                      f"each value), or use --engine kind/pdr to prove for every value")


def close_lassos(spec: ir.Spec, result: CheckResult) -> CheckResult:
    """Record, for every lasso trace, the step that closes its loop (last state ->
    loop start), so a reader sees the whole cycle.  Uses the reference
    interpreter; a lasso it cannot close is left as it is."""
    from .interp import StepError, successors
    from .results import Step

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


def run_spec(spec: ir.Spec, engine: str = "explicit", options: Options = Options(),
             invariants: Optional[tuple[str, ...]] = None) -> CheckResult:
    """Run one engine on a loaded spec (under ``options.cancel``, or a
    watchdog of its own for ``options.timeout`` / ``max_memory_mb``)."""
    if options.cancel is None:
        from .cancel import Cancel

        timeout = options.timeout
        if timeout is None and engine == "all":
            timeout = _engines.ALL_DEFAULT_TIMEOUT
        cancel = Cancel(timeout, options.max_memory_mb, options.should_stop).start()
        try:
            return run_spec(spec, engine, replace(options, cancel=cancel), invariants)
        finally:
            cancel.close()
    result = _run_spec(spec, engine, options, invariants)
    if isinstance(result, CrossCheckResult):
        for r in result.runs.values():
            close_lassos(spec, r)
    if result.engine in ("explicit", "all") and result.exhaustive:
        note_dead_actions(spec, result)
    from .record_args import label_record_args
    return label_record_args(spec, close_lassos(spec, result))


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
            from .explicit.edges import dead_action_warning

            result.notes.extend("warning: " + dead_action_warning(a) for a in dead)
            return


def _refuse_tla_liveness(spec: ir.Spec, engine: str, options: Options) -> None:
    """--semantics tla changes only temporal properties, and only the explicit
    engine's liveness check implements it: refuse, naming the engine."""
    if getattr(options, "semantics", "default") != "tla" or engine == "explicit":
        return
    wanted = set(options.properties) if options.properties is not None else None
    live = [p.name for p in getattr(spec, "properties", ()) if p.kind != "always"
            and (wanted is None or p.name in wanted)]
    if live:
        raise InputError(f"--semantics tla: the {engine} engine checks temporal properties "
                         f"({', '.join(live)}) under the default semantics only; use --engine explicit, "
                         "or check the other properties with --property")


def _refinements_unchecked(spec: ir.Spec, engine: str, options: Options, result: CheckResult) -> CheckResult:
    """Only the explicit engine checks ``refines``: the others say so in an
    unknown verdict instead of leaving the property out."""
    if engine == "explicit" or not getattr(spec, "refinements", ()):
        return result
    wanted = set(options.properties) if options.properties is not None else None
    for r in spec.refinements:
        if wanted is None or r.name in wanted:
            result.properties.append(PropertyResult(
                r.name, "refinement", Verdict.UNKNOWN,
                f"not checked: refinement is checked by the explicit engine only (not by {engine})",
                line=r.span.line if r.span else None))
    return result


def _run_spec(spec: ir.Spec, engine: str, options: Options, invariants: Optional[tuple[str, ...]]) -> CheckResult:
    if engine == "all":
        return cross_check(spec, options)
    if engine == "explicit" and spec.symbolic_consts:
        raise _needs_constants_error(spec, engine)
    _refuse_tla_liveness(spec, engine, options)
    if options.distributed or options.swarm:       # MPI ranks / swarm walkers: checker/distributed/
        return _run_distributed(spec, engine, options)
    if options.simulate:
        if engine != "explicit":
            raise InputError(f"--simulate walks the explicit engine's state space; it does not combine "
                             f"with --engine {engine}")
        from .explicit import simulate
        _mark_running("simulate", options)
        try:
            return simulate.check(spec, options)
        except Exception as e:
            if type(e).__name__ == "NeedsConstants":
                raise _needs_constants_error(spec, engine, str(e)) from None
            raise
    try:
        check = _engines.get(engine)
    except _engines.EngineUnavailable as e:
        raise InternalError(str(e)) from e
    _mark_running(engine, options)
    try:
        with _z3_interrupts(engine, options):
            if engine == "induct":
                names = invariants or tuple(i.name for i in spec.invariants)
                return check(spec, names, options)
            return _refinements_unchecked(spec, engine, options, check(spec, options))
    except Exception as e:
        if type(e).__name__ == "NeedsConstants":
            raise _needs_constants_error(spec, engine, str(e)) from None
        if type(e).__name__ in ("CheckpointError", "StoreOptionError"):
            raise InputError(str(e)) from None
        if type(e).__name__ == "Z3Exception":
            from .symbolic.common import halted, stopped_report

            if halted(e, options):   # Z3 stopped where no engine catches it: every property unknown
                return stopped_report(spec, engine, options, invariants if engine == "induct" else None)
        raise


def _mark_running(engine: str, options: Options) -> None:
    """"ENGINE running" on the progress line, once the engine's code is
    imported and it starts (scripts and the signal tests wait for it)."""
    mark = getattr(options.progress, "mark", None)
    if mark is not None:
        mark(f"{engine} running")


def _z3_interrupts(engine: str, options: Options):
    """While a Z3 engine runs, the run's watchdog interrupts Z3's context once
    the run is stopped (a query in C code does not poll)."""
    import contextlib

    if engine == "explicit" or options.cancel is None:
        return contextlib.nullcontext()
    import z3

    # after a stop, a check clears an interrupt still pending in the context
    return options.cancel.interrupting(z3.main_ctx().interrupt, clear=lambda: z3.Solver().check())


def _run_distributed(spec: ir.Spec, engine: str, options: Options) -> CheckResult:
    if engine != "explicit":
        raise InputError(f"--distributed/--swarm run the explicit engine's search or walks; they do "
                         f"not combine with --engine {engine}")
    from .distributed import engine as distributed
    try:
        return distributed.check(spec, options)
    except distributed.DistributedError as e:
        raise InputError(str(e)) from None
    except Exception as e:
        if type(e).__name__ == "NeedsConstants":
            raise _needs_constants_error(spec, engine, str(e)) from None
        raise


def run(path: str, consts: Optional[dict[str, int]] = None, engine: str = "explicit",
        options: Options = Options()) -> CheckResult:
    """Check one spec file with one engine (or ``"all"``) and return the result."""
    spec = load(path, consts)
    if options.properties:
        check_property_names(spec, options.properties)
    return run_spec(spec, engine, options)


def const_assignments(ranges: dict[str, tuple[int, int]]) -> list[dict[str, int]]:
    """Every combination of the swept constants, in order (one dict when no ranges)."""
    names = list(ranges)
    values = [range(lo, hi + 1) for lo, hi in ranges.values()]
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


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
        spec = load_file_bound(path, base, consts, generalize, options.cancel)
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


def load_file_bound(path: str, base: ir.Spec, consts: dict[str, int], generalize: bool = False,
                    cancel=None) -> ir.Spec:
    if not consts:
        return base
    load_file = front_end()
    extra = {"generalize": True} if generalize else {}
    if cancel is not None and _accepts(load_file, "poll"):
        extra["poll"] = cancel.check
    return load_file(path, dict(consts), **extra)


# ---------------------------------------------------------------- cross-checking


def _summary(engine: str, p: PropertyResult) -> str:
    s = f"{engine}: {p.verdict.value} ({p.method}"
    if p.trace is not None and p.verdict is Verdict.VIOLATED:
        s += f", trace of {len(p.trace)} step{'s' if len(p.trace) != 1 else ''}"
    return s + ")"


def merge(spec: ir.Spec, results: dict[str, CheckResult], notes: list[str]) -> CrossCheckResult:
    """One merged result from several engines' results on the same spec.

    Agreement rules: a property VIOLATED by one engine must not HOLD by
    another; the shortest violations found by explicit and bmc have the same
    length; UNKNOWN (and an engine's ERROR) agrees with everything.  A
    disagreement makes the property's verdict ERROR with the detail
    "engines disagree: ...".
    """
    names: list[str] = []
    for r in results.values():
        for p in r.properties:
            if p.name not in names:
                names.append(p.name)
    merged: list[PropertyResult] = []
    disagreements: list[str] = []
    for name in names:
        per = {e: r.get(name) for e, r in results.items() if any(p.name == name for p in r.properties)}
        first = next(iter(per.values()))
        violated = {e: p for e, p in per.items() if p.verdict is Verdict.VIOLATED}
        holds = {e: p for e, p in per.items() if p.verdict is Verdict.HOLDS}
        problem = ""
        if violated and holds:
            problem = "; ".join(_summary(e, p) for e, p in per.items()
                                if p.verdict in (Verdict.VIOLATED, Verdict.HOLDS))
        else:
            ex, bmc = violated.get("explicit"), violated.get("bmc")
            if (ex is not None and bmc is not None and ex.trace is not None and bmc.trace is not None
                    and ex.trace.kind == bmc.trace.kind == "counterexample"
                    and ex.trace.loop_start is None and bmc.trace.loop_start is None
                    and len(ex.trace) != len(bmc.trace)):
                problem = (f"explicit found a shortest violation of {len(ex.trace)} steps, "
                           f"bmc one of {len(bmc.trace)} steps")
        if problem:
            detail = f"engines disagree: {problem}"
            disagreements.append(f"{name}: {detail}")
            chosen = violated.get("explicit") or next(iter(violated.values()))
            merged.append(replace(chosen, verdict=Verdict.ERROR, detail=detail,
                                  method="cross-check of " + ", ".join(per)))
            continue
        if violated:
            chosen = violated.get("explicit") or violated.get("bmc") or next(iter(violated.values()))
            winners = violated
        elif holds:
            chosen = holds.get("explicit") or holds.get("pdr") or next(iter(holds.values()))
            winners = holds
        else:
            errors = {e: p for e, p in per.items() if p.verdict is Verdict.ERROR}
            if errors and len(errors) == len(per):
                chosen, winners = next(iter(errors.values())), errors
            else:
                unknown = {e: p for e, p in per.items() if p.verdict is not Verdict.ERROR}
                chosen, winners = next(iter(unknown.values())), unknown
        found = next((p.found_invariant for p in per.values() if p.found_invariant), None)
        chosen_engine = next(e for e, p in per.items() if p is chosen)
        others = [e for e in winners if e != chosen_engine]
        method = f"{chosen_engine}: {chosen.method}" + (f" (also {', '.join(others)})" if others else "")
        merged.append(replace(chosen, method=method, found_invariant=chosen.found_invariant or found,
                              doc=chosen.doc or first.doc, line=chosen.line or first.line,
                              seconds=sum(p.seconds for p in per.values())))
        # a bmc that reached the depth of explicit's violation should have found it
        ex = violated.get("explicit")
        b = per.get("bmc")
        if (ex is not None and ex.trace is not None and b is not None and b.verdict is Verdict.UNKNOWN
                and b.depth is not None and b.depth >= len(ex.trace) and ex.trace.loop_start is None):
            notes.append(f"{name}: bmc searched to depth {b.depth} but did not report the violation "
                         f"of {len(ex.trace)} steps that explicit found")
    base = results.get("explicit") or next(iter(results.values()))
    stats = Stats(states=base.stats.states, transitions=base.stats.transitions,
                  depth=base.stats.depth, seconds=sum(r.stats.seconds for r in results.values()),
                  peak_memory_bytes=base.stats.peak_memory_bytes)
    return CrossCheckResult(
        spec=spec.name, file=spec.file, engine="all", consts=dict(base.consts),
        properties=merged, stats=stats, exhaustive=any(r.exhaustive for r in results.values()),
        notes=notes, runs=dict(results), disagreements=disagreements)


def cross_check(spec: ir.Spec, options: Options = Options()) -> CrossCheckResult:
    """Run explicit, bmc, kind and pdr on the same spec and merge the results."""
    from .cancel import Halted

    results: dict[str, CheckResult] = {}
    notes: list[str] = []
    failures: list[str] = []
    for engine in _engines.ALL:
        if stop_requested(options):
            why = options.cancel.words() if options.cancel is not None else ""
            notes.append(f"{engine}: skipped, {why or 'interrupted'}")
            continue
        if engine == "explicit" and spec.symbolic_consts:
            notes.append("explicit: skipped, the constants "
                         + ", ".join(c.name for c in spec.symbolic_consts) + " have no value")
            continue
        if hasattr(options.progress, "set_label"):
            options.progress.set_label(engine)
        try:
            results[engine] = run_spec(spec, engine, options)
            if stop_requested(options) and options.cancel is not None:
                notes.append(f"{engine}: stopped, {options.cancel.words()}: its verdicts are partial")
        except InputError as e:
            notes.append(f"{engine}: skipped: {e}")
        except Halted:   # stopped where it cannot give a partial result (Z3 interrupted in a tactic)
            notes.append(f"{engine}: stopped, {options.cancel.words()}: no result")
        except (InternalError, _engines.EngineUnavailable) as e:
            notes.append(f"{engine}: {e}")
            failures.append(engine)
        except Exception as e:  # a crash in one engine: report it, keep the others
            if os.environ.get("VERIFY_DEBUG"):
                raise
            notes.append(f"{engine}: internal error: {type(e).__name__}: {e}")
            failures.append(engine)
    if not results:
        raise InternalError("no engine could run: " + "; ".join(notes))
    merged = merge(spec, results, notes)
    merged.disagreements.extend(f"{e}: crashed" for e in failures)
    return merged


# ---------------------------------------------------------------- the CLI's work


@dataclass
class Request:
    """Everything the command line asked for, already parsed and validated
    syntactically (semantic checks -- names known to the spec -- happen here)."""

    files: list[str]
    const_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    engine: str = "explicit"
    options: Options = Options()
    invariants: Optional[tuple[str, ...]] = None
    json: bool = False
    timing: bool = True
    color: Optional[bool] = None       # None: when stdout is a tty
    progress: Optional[bool] = None    # None: when stderr is a tty
    itf_dir: Optional[str] = None      # write every trace there as ITF
    dot_file: Optional[str] = None     # write the reachable state graph there (DOT)
    coverage: bool = False             # report transitions per action, warn on actions never enabled
    profile_space: bool = False        # per action the new states, per variable the distinct values
    all_values: bool = False           # prove for every value of constants with a `where` clause
    started: Optional[float] = None    # monotonic time --timeout counts from (None: execute's start)


def worst_exit(codes) -> int:
    """internal error > input error > violated > unknown > holds."""
    order = [EXIT_INTERNAL, EXIT_INPUT_ERROR, EXIT_VIOLATED, EXIT_UNKNOWN, EXIT_HOLDS]
    codes = list(codes)
    for c in order:
        if c in codes:
            return c
    return EXIT_HOLDS


def result_exit(result: CheckResult) -> int:
    if isinstance(result, CrossCheckResult) and result.disagreements:
        return EXIT_INTERNAL
    v = result.verdict
    return {Verdict.HOLDS: EXIT_HOLDS, Verdict.VIOLATED: EXIT_VIOLATED,
            Verdict.UNKNOWN: EXIT_UNKNOWN, Verdict.ERROR: EXIT_INPUT_ERROR}[v]


def _internal_message(e: BaseException) -> str:
    import traceback

    where = ""
    tb = traceback.extract_tb(e.__traceback__)
    if tb:
        f = tb[-1]
        where = f" (at {os.path.basename(f.filename)}:{f.lineno})"
    return (f"verify: internal error: {type(e).__name__}: {e}{where}\n"
            "This is a bug in the checker, not in your spec. Please report it with the spec "
            "and the command line; run with VERIFY_DEBUG=1 for the full traceback.")


class Interrupted(KeyboardInterrupt):
    """A signal (or the watchdog's hard stop) ended the run where nothing
    polls: no partial result for the file being checked."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class StopFlag:
    """The SIGINT/SIGTERM handler of one ``execute``, on the run's
    :class:`~checker.cancel.Cancel`.  A first signal only stops the cancel:
    every engine polls it and returns its partial ("interrupted") result;
    Z3 queries are interrupted from the watchdog thread (which sees the signal
    at once through ``signal.set_wakeup_fd``).  A second signal, or the
    watchdog's hard stop (the run did not return ``cancel.GRACE`` seconds
    after the stop, e.g. inside code that never polls), raises
    :class:`Interrupted`.  While the reports are written (``armed`` False) a
    signal is only recorded, so no output is cut in half."""

    def __init__(self, cancel=None):
        from .cancel import Cancel

        self.cancel = cancel if cancel is not None else Cancel()
        self.signum: Optional[int] = None
        self.armed = False
        self._hard = False

    @property
    def requested(self) -> bool:
        return self.signum is not None or self.cancel.signum is not None

    @property
    def stopped(self) -> bool:
        """A signal or a limit of the whole run (timeout, memory) stopped it."""
        return self.requested or self.cancel.reason is not None

    def __call__(self) -> bool:
        return self.requested

    def handler(self, signum, frame) -> None:
        from .cancel import INTERRUPTED

        if self._hard:
            self._hard = False
            if self.armed:
                raise Interrupted(self.signum or self.cancel.signum or 0)
            return
        first = self.signum is None
        self.signum = signum
        self.cancel.stop(INTERRUPTED, signum)
        if self.armed and not first:
            raise Interrupted(signum)

    def hard_stop(self) -> None:
        """Called by the watchdog thread: interrupt the main thread (it then
        runs ``handler`` with ``_hard`` set)."""
        import _thread
        import signal

        if self.armed:
            self._hard = True
            _thread.interrupt_main(signal.SIGINT)


def _install(flag: StopFlag) -> dict:
    """Install the handlers (main thread only), and the wakeup socket that
    lets the watchdog see a signal while the main thread is inside a Z3 call;
    return what to restore."""
    import signal
    import socket
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}
    old = {}
    try:
        r, w = socket.socketpair()
        r.setblocking(False)
        w.setblocking(False)
        old["wakeup"] = (signal.set_wakeup_fd(w.fileno(), warn_on_full_buffer=False), r, w)
        flag.cancel.wakeup = r.fileno()
    except (ValueError, OSError):
        pass
    for name in ("SIGINT", "SIGTERM"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            if signal.getsignal(sig) is signal.SIG_IGN:  # e.g. nohup, a background job: keep ignoring
                continue
            old[sig] = signal.signal(sig, flag.handler)
        except (ValueError, OSError):
            pass
    if signal.SIGINT in old:
        flag.cancel.hard_stop = flag.hard_stop
    return old


def _restore(old: dict) -> None:
    import signal

    wake = old.pop("wakeup", None)
    for sig, h in old.items():
        try:
            signal.signal(sig, h)
        except (ValueError, OSError):
            pass
    if wake is not None:
        fd, r, w = wake
        try:
            signal.set_wakeup_fd(fd)
        except (ValueError, OSError):
            pass
        r.close()
        w.close()


def _signal_name(signum: int) -> str:
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def execute(req: Request, stdout: IO[str] | None = None, stderr: IO[str] | None = None,
            keep_handlers: bool = False) -> int:
    """Check every file of the request, print the report, return the exit code.

    SIGINT and SIGTERM during the run stop the explicit search at the next
    chunk boundary; the partial result is reported as bounded ("interrupted")
    and the exit code is 128 + the signal number (130, 143).

    ``keep_handlers`` (the command line, which exits next): leave the
    handlers in place afterwards, so that a signal arriving after the report
    is written only records itself, and the process exits with the code that
    the report states instead of dying of the signal."""
    from .cancel import Cancel

    flag = StopFlag(Cancel(req.options.timeout, req.options.max_memory_mb,
                           req.options.should_stop, started=req.started))
    old = _install(flag)
    try:
        flag.cancel.start()
        return _execute(req, flag, stdout, stderr)
    finally:
        flag.cancel.close()
        if keep_handlers:
            old = {k: v for k, v in old.items() if k == "wakeup"}
        _restore(old)


def _execute(req: Request, flag: StopFlag, stdout: IO[str] | None = None,
             stderr: IO[str] | None = None) -> int:
    from .cancel import INTERRUPTED, Halted

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    other_rank = False
    if req.options.distributed:              # under mpiexec, only rank 0 reports (and writes files)
        from .distributed.mpi import launcher_rank, rank_streams
        stdout, stderr = rank_streams(stdout, stderr)
        other_rank = launcher_rank() != 0
    color = req.color if req.color is not None else _isatty(stdout) and not os.environ.get("NO_COLOR")
    show_progress = req.progress if req.progress is not None else (_isatty(stderr) and not req.json)
    codes: list[int] = []
    runs: list[Run] = []
    errors: list[dict[str, Any]] = []
    skipped = 0
    for path in req.files:
        if flag.stopped:
            skipped += 1
            continue
        progress = None
        options = replace(req.options, cancel=flag.cancel)
        if show_progress:
            from .report.progress import ProgressLine

            progress = ProgressLine(stderr, force=req.progress is True)
            progress.set_label(req.engine if req.engine != "all" else "")
            progress.heartbeat()
            options = replace(options, progress=progress)
        try:
            flag.armed = True
            try:
                file_runs = check_file(path, req.const_ranges, req.engine, options, req.invariants,
                                       generalize=req.all_values)
            finally:
                flag.armed = False
        except InputError as e:
            _close(progress)
            stderr.write(f"verify: error: {e}\n")
            errors.append({"file": path, "kind": "input", "message": str(e)})
            codes.append(EXIT_INPUT_ERROR)
            continue
        except InternalError as e:
            _close(progress)
            stderr.write(f"verify: internal error: {e}\n")
            errors.append({"file": path, "kind": "internal", "message": str(e)})
            codes.append(EXIT_INTERNAL)
            continue
        except KeyboardInterrupt as e:
            _close(progress)
            if flag.cancel.reason not in (None, INTERRUPTED) and not flag.requested:
                # the watchdog's hard stop after a limit of the whole run
                stderr.write(f"verify: {path}: {flag.cancel.words()} where nothing polls; "
                             "no result for this file\n")
                codes.append(EXIT_UNKNOWN)
                continue
            if flag.signum is None:
                flag.signum = getattr(e, "signum", 0) or flag.cancel.signum or 2
            stderr.write(f"verify: interrupted ({_signal_name(flag.signum)}); "
                         "no partial result for this file\n")
            continue
        except Halted as e:   # a poll in the front end (parsing, resolving) stopped the run
            _close(progress)
            if flag.requested:
                continue
            stderr.write(f"verify: {path}: {flag.cancel.words()} while loading the spec; "
                         "no result for this file\n")
            codes.append(EXIT_UNKNOWN)
            continue
        except Exception as e:
            _close(progress)
            if _is_spec_error(e):
                text = str(e).rstrip("\n")
                stderr.write(text + "\n")
                errors.append({"file": path, "kind": "spec", "message": text})
                codes.append(EXIT_INPUT_ERROR)
                continue
            if os.environ.get("VERIFY_DEBUG"):
                raise
            stderr.write(_internal_message(e) + "\n")
            errors.append({"file": path, "kind": "internal", "message": f"{type(e).__name__}: {e}"})
            codes.append(EXIT_INTERNAL)
            continue
        _close(progress)
        if req.itf_dir and not other_rank:
            for r in file_runs:
                for written in write_itf(r, req.itf_dir):
                    stderr.write(f"verify: wrote {written}\n")
        for r in file_runs:
            codes.append(result_exit(r.result))
            if not req.json:
                from .report.text import render

                stdout.write(render(r.result, r.spec, timing=req.timing, color=color))
                stdout.flush()
        for r in file_runs:
            if r.spec is not None and (req.coverage or req.dot_file):
                _graph_outputs(req, r, stdout, stderr)
            if r.spec is not None and req.profile_space:
                _space_profile(req, r, stdout, stderr)
        runs.extend(file_runs)
    code = worst_exit(codes)
    if skipped:
        stderr.write(f"verify: {flag.cancel.words() or 'stopped'}: {skipped} file"
                     f"{'s' if skipped > 1 else ''} not checked\n")
        if not flag.requested:
            code = worst_exit(codes + [EXIT_UNKNOWN])
    if flag.requested and flag.signum is None:
        flag.signum = flag.cancel.signum
    if flag.signum is not None:
        code = 128 + flag.signum
        stderr.write(f"verify: interrupted by {_signal_name(flag.signum)}: the results above are "
                     "partial (bounded, not exhaustive)\n")
    if req.json:
        from .report.json_report import render_document

        # one write of the whole document: an interrupted run still prints all of it
        stdout.write(render_document(runs, errors, code, timing=req.timing))
        stdout.flush()
    return code


def _graph_outputs(req: "Request", run: Run, stdout: IO[str], stderr: IO[str]) -> None:
    """--coverage and --dot: both walk the whole reachable graph again (explicit only)."""
    from .explicit.graph import GraphTooLarge, coverage, to_dot

    if req.coverage:
        try:
            cov = coverage(run.spec, req.options.max_states)
        except GraphTooLarge as e:
            stderr.write(f"verify: no coverage: {e}\n")
        else:
            _write_coverage(req, run, cov, stdout)
    if req.dot_file:
        from pathlib import Path

        from .docs import write_atomic
        try:
            write_atomic(Path(req.dot_file), to_dot(run.spec))
            stderr.write(f"verify: wrote {req.dot_file}\n")
        except GraphTooLarge as e:
            stderr.write(f"verify: no state graph written: {e}\n")


def _space_profile(req: "Request", run: Run, stdout: IO[str], stderr: IO[str]) -> None:
    """--profile-space: a fresh exhaustive search of the spec (explicit engine,
    no symmetry reduction); the profile goes after the text report, or into
    the result's JSON (``space_profile``)."""
    from .explicit.profile import SpaceTooLarge, profile_space

    try:
        prof = profile_space(run.spec, req.options.max_states)
    except SpaceTooLarge as e:
        stderr.write(f"verify: no state-space profile: {e}\n")
        return
    run.result.space_profile = prof.to_json()
    if not req.json:
        for line in prof.table():
            stdout.write(line + "\n")
def _write_coverage(req: "Request", run: Run, cov, stdout: IO[str]) -> None:
    if req.json:  # stdout holds the JSON document only: the coverage goes into it
        from .report.json_report import coverage_to_json

        run.coverage = coverage_to_json(cov)
        return
    stdout.write(f"coverage over all {cov.states:,} reachable states (per action or process step):\n")
    for line in cov.table():
        stdout.write(line + "\n")
    for w in cov.warnings():
        stdout.write(f"warning: {w}\n")


def write_itf(run: Run, out_dir: str) -> list[str]:
    """Every trace of a result as ``<spec>[-CONSTS].<property>.itf.json`` in ``out_dir`` (atomically)."""
    import json

    from .docs import write_atomic
    from .report.itf import trace_to_itf

    from .outpaths import ensure_dir

    written = []
    if run.spec is None:
        return written
    ensure_dir(out_dir)  # the folder the user named, never its parents (checked by the CLI)
    tag = "".join(f"-{k}{v}" for k, v in sorted(run.result.consts.items())) if len(run.result.consts) else ""
    for p in run.result.properties:
        if p.trace is None:
            continue
        path = os.path.join(out_dir, f"{run.spec.name}{tag}.{p.name}.itf.json")
        doc = trace_to_itf(p.trace, run.spec, p, engine=run.result.engine, source=run.spec.file)
        from pathlib import Path
        write_atomic(Path(path), json.dumps(doc, indent=1) + "\n")
        written.append(path)
    return written


def _close(progress) -> None:
    if progress is not None:
        progress.close()


def _is_spec_error(e: BaseException) -> bool:
    if type(e).__name__ == "SpecError":
        return True
    try:
        from .lang.diagnostics import SpecError
    except Exception:  # front end missing
        return False
    return isinstance(e, SpecError)


def _isatty(f) -> bool:
    try:
        return f.isatty()
    except Exception:
        return False
