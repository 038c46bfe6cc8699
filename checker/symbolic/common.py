"""What the symbolic engines share: the property list, solver set-up
(seed, timeout), and turning findings into PropertyResults."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import z3

from .. import ir, properties
from ..evidence import NOT_ENCODABLE, NOT_REACHED, NOT_SUPPORTED, NotChecked, SolverGaveUp
from ..options import Options, Progress
from ..results import (DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK, CheckResult,
                       PropertyResult, Stats, Verdict)
from .encode import Encoder, Unsupported, err_any, mk_and, mk_not, mk_or


@dataclass
class Prop:
    name: str
    kind: str
    bad: Any            # template formula over the current state (and error-step vars)
    good: Any           # template formula over the current state only: not bad
    inv: ir.Invariant | None = None
    line: int | None = None
    doc: str = ""
    decl: Any = None    # the ir.Temporal / ir.Reachable of a PROPERTY / REACHABLE

    @property
    def extra_step(self) -> int:
        """A typeok violation is an erroneous *step* leaving the last state."""
        return 1 if self.kind == TYPEOK else 0


# the property kinds the Z3 engines check (a refinement is the explicit engine's)
SYMBOLIC_KINDS = frozenset({INVARIANT, PROPERTY, REACHABLE, TYPEOK, DEADLOCK})


def wanted(spec: ir.Spec, options: Options) -> list[tuple[str, str, Any]]:
    """(name, kind, declaration or None) in report order, filtered by options:
    invariants, temporal properties, reachability goals, typeok, deadlock
    (the one property list, checker/properties.py; refinement is the
    explicit engine's)."""
    return [(d.name, d.kind, d.decl) for d in properties.wanted(spec, options, SYMBOLIC_KINDS)]


def build_props(enc: Encoder, items) -> list[Prop]:
    props = []
    for name, kind, inv in items:
        if kind == INVARIANT:
            val, errs = enc.invariant(inv, enc.cur)
            bad = mk_or([err_any(errs), mk_not(val)])
            props.append(Prop(name, kind, bad, mk_not(bad), inv,
                              inv.span.line if inv.span else None, inv.doc))
        elif kind == TYPEOK:
            props.append(Prop(name, kind, enc.errstep, mk_not(enc.errs_somewhere)))
        elif kind == PROPERTY:
            # checked by the lasso search (bmc); bad/good are unused
            props.append(Prop(name, kind, None, None, None,
                              inv.span.line if inv.span else None, inv.doc, decl=inv))
        elif kind == REACHABLE:
            # "bad" is the target: a state where the goal holds (an error while
            # evaluating it counts as not reaching it)
            target = enc.holds_in(inv.expr, enc.cur)
            props.append(Prop(name, kind, target, mk_not(target), None,
                              inv.span.line if inv.span else None, inv.doc, decl=inv))
        else:
            # no action can take a step, and not every process has finished
            dead = mk_and([mk_not(enc.enabled), mk_not(enc.terminal)])
            props.append(Prop(name, kind, dead, mk_not(dead)))
    return props


def configure(seed: int) -> None:
    z3.set_param("smt.random_seed", seed)
    z3.set_param("sat.random_seed", seed)
    # Z3 must not take SIGINT for itself (it would answer "unknown: canceled"
    # and the engine would go on): the run's watchdog interrupts Z3 instead
    # (checker/cancel.py), and the signal reaches the run's handler
    z3.set_param("ctrl_c", False)
    # no cap on Z3's allocator unless this run has --max-memory (the
    # parameter is the process's: a cap of an earlier run must not stay)
    z3.set_param("memory_max_size", 0)


MIB = 1024 * 1024


def cap_memory(cancel) -> None:
    """Cap Z3's allocator at what ``--max-memory`` leaves the process tree
    (Z3's own count of its allocations, which is never below what they add
    to the resident set, plus the room left): a query that would pass the
    limit answers unknown ("out of memory") at once instead of growing past
    it between two samples of the watchdog.  Called before every query, so
    the cap follows what the rest of the process holds."""
    left = cancel.memory_left_mb() if cancel is not None else None
    if left is None:
        return
    now = z3.Z3_get_estimated_alloc_size() / MIB
    z3.set_param("memory_max_size", max(1, int(now + left * 1e6 / MIB)))


def halted(exc: Exception, options: Options) -> bool:
    """Is a Z3Exception the run's stop (Z3 interrupted inside a tactic or a
    Fixedpoint query after a signal or the time limit, or out of the memory
    cap of ``--max-memory``)?  Else it is a failure of its own."""
    from ..cancel import for_options

    msg = getattr(exc, "value", None)
    msg = msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg if msg is not None else exc)
    return for_options(options).solver_failed(msg) is not None


def unless_halted(work: Callable[[], Any], options: Options, fallback: Any) -> Any:
    """``work()``, or ``fallback`` when Z3 was stopped inside it (``halted``)
    or a poll stopped it (``Halted``: encoding a cone of influence): for the
    passes after the first verdicts, which a stop must not lose."""
    from ..cancel import Halted

    try:
        return work()
    except Halted:
        return fallback
    except z3.Z3Exception as e:
        if not halted(e, options):
            raise
        return fallback


def halted_result(p: Prop, engine: str, options: Options, seconds: float | None = None,
                  name: str = "") -> PropertyResult:
    """UNKNOWN for the property the run was stopped in (see ``halted``): no verdict, the stop's words."""
    from ..cancel import for_options

    cancel = for_options(options)
    return PropertyResult(p.name, p.kind, Verdict.UNKNOWN, f"{engine}: stopped before a verdict",
                          detail=cancel.words(), line=p.line, doc=p.doc, seconds=seconds,
                          evidence=SolverGaveUp(name or engine, cancel.words(), stopped_by=cancel.reason))


class Clock:
    """The budget of one property, and the per-query resource limit: every
    solver query is armed with both (Z3 answers ``unknown`` when either runs
    out, and the engines report that as unknown, never as a result).

    The budget is the smaller of ``timeout`` (seconds for this property:
    ``--property-timeout``) and what is left of the whole run's
    (``cancel``: ``--timeout``, a signal, ``--max-memory``); once the run is
    stopped every query gets 1 ms and ``expired()`` is true."""

    def __init__(self, timeout: float | None, rlimit: int | None = None, cancel=None):
        self.start = time.monotonic()
        self.timeout = timeout
        self.rlimit = rlimit
        self.cancel = cancel

    @classmethod
    def of(cls, options: Options) -> "Clock":
        from ..cancel import for_options

        return cls(options.property_timeout, options.solver_rlimit, for_options(options))

    def share(self, seconds: float | None) -> "Clock":
        """A clock for part of this one's work: ``seconds`` at most, same run."""
        return Clock(seconds, self.rlimit, self.cancel)

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining_ms(self) -> int | None:
        left = None
        if self.timeout is not None:
            left = self.timeout - self.elapsed()
        if self.cancel is not None:
            run_left = self.cancel.remaining() if self.cancel.poll() is None else 0.0
            if run_left is not None:
                left = run_left if left is None else min(left, run_left)
        if left is None:
            return None
        return max(1, int(left * 1000))

    def bounded(self) -> bool:
        """Is there a time budget at all (this property's or the run's)?"""
        return self.remaining_ms() is not None

    def stopped(self) -> bool:
        """Has the whole run been stopped (time limit, signal, memory)?"""
        return self.cancel is not None and self.cancel.poll() is not None

    def expired(self) -> bool:
        return (self.timeout is not None and self.elapsed() >= self.timeout) or self.stopped()

    def stop_words(self) -> str:
        """Why ``expired()``, in the words every engine's report uses."""
        if self.stopped():
            return self.cancel.words()
        return f"per-property time limit reached ({self.timeout:g} s)"

    def arm(self, solver) -> None:
        cap_memory(self.cancel)
        ms = self.remaining_ms()
        if ms is not None:
            solver.set("timeout", ms)
        if self.rlimit is not None:
            # relative to the solver's count so far: a limit per query
            solver.set("rlimit", self.rlimit)

    def unknown_words(self, solver, what: str = "the solver returned unknown") -> str:
        """``what (the solver's reason)`` for an unknown, or only the run's
        stop in its own words when the stop is why."""
        why = self.why_unknown(solver)
        return why if self.stopped() else f"{what} ({why})"

    def why_unknown(self, solver) -> str:
        """The solver's reason for ``unknown``, in words when it is our limit."""
        if self.stopped():
            return self.cancel.words()
        try:
            why = solver.reason_unknown()
        except z3.Z3Exception:
            why = "unknown"
        if self.cancel is not None and self.cancel.solver_failed(why):   # Z3's memory cap
            return self.cancel.words()
        if self._run_time_up(why):
            return self.cancel.words()
        if self.rlimit and why in ("canceled", "sat.canceled", "max. resource limit exceeded",
                                   "resource limits reached"):
            return f"resource limit reached (rlimit {self.rlimit:,} per solver call)"
        if why in ("timeout", "canceled") and self.timeout is not None and self.expired():
            return self.stop_words()
        return why


    def _run_time_up(self, why: str) -> bool:
        """Did Z3's own timer, armed with what was left of the run
        (``arm``), end the query at the run's deadline?  It can fire up to a
        millisecond before it (the budget is given in whole milliseconds),
        when no poll has seen the deadline yet: then the few milliseconds
        are waited out and the unknown is the run's time limit, not the
        solver's failure (the limits fuzz found one such report in 2,000)."""
        if why not in ("timeout", "canceled") or self.cancel is None:
            return False
        left = self.cancel.remaining()
        if left is None or left > DEADLINE_SLACK:
            return False
        time.sleep(left)
        return self.cancel.poll() is not None


# how far before the run's deadline Z3's timer may end a query armed with
# the run's remaining time (whole milliseconds, and its timer's granularity)
DEADLINE_SLACK = 0.05


def new_solver(seed: int):
    s = z3.Solver()
    s.set("random_seed", seed)
    return s


def solver_stats(solver) -> dict:
    out = {}
    try:
        st = solver.statistics()
        for k in st.keys():
            if k in ("conflicts", "decisions", "propagations", "max memory", "memory",
                     "rlimit count", "num allocs", "time", "restarts", "mk clause",
                     "arith conflicts", "final checks", "SPACER num queries",
                     "SPACER num lemmas", "SPACER max depth", "SPACER num invariants",
                     "sat conflicts", "sat decisions"):
                out[k] = st.get_key_value(k)
    except z3.Z3Exception:
        pass
    return out


class Progressor:
    def __init__(self, options: Options, start: float):
        self.cb: Callable[[Progress], None] | None = options.progress
        self.start = start
        self.last = 0.0

    def __call__(self, depth: int, note: str = "") -> None:
        if self.cb is None:
            return
        now = time.monotonic()
        if now - self.last >= 1.0:
            self.last = now
            self.cb(Progress(0, 0, depth, now - self.start, note))


def result(spec: ir.Spec, engine: str, props: list[PropertyResult], stats: Stats,
           consts: dict | None = None, notes: list[str] | None = None) -> CheckResult:
    cs = dict(spec.const_values())
    if consts:
        cs.update(consts)
    return CheckResult(spec=spec.name, file=spec.file, engine=engine, consts=cs,
                       properties=props, stats=stats, exhaustive=False, notes=notes or [])


def error_result(spec: ir.Spec, engine: str, options: Options, exc: Exception,
                 start: float) -> CheckResult:
    msg = str(exc) if isinstance(exc, Unsupported) else f"{type(exc).__name__}: {exc}"
    props = []
    for name, kind, inv in wanted(spec, options):
        props.append(PropertyResult(
            name=name, kind=kind, verdict=Verdict.ERROR,
            method=f"{engine}: the spec cannot be encoded for Z3", detail=msg,
            evidence=NotChecked(engine, NOT_ENCODABLE, msg),
            line=inv.span.line if inv is not None and inv.span else None,
            doc=inv.doc if inv is not None else ""))
    return result(spec, engine, props, Stats(seconds=time.monotonic() - start),
                  notes=[f"not encodable: {msg}"])


def prepare(spec: ir.Spec, options: Options, engine: str, start: float):
    """What every symbolic engine does first: seed Z3, encode the spec, build
    the wanted properties.  -> (encoder, props, None), or (None, None, the
    ERROR result) when the spec cannot be encoded."""
    configure(options.seed)
    from ..cancel import Halted, for_options

    cancel = for_options(options)
    cap_memory(cancel)
    try:
        enc = Encoder(spec, poll=cancel.check)
        return enc, build_props(enc, wanted(spec, options)), None
    except (Unsupported, ir.SymbolicBound) as e:
        return None, None, error_result(spec, engine, options, e, start)
    except Halted:   # stopped while encoding: every property unknown, in the stop's words
        return None, None, stopped_report(spec, engine, options)


def stopped_report(spec: ir.Spec, engine: str, options: Options,
                   names: tuple[str, ...] | None = None) -> CheckResult:
    """The report of an engine that Z3's stop (``halted``) left without any
    result: every property unknown, in the stop's words (``names``: induct's
    invariants, checked together as one)."""
    from ..cancel import for_options

    why = for_options(options).words()
    method = f"{engine}: stopped before a verdict"
    if names is not None:
        by_name = {i.name: i for i in spec.invariants}
        first = by_name.get(names[0]) if names else None
        props = [PropertyResult(" and ".join(names), INVARIANT, Verdict.UNKNOWN, method, detail=why,
                                line=first.span.line if first is not None and first.span else None)]
    else:
        props = [PropertyResult(name, kind, Verdict.UNKNOWN, method, detail=why,
                                line=inv.span.line if inv is not None and inv.span else None,
                                doc=inv.doc if inv is not None else "")
                 for name, kind, inv in wanted(spec, options)]
    return result(spec, engine, props, Stats(), notes=[f"{engine}: stopped, {why}"])


def with_consts(detail: str, consts: dict) -> str:
    if not consts:
        return detail
    shown = ", ".join(f"{k} = {v}" for k, v in consts.items())
    return f"{detail} (with {shown})"


def unsupported_temporal(p: Prop, engine: str) -> PropertyResult:
    return PropertyResult(p.name, p.kind, Verdict.UNKNOWN,
                          "not supported by this engine: temporal property",
                          detail=f"{engine} checks invariants and reachability only; "
                                 "use --engine bmc (bounded lasso search) or explicit",
                          evidence=NotChecked(engine, NOT_SUPPORTED, "temporal property"),
                          line=p.line, doc=p.doc)


def reach_result(p: Prop, what: str, info, method: str, **common) -> PropertyResult:
    """A reachability goal checked as the invariant "not goal": a proof of
    the invariant means the goal is unreachable (VIOLATED); a violation of it
    is a witness (HOLDS)."""
    if what == "holds":
        return PropertyResult(p.name, p.kind, Verdict.VIOLATED, f"{method} (proved unreachable)",
                              detail="proved unreachable: no reachable state satisfies "
                                     f"{ir.show_expr(p.decl.expr)}", **common)
    found = info
    found.trace.kind = "witness"
    how = ("Spacer's path, replayed by Z3; not necessarily shortest"
           if not getattr(found, "shortest", True) else "bounded model checking")
    return PropertyResult(p.name, p.kind, Verdict.HOLDS,
                          f"witness found at depth {found.depth} ({how})",
                          trace=found.trace, detail=found.detail, depth=found.depth, **common)


def stopped_result(p: Prop, engine: str, options: Options, name: str = "") -> PropertyResult | None:
    """UNKNOWN for a property not started because the run was stopped (time
    limit, signal, memory), or None when the run goes on: after a stop the
    engines return at once, without importing or encoding anything more.
    ``engine``: the method's words; ``name``: the engine's name (evidence)."""
    from ..cancel import for_options

    cancel = for_options(options)
    if cancel.poll() is None:
        return None
    return PropertyResult(p.name, p.kind, Verdict.UNKNOWN, f"{engine}: not checked",
                          detail=cancel.words(), line=p.line, doc=p.doc,
                          evidence=NotChecked(name or engine, NOT_REACHED, cancel.words()))
