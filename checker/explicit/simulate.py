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
from ..cancel import for_options, words
from .compile import Program
from .layout import canon
from .runtime import StepError
from .trace import error_detail, error_state


class _Found:
    def __init__(self):
        self.inv: dict[int, tuple] = {}     # invariant index -> (path, StepError | None)
        self.reach: dict[int, list] = {}    # goal index -> path
        self.typeok: tuple | None = None    # (path, ai, b, StepError) or ("init", values, bad)
        self.deadlock: list | None = None   # path


def check(spec: ir.Spec, options: Options) -> CheckResult:
    from .engine import _peak_memory, _require_constants

    _require_constants(spec)
    t0 = time.perf_counter()
    prog = Program(spec)
    wanted = set(options.properties) if options.properties is not None else None

    def want(name: str) -> bool:
        return wanted is None or name in wanted

    want_invs = [k for k, inv in enumerate(spec.invariants) if want(inv.name)]
    goals = tuple(getattr(spec, "reachables", ()))
    want_reach = [k for k, g in enumerate(goals) if want(g.name)]
    want_typeok = want("typeok")
    want_deadlock = options.check_deadlock and want("deadlock")
    found = _Found()
    rng = random.Random(options.seed)
    walks, depth = options.walks, options.walk_depth
    terminal = prog.predicate(spec.terminal) if getattr(spec, "terminal", None) is not None else None

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
    initial = list(dict.fromkeys(initial))

    pending_k: dict = {}

    def viol(k, s, e):
        pending_k.setdefault(k, e)

    def checker_for():
        invs = [k for k in want_invs if k not in found.inv]
        reach = [k for k in want_reach if k not in found.reach]
        return prog.check_function(invs, reach) if invs or reach else None

    def decided() -> bool:
        return (all(k in found.inv for k in want_invs) and all(k in found.reach for k in want_reach)
                and (not want_typeok or found.typeok is not None)
                and (not want_deadlock or found.deadlock is not None))

    check_fn = checker_for()
    touched: set = set()
    steps = transitions = walks_done = longest = 0
    stopped = None
    cancel = for_options(options)
    cell = cancel.cell      # set by the run's watchdog: time limit, signal, memory
    bindings = list(enumerate(prog.bindings))

    def visit(path) -> bool:
        """Check the last state of ``path``; True when something new was found."""
        nonlocal check_fn
        s = path[-1][2]
        touched.add(s)
        if check_fn is None:
            return False
        pending_k.clear()
        check_fn([s], viol)
        for k, e in pending_k.items():
            if k < 0:
                found.reach.setdefault(-1 - k, list(path))
            else:
                found.inv.setdefault(k, (list(path), e))
        if pending_k:
            check_fn = checker_for()
            return True
        return False

    while initial and walks_done < walks and not decided():
        stopped = cancel.poll()
        if stopped is not None:
            break
        s = initial[rng.randrange(len(initial))]
        path = [(None, None, s)]
        visit(path)
        for _ in range(depth):
            succ = []
            erred = False
            for ai, binds in bindings:
                fn = prog.trace_fns[ai]
                for b in binds:
                    if cell[0] is not None:   # stop inside a walk: the walk so far counts
                        break
                    out: list = []
                    errs: list = []
                    fn(s, out, errs, b)
                    for t in out:
                        succ.append((ai, b, t))
                    if errs:
                        erred = True
                        if want_typeok and found.typeok is None:
                            found.typeok = (list(path), ai, b, errs[0])
            if cell[0] is not None:
                break
            transitions += len(succ)
            if not succ:
                if not erred and want_deadlock and found.deadlock is None \
                        and not (terminal is not None and terminal(s)):
                    found.deadlock = list(path)
                break
            step = succ[rng.randrange(len(succ))]
            s = step[2]
            path.append(step)
            steps += 1
            if visit(path) and decided():
                break
        longest = max(longest, len(path) - 1)
        walks_done += 1
    shrunk = _shrink_found(prog, found, terminal) if options.shrink else {}
    seconds = time.perf_counter() - t0
    result = _result(spec, prog, options, found, want_invs, want_reach, want_typeok, want_deadlock, want,
                     dict(walks=walks_done, asked=walks, depth=depth, steps=steps, transitions=transitions,
                          touched=len(touched), longest=longest, seconds=seconds, stopped=stopped),
                     _peak_memory())
    if shrunk:
        names = {**{f"inv{k}": spec.invariants[k].name for k in found.inv},
                 **{f"reach{k}": goals[k].name for k in found.reach}, "typeok": "typeok", "deadlock": "deadlock"}
        result.notes.append("traces shrunk (steps removed and replayed, the violation kept): " + ", ".join(
            f"{names[key]} {a} -> {b} steps" for key, (a, b) in shrunk.items()))
        result.stats.extra["simulation"]["shrunk"] = {names[key]: [a, b] for key, (a, b) in shrunk.items()}
    return result


def _shrink_found(prog: Program, found: _Found, terminal) -> dict:
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


def _result(spec, prog, options, found, want_invs, want_reach, want_typeok, want_deadlock, want, run,
            peak) -> CheckResult:
    seed = options.seed
    searched = (f"simulation: {run['walks']} walk{'s' if run['walks'] != 1 else ''} of depth "
                f"{run['depth']} (seed {seed}), no violation")
    if run["stopped"] is not None:
        searched += "; " + (for_options(options).words() or words(run["stopped"], options.timeout,
                                                                   options.max_memory_mb))
    real = f"simulation (seed {seed}): a real trace, not necessarily the shortest"

    def unknown(name, kind, doc="", line=None, what=searched):
        return PropertyResult(name, kind, Verdict.UNKNOWN, what, depth=run["longest"], doc=doc, line=line)

    props = []
    for k in want_invs:
        inv = spec.invariants[k]
        line = inv.span.line if inv.span else None
        if k in found.inv:
            path, e = found.inv[k]
            detail = (f"invariant {inv.name} is false" if e is None else
                      f"evaluating invariant {inv.name} failed: {error_detail(prog, e)}")
            tr = _trace(prog, path)
            props.append(PropertyResult(inv.name, INVARIANT, Verdict.VIOLATED, real, tr, detail, len(tr),
                                        doc=inv.doc, line=line))
        else:
            props.append(unknown(inv.name, INVARIANT, inv.doc, line))
    for p in getattr(spec, "properties", ()):
        if want(p.name):
            props.append(unknown(p.name, PROPERTY, p.doc, p.span.line if p.span else None,
                                 "not checked: simulation checks invariants, typeok, deadlock and "
                                 "reachability only"))
    goals = getattr(spec, "reachables", ())
    for k in want_reach:
        g = goals[k]
        line = g.span.line if g.span else None
        if k in found.reach:
            tr = _trace(prog, found.reach[k])
            tr.kind = "witness"
            props.append(PropertyResult(g.name, REACHABLE, Verdict.HOLDS,
                                        f"simulation (seed {seed}): witness found, not necessarily the shortest",
                                        tr, f"reached a state where {ir.show_expr(g.expr)}", len(tr),
                                        doc=g.doc, line=line))
        else:
            props.append(unknown(g.name, REACHABLE, g.doc, line,
                                 searched.replace("no violation", "goal not reached")))
    if want_typeok:
        props.append(_typeok(prog, found.typeok, real) if found.typeok is not None
                     else unknown("typeok", TYPEOK))
    if want_deadlock:
        if found.deadlock is not None:
            tr = _trace(prog, found.deadlock)
            props.append(PropertyResult("deadlock", DEADLOCK, Verdict.VIOLATED, real, tr,
                                        "no action can take a step", len(tr)))
        else:
            props.append(unknown("deadlock", DEADLOCK))
    rate = run["steps"] / run["seconds"] if run["seconds"] > 0 else 0.0
    notes = [f"simulation: {run['walks']} of {run['asked']} walks, depth up to {run['depth']}, seed {seed}: "
             f"{run['steps']:,} steps ({rate:,.0f} steps/s), {run['touched']:,} distinct states touched; "
             "not exhaustive: a clean run proves nothing"]
    if run["stopped"] is not None:
        reason = for_options(options).words() or words(run["stopped"], options.timeout,
                                                        options.max_memory_mb)
        notes.append(f"stopped: {reason}, partial result")
    stats = Stats(states=run["touched"], transitions=run["transitions"], depth=run["longest"],
                  seconds=run["seconds"], peak_memory_bytes=peak,
                  extra={"simulation": {"seed": seed, "walks": run["walks"], "walks_asked": run["asked"],
                                        "walk_depth": run["depth"], "steps": run["steps"],
                                        "steps_per_second": rate, "distinct_states": run["touched"]}})
    return CheckResult(spec.name, spec.file, "simulate", spec.const_values(), props, stats, False, notes)


def _typeok(prog: Program, rec, method: str) -> PropertyResult:
    if rec[0] in ("init", "initerr"):
        from .engine import _typeok_trace
        tr, detail = _typeok_trace(prog, None, rec)
    else:
        path, ai, b, e = rec
        tr = _trace(prog, path)
        a = prog.spec.actions[ai]
        args = tuple(canon(p.type, v) for p, v in zip(a.params, b))
        tr.steps.append(Step(a.name, args, error_state(prog, e)))
        detail = error_detail(prog, e)
    return PropertyResult("typeok", TYPEOK, Verdict.VIOLATED, method, tr, detail, len(tr))
