"""Breadth-first search over packed states.

``seen`` maps every stored state to its parent (None for an initial state);
the next BFS level is collected in a list.  The compiled level function
expands a chunk of states at a time; between chunks the driver checks the
clock, reports progress, and recompiles the level function when a property
has been violated (so it is no longer checked).
"""
from __future__ import annotations

import time

from ..options import Options, Progress
from .compile import Program
from .runtime import Full, StepError

CHUNK = 2048


class Found:
    """First (shortest) violations, recorded by the callbacks."""

    def __init__(self, n_invs: int):
        self.inv: dict[int, tuple] = {}      # invariant index -> (state, StepError | None)
        self.typeok: tuple | None = None     # (parent, StepError, action index, binding) or
        #                                      ("init", values, bad) for initial states
        self.deadlock: int | None = None
        self.reach: dict[int, int] = {}      # reachability goal index -> first state
        self.changed = False

    def reached(self, k, s):
        if k not in self.reach:
            self.reach[k] = s
            self.changed = True

    def viol(self, k, s, e):
        if k < 0:                  # reachability goal -1 - k reached
            self.reached(-1 - k, s)
        elif k not in self.inv:
            self.inv[k] = (s, e)
            self.changed = True

    def err(self, e, s, ai, b):
        if self.typeok is None:
            self.typeok = (s, e, ai, b)
            self.changed = True

    def dead(self, s):
        if self.deadlock is None:
            self.deadlock = s
            self.changed = True


class Outcome:
    def __init__(self):
        self.states = 0
        self.transitions = 0
        self.depth = 0
        self.exhaustive = False
        self.stopped_by: str | None = None    # "max_depth" | "max_states" | "timeout" | "all decided"
        self.seen: dict = {}
        self.found: Found | None = None
        self.seconds = 0.0


def bfs(prog: Program, options: Options, want_invs: list[int], want_typeok: bool,
        want_deadlock: bool, want_reach: list[int] = (), need_whole_graph: bool = False) -> Outcome:
    """Breadth-first search.  ``need_whole_graph``: a temporal property is to
    be checked on the reachable graph afterwards, so never stop early because
    the safety properties are all decided."""
    t0 = time.perf_counter()
    out = Outcome()
    found = Found(len(prog.spec.invariants))
    out.found = found
    seen: dict = {}
    out.seen = seen
    layout = prog.layout

    level: list[int] = []
    try:
        initial = list(prog.initial_states())
    except StepError as e:
        found.typeok = ("initerr", e)
        initial = []
    for values, bad in initial:
        if bad is not None:
            if found.typeok is None:
                found.typeok = ("init", values, bad)
            continue
        s = layout.pack(values)
        if s not in seen:
            if options.max_states is not None and len(seen) >= options.max_states:
                out.stopped_by = "max_states"
                break
            seen[s] = None
            level.append(s)

    def all_violated():
        return (not need_whole_graph
                and all(k in found.inv for k in want_invs)
                and all(k in found.reach for k in want_reach)
                and (not want_typeok or found.typeok is not None)
                and (not want_deadlock or found.deadlock is not None))

    def active():
        invs = [k for k in want_invs if k not in found.inv]
        reach = [k for k in want_reach if k not in found.reach]
        return invs, reach, want_deadlock and found.deadlock is None

    invs, reach, dl = active()
    level_fn = prog.level_function(invs, reach, dl)
    depth = 0
    transitions = 0
    last_report = t0
    deadline = t0 + options.timeout if options.timeout is not None else None
    progress = options.progress
    unexpanded: list = []       # stored states never expanded (bounded runs)

    while level and out.stopped_by is None:
        if all_violated():
            out.stopped_by = "all decided"
            break
        if options.max_depth is not None and depth >= options.max_depth:
            out.stopped_by = "max_depth"
            unexpanded = level
            break
        nxt: list[int] = []
        app = nxt.append
        i = 0
        while i < len(level):
            chunk = level[i:i + CHUNK]
            try:
                transitions += level_fn(chunk, seen, app, found.err, found.viol, found.dead)
            except Full as full:
                s, tr = full.args
                transitions += tr
                out.stopped_by = "max_states"
                j = chunk.index(s)
                unexpanded = chunk[j + 1:] + level[i + CHUNK:] + nxt
                break
            i += CHUNK
            if found.changed:
                found.changed = False
                if all_violated():
                    break
                invs, reach, dl = active()
                level_fn = prog.level_function(invs, reach, dl)
            now = time.perf_counter()
            if deadline is not None and now >= deadline and (i < len(level) or nxt):
                out.stopped_by = "timeout"
                unexpanded = level[i:] + nxt
                break
            if progress is not None and now - last_report >= 1.0:
                last_report = now
                progress(Progress(len(seen), transitions, depth, now - t0,
                                  f"level {depth}: {i}/{len(level)} expanded"))
        if out.stopped_by is None and all_violated() and i < len(level):
            out.stopped_by = "all decided"
        if out.stopped_by is not None:
            if nxt and out.stopped_by != "all decided":
                depth += 1
            break
        if nxt:
            depth += 1
        level = nxt

    if unexpanded:
        invs, reach, _ = active()
        if invs or reach:
            prog.check_function(invs, reach)(unexpanded, found.viol)
    out.states = len(seen)
    out.transitions = transitions
    out.depth = depth
    out.exhaustive = out.stopped_by is None
    out.seconds = time.perf_counter() - t0
    return out
