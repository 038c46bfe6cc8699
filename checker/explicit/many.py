"""``--traces K``: up to K counterexamples per property, shortest first.

After a search that did not stop early (the dict store, ``need_whole_graph``),
the stored states are scanned in the order the breadth-first search stored
them, which is by nondecreasing depth; each state where the property fails
gives one trace, its shortest path from ``seen``.  So the traces are
**distinct by their final state** (for typeok: by the state before the
erroneous step and that step), and shortest first.  Under symmetry
reduction the final states are distinct orbits.

Invariants, typeok, deadlock and reachability witnesses get K traces;
temporal properties keep their one lasso (a note says so).
"""
from __future__ import annotations

from ..results import DEADLOCK, INVARIANT, REACHABLE, TYPEOK, PropertyResult, Trace, Verdict
from .compile import Program
from .trace import error_trace, trace_to

CHUNK = 4096


def _states_where(prog: Program, seen: dict, inv: list[int], reach: list[int], want: int, skip) -> list[int]:
    """The first ``want`` stored states (search order) that violate the
    invariant / reach the goal, other than ``skip``."""
    fn = prog.check_function(inv, reach)
    hits: list[int] = []

    def viol(_k, s, _e):
        if s != skip and (not hits or hits[-1] != s):
            hits.append(s)

    states = list(seen)
    for i in range(0, len(states), CHUNK):
        fn(states[i:i + CHUNK], viol)
        if len(hits) >= want:
            break
    return hits[:want]


def _dead_states(prog: Program, seen: dict, want: int, skip) -> list[int]:
    terminal = prog.predicate(prog.spec.terminal) if getattr(prog.spec, "terminal", None) is not None else None
    out = []
    for s in seen:
        if s == skip:
            continue
        if any(_fires(prog, s, ai, b) for ai, binds in enumerate(prog.bindings) for b in binds):
            continue
        if terminal is not None and terminal(s):
            continue
        out.append(s)
        if len(out) >= want:
            break
    return out


def _fires(prog: Program, s: int, ai: int, b) -> bool:
    out: list = []
    errs: list = []
    prog.trace_fns[ai](s, out, errs, b)
    return bool(out or errs)


def _erroneous_steps(prog: Program, seen: dict, want: int, skip) -> list[tuple]:
    out = []
    for s in seen:
        for ai, binds in enumerate(prog.bindings):
            for b in binds:
                errs: list = []
                prog.trace_fns[ai](s, [], errs, b)
                if errs and (s, ai, tuple(b)) != skip:
                    out.append((s, errs[0], ai, b))
                    if len(out) >= want:
                        return out
    return out


def add_more_traces(prog: Program, out, props: list[PropertyResult], k: int) -> list[str]:
    """Fill ``more_traces`` of every violated property (and witnessed goal)
    with up to ``k - 1`` further traces; returns notes for the report."""
    spec = prog.spec
    seen = out.seen
    found = out.found
    inv_index = {inv.name: i for i, inv in enumerate(spec.invariants)}
    goal_index = {g.name: i for i, g in enumerate(getattr(spec, "reachables", ()))}
    more = k - 1
    temporal = []
    for p in props:
        if p.trace is None:
            continue
        if p.kind == INVARIANT and p.verdict is Verdict.VIOLATED and inv_index.get(p.name) in found.inv:
            i = inv_index[p.name]
            states = _states_where(prog, seen, [i], [], more, found.inv[i][0])
            p.more_traces = [trace_to(prog, seen, s) for s in states]
        elif p.kind == REACHABLE and goal_index.get(p.name) in found.reach:
            i = goal_index[p.name]
            states = _states_where(prog, seen, [], [i], more, found.reach[i])
            p.more_traces = [_witness(trace_to(prog, seen, s)) for s in states]
        elif p.kind == DEADLOCK and found.deadlock is not None:
            p.more_traces = [trace_to(prog, seen, s) for s in _dead_states(prog, seen, more, found.deadlock)]
        elif p.kind == TYPEOK and found.typeok is not None and found.typeok[0] not in ("init", "initerr"):
            parent, _e, ai, b = found.typeok
            steps = _erroneous_steps(prog, seen, more, (parent, ai, tuple(b)))
            p.more_traces = [error_trace(prog, seen, s, e, a, bb) for s, e, a, bb in steps]
        elif p.verdict is Verdict.VIOLATED:
            temporal.append(p.name)
    notes = [f"--traces {k}: up to {k} counterexamples per property, shortest first, distinct by their "
             "final state (typeok: by the erroneous step and the state before it)"]
    if temporal:
        notes.append(f"--traces {k}: one lasso only for temporal properties ({', '.join(temporal)})")
    return notes


def _witness(tr: Trace) -> Trace:
    tr.kind = "witness"
    return tr
