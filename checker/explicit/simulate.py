"""Random simulation: seeded walks through the state space, for spaces too
large to exhaust.

Each walk starts in an initial state chosen at random and takes up to
``options.walk_depth`` steps; at every state it evaluates the invariants and
reachability goals, and from it it computes *every* enabled step (all
actions, all bindings), so that an erroneous step (typeok) or a deadlock at
a visited state is found whichever step the walk then takes.  The next step
is chosen uniformly among the successors.  One ``random.Random(seed)``
drives all walks, so the same seed, spec and options give the same walks
and the same traces.

What the verdicts mean: a violation, a deadlock or a reachability witness
comes with a real trace of the spec (checked on the way, replayable), but
not necessarily the shortest one.  No violation found is *unknown*
("simulation: W walks of depth D, no violation"), never holds: a walk sees
a sliver of the space.  Temporal properties are not checked (unknown).
"""
from __future__ import annotations

import random
import time

from .. import ir
from ..options import Options
from ..results import (DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK, CheckResult, PropertyResult, Stats, Step,
                       Trace, Verdict)
from .. import evidence
from ..cancel import for_options, words
from .compile import Program
from .constants import require_constants
from .goals import Goals
from .layout import canon
from .memory import peak_memory_bytes
from .runtime import StepError
from .stop import StopPolicy
from .trace import error_detail, error_state
from .verdicts import typeok_trace


class Findings:
    """What the walks found, as paths (lists of (action index, binding, state))."""

    def __init__(self):
        self.inv: dict[int, tuple] = {}     # invariant index -> (path, StepError | None)
        self.reach: dict[int, list] = {}    # goal index -> path
        self.typeok: tuple | None = None    # (path, ai, b, StepError) or ("init", values, bad)
        self.deadlock: list | None = None   # path


def initial_states(prog: Program, found: Findings) -> list[int]:
    """The distinct packed initial states, in the spec's order; an initial
    state outside its type (or an error evaluating them) goes to ``found.typeok``."""
    initial = []
    try:
        for values, bad in prog.initial_states():
            if bad is not None:
                if found.typeok is None:   # a StepError: an erroneous branch of init { }
                    found.typeok = ("initerr", bad) if isinstance(bad, StepError) else ("init", values, bad)
                continue
            initial.append(prog.layout.pack(values))
    except StepError as e:
        found.typeok = ("initerr", e)
    return list(dict.fromkeys(initial))


class _Walker:
    """The walks of one run: one ``random.Random(seed)`` drives them all."""

    def __init__(self, prog: Program, goals: Goals, options: Options, stop: StopPolicy):
        self.prog = prog
        self.goals = goals
        self.stop = stop
        self.found = Findings()
        self.rng = random.Random(options.seed)
        self.walks, self.depth = options.walks, options.walk_depth
        spec = prog.spec
        self.terminal = prog.predicate(spec.terminal) if getattr(spec, "terminal", None) is not None else None
        self.bindings = list(enumerate(prog.bindings))
        self.touched: set = set()
        self.steps = self.transitions = self.walks_done = self.longest = 0
        self.stopped = None
        self.pending_k: dict = {}
        self.check_fn = self._checker()

    def _checker(self):
        invs, reach, _ = self.goals.open(self.found)
        return self.prog.check_function(list(invs), list(reach)) if invs or reach else None

    def _viol(self, k, s, e):
        self.pending_k.setdefault(k, e)

    def visit(self, path) -> bool:
        """Check the last state of ``path``; True when something new was found."""
        s = path[-1][2]
        self.touched.add(s)
        if self.check_fn is None:
            return False
        self.pending_k.clear()
        self.check_fn([s], self._viol)
        for k, e in self.pending_k.items():
            if k < 0:
                self.found.reach.setdefault(-1 - k, list(path))
            else:
                self.found.inv.setdefault(k, (list(path), e))
        if self.pending_k:
            self.check_fn = self._checker()
            return True
        return False

    def successors(self, s: int, path: list):
        """(every step from ``s``, whether one erred); None when the run was stopped meanwhile"""
        cell = self.stop.cell      # set by the run's watchdog: time limit, signal, memory
        found, want_typeok = self.found, self.goals.typeok
        succ = []
        erred = False
        for ai, binds in self.bindings:
            fn = self.prog.trace_fns[ai]
            for b in binds:
                if cell[0] is not None:   # stop inside a walk: the walk so far counts
                    return None
                out: list = []
                errs: list = []
                fn(s, out, errs, b)
                for t in out:
                    succ.append((ai, b, t))
                if errs:
                    erred = True
                    if want_typeok and found.typeok is None:
                        found.typeok = (list(path), ai, b, errs[0])
        return succ, erred

    def walk(self, initial: list[int]) -> None:
        s = initial[self.rng.randrange(len(initial))]
        path = [(None, None, s)]
        self.visit(path)
        for _ in range(self.depth):
            got = self.successors(s, path)
            if got is None:
                break
            succ, erred = got
            self.transitions += len(succ)
            if not succ:
                if not erred and self.goals.deadlock and self.found.deadlock is None \
                        and not (self.terminal is not None and self.terminal(s)):
                    self.found.deadlock = list(path)
                break
            step = succ[self.rng.randrange(len(succ))]
            s = step[2]
            path.append(step)
            self.steps += 1
            if self.visit(path) and self.goals.decided(self.found):
                break
        self.longest = max(self.longest, len(path) - 1)
        self.walks_done += 1

    def run(self, initial: list[int]) -> None:
        while initial and self.walks_done < self.walks and not self.goals.decided(self.found):
            self.stopped = self.stop.poll()
            if self.stopped is not None:
                break
            self.walk(initial)

    def facts(self, seconds: float) -> dict:
        return dict(walks=self.walks_done, asked=self.walks, depth=self.depth, steps=self.steps,
                    transitions=self.transitions, touched=len(self.touched), longest=self.longest,
                    seconds=seconds, stopped=self.stopped)


def check(spec: ir.Spec, options: Options) -> CheckResult:
    require_constants(spec)
    t0 = time.perf_counter()
    prog = Program(spec)
    goals = Goals.of(spec, options)
    walker = _Walker(prog, goals, options, _SimulationStop(options))
    walker.run(initial_states(prog, walker.found))
    found = walker.found
    shrunk = _shrink_found(prog, found, walker.terminal) if options.shrink else {}
    result = simulation_result(spec, prog, options, found, goals, walker.facts(time.perf_counter() - t0),
                               peak_memory_bytes())
    if shrunk:
        goal_decls = tuple(getattr(spec, "reachables", ()))
        names = {**{f"inv{k}": spec.invariants[k].name for k in found.inv},
                 **{f"reach{k}": goal_decls[k].name for k in found.reach}, "typeok": "typeok", "deadlock": "deadlock"}
        result.notes.append("traces shrunk (steps removed and replayed, the violation kept): " + ", ".join(
            f"{names[key]} {a} -> {b} steps" for key, (a, b) in shrunk.items()))
        result.stats.extra["simulation"]["shrunk"] = {names[key]: [a, b] for key, (a, b) in shrunk.items()}
    return result


class _SimulationStop(StopPolicy):
    """The walks stop only on the run's cancel (deadline, signal, the
    watchdog's memory samples): they store nothing to measure."""

    def poll(self, growth_mb: float = 0.0):
        return self.cancel.poll()


def _shrink_found(prog: Program, found: Findings, terminal) -> dict:
    """Shrink every path in ``found`` in place; {key: (steps before, after)}."""
    from .shrink import shrink

    sizes = {}

    def hits(fn, k):
        def goal(s):
            got = []
            fn([s], lambda kk, ss, e: got.append((kk, e)))
            return any(kk == k for kk, _ in got)
        return goal

    for k, (path, e) in list(found.inv.items()):
        fn = prog.check_function([k], [])
        new = shrink(prog, path, hits(fn, k))
        got: list = []
        fn([new[-1][2]], lambda kk, ss, err: got.append(err))
        found.inv[k] = (new, got[0] if got else e)
        sizes[f"inv{k}"] = (len(path) - 1, len(new) - 1)
    for k, path in list(found.reach.items()):
        new = shrink(prog, path, hits(prog.check_function([], [k]), -1 - k))
        found.reach[k] = new
        sizes[f"reach{k}"] = (len(path) - 1, len(new) - 1)
    if found.typeok is not None and found.typeok[0] not in ("init", "initerr"):
        path, ai, b, _e = found.typeok

        def errs_here(s):
            errs: list = []
            prog.trace_fns[ai](s, [], errs, b)
            return errs

        new = shrink(prog, path, lambda s: bool(errs_here(s)))
        found.typeok = (new, ai, b, errs_here(new[-1][2])[0])
        sizes["typeok"] = (len(path), len(new))          # the erroneous step counts
    if found.deadlock is not None:
        def dead(s):
            for ai, binds in enumerate(prog.bindings):
                for b in binds:
                    out: list = []
                    errs: list = []
                    prog.trace_fns[ai](s, out, errs, b)
                    if out or errs:
                        return False
            return not (terminal is not None and terminal(s))

        path = found.deadlock
        found.deadlock = shrink(prog, path, dead)
        sizes["deadlock"] = (len(path) - 1, len(found.deadlock) - 1)
    return sizes


def _trace(prog: Program, path: list) -> Trace:
    lay = prog.layout
    steps = []
    for ai, b, s in path:
        if ai is None:
            steps.append(Step(None, (), lay.canonical(s)))
        else:
            a = prog.spec.actions[ai]
            args = tuple(canon(p.type, v) for p, v in zip(a.params, b))
            steps.append(Step(a.name, args, lay.canonical(s)))
    return Trace(steps)


def _stop_words(options: Options, run: dict) -> str:
    return for_options(options).words() or words(run["stopped"], options.timeout, options.max_memory_mb)


def simulation_evidence(options: Options, found, goals: Goals, run: dict) -> evidence.Simulation:
    """Why the walks ended: the run's stop, every walk taken, or every property decided."""
    if run.get("ended") is not None:      # (a swarm says why it ended)
        why = run["ended"]
    elif run["stopped"] is not None:
        why = run["stopped"]
    elif run["walks"] >= run["asked"] or not goals.decided(found):
        why = evidence.WALKS
    else:
        why = evidence.ALL_DECIDED
    return evidence.Simulation(seed=options.seed, walks=run["walks"], longest=run["longest"], stopped_by=why)


def simulation_result(spec: ir.Spec, prog: Program, options: Options, found, goals: Goals, run: dict,
                      peak: int) -> CheckResult:
    """The report of a simulation (``run``: its counts) or a swarm (which rewrites the first note)."""
    ev = simulation_evidence(options, found, goals, run)
    props = _property_results(spec, prog, options, found, goals, run, ev)
    seed = options.seed
    rate = run["steps"] / run["seconds"] if run["seconds"] > 0 else 0.0
    notes = [f"simulation: {run['walks']} of {run['asked']} walks, depth up to {run['depth']}, seed {seed}: "
             f"{run['steps']:,} steps ({rate:,.0f} steps/s), {run['touched']:,} distinct states touched; "
             "not exhaustive: a clean run proves nothing"]
    if run["stopped"] is not None:
        notes.append(f"stopped: {_stop_words(options, run)}, partial result")
    stats = Stats(states=run["touched"], transitions=run["transitions"], depth=run["longest"],
                  seconds=run["seconds"], peak_memory_bytes=peak,
                  extra={"simulation": {"seed": seed, "walks": run["walks"], "walks_asked": run["asked"],
                                        "walk_depth": run["depth"], "steps": run["steps"],
                                        "steps_per_second": rate, "distinct_states": run["touched"]}})
    return CheckResult(spec.name, spec.file, "simulate", spec.const_values(), props, stats, False, notes)


def _property_results(spec, prog, options, found, goals: Goals, run: dict, ev) -> list[PropertyResult]:
    seed = options.seed
    searched = (f"simulation: {run['walks']} walk{'s' if run['walks'] != 1 else ''} of depth "
                f"{run['depth']} (seed {seed}), no violation")
    if run["stopped"] is not None:
        searched += "; " + _stop_words(options, run)
    real = f"simulation (seed {seed}): a real trace, not necessarily the shortest"

    def unknown(name, kind, doc="", line=None, what=searched):
        return PropertyResult(name, kind, Verdict.UNKNOWN, what, depth=run["longest"], doc=doc, line=line,
                              evidence=ev)

    def violated(name, kind, path, detail, doc="", line=None, method=real):
        tr = _trace(prog, path)
        if kind == REACHABLE:
            tr.kind = "witness"
        verdict = Verdict.HOLDS if kind == REACHABLE else Verdict.VIOLATED
        return PropertyResult(name, kind, verdict, method, tr, detail, len(tr), doc=doc, line=line, evidence=ev)

    props = []
    for k in goals.invs:
        inv = spec.invariants[k]
        line = inv.span.line if inv.span else None
        if k in found.inv:
            path, e = found.inv[k]
            detail = (f"invariant {inv.name} is false" if e is None else
                      f"evaluating invariant {inv.name} failed: {error_detail(prog, e)}")
            props.append(violated(inv.name, INVARIANT, path, detail, inv.doc, line))
        else:
            props.append(unknown(inv.name, INVARIANT, inv.doc, line))
    for p in goals.temporal:
        props.append(unknown(p.name, PROPERTY, p.doc, p.span.line if p.span else None,
                             "not checked: simulation checks invariants, typeok, deadlock and "
                             "reachability only"))
    reachables = getattr(spec, "reachables", ())
    for k in goals.reach:
        g = reachables[k]
        line = g.span.line if g.span else None
        if k in found.reach:
            props.append(violated(g.name, REACHABLE, found.reach[k], f"reached a state where {ir.show_expr(g.expr)}",
                                  g.doc, line, f"simulation (seed {seed}): witness found, not necessarily the shortest"))
        else:
            props.append(unknown(g.name, REACHABLE, g.doc, line, searched.replace("no violation", "goal not reached")))
    if goals.typeok:
        props.append(_typeok(prog, found.typeok, real, ev) if found.typeok is not None
                     else unknown("typeok", TYPEOK))
    if goals.deadlock:
        props.append(violated("deadlock", DEADLOCK, found.deadlock, "no action can take a step")
                     if found.deadlock is not None else unknown("deadlock", DEADLOCK))
    return props


def _typeok(prog: Program, rec, method: str, ev) -> PropertyResult:
    if rec[0] in ("init", "initerr"):
        tr, detail = typeok_trace(prog, None, rec)
    else:
        path, ai, b, e = rec
        tr = _trace(prog, path)
        a = prog.spec.actions[ai]
        args = tuple(canon(p.type, v) for p, v in zip(a.params, b))
        tr.steps.append(Step(a.name, args, error_state(prog, e)))
        detail = error_detail(prog, e)
    return PropertyResult("typeok", TYPEOK, Verdict.VIOLATED, method, tr, detail, len(tr), evidence=ev)
