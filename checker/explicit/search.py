"""The breadth-first search driver, one for every single-process store.

``Driver.run`` walks the state space a BFS level at a time; a *store*
(``dictstore.DictStore``: a dict of states and parents, the reference;
``compact.CompactStore``: sorted numpy arrays, expanded in this process, in
worker processes or by the vector back end) holds the states and expands a
level a chunk at a time.  Between chunks the driver alone decides what
happens next: the properties still open (``goals.Goals``, so a violated one
is no longer checked), whether to stop (``stop.StopPolicy``: the run's
cancel, ``--max-memory``, ``--max-depth``; ``--max-states`` is counted by
the store, which knows its size) and when to report progress
(``stop.Throttle``).

A store has these methods (see DictStore for the reference behaviour):
``start(out)`` the initial states (or a resumed checkpoint; False: nothing
left to search), ``level_size()``, ``resuming()`` (the next level is the
rest of one saved mid-way: no new-level checks), ``begin_level(depth)``,
``chunks()`` (expands the level a chunk at a time, yielding (transitions,
None) or (transitions, a stop reason: ``max_states`` or the reason a poll
inside the generated code raised), ``properties_changed()``,
``work_left()``, ``level_left()``, ``growth_mb()``, ``stop_here()`` (a
stop: the rest of the level stays unexpanded), ``keep_level()`` (the
current level stays unexpanded: ``--max-depth``), ``end_level(stopped)``
(True when the next level has states), ``tick(now)`` (periodic work:
checkpoints), ``progress(depth)`` ((states, words)), ``close()``,
``finish(out)`` and ``unexpanded`` / ``decode`` for the stored states never
expanded.
"""
from __future__ import annotations

import time

from ..options import Options
from .compile import Program
from .dictstore import CHUNK, DictStore
from .found import Found, packed_initial_states
from .goals import Goals
from .memory import rss_mb  # noqa: F401  (re-exported for bench/memory_per_state.py)
from .stop import ALL_DECIDED, MAX_DEPTH, MAX_STATES, RESUMABLE, StopPolicy, Throttle

__all__ = ["CHUNK", "Driver", "Found", "Outcome", "RESUMABLE", "bfs", "check_rest", "packed_initial_states",
           "rss_mb"]


class Outcome:
    def __init__(self):
        self.states = 0
        self.transitions = 0
        self.depth = 0
        self.exhaustive = False
        # "max_depth" | "max_states" | "max_memory" | "timeout" | "interrupted" | "all decided"
        self.stopped_by: str | None = None
        self.seen: dict = {}                  # state -> parent (compact store: levels.LevelParents)
        self.store_bytes = 0                  # compact store: bytes of its state arrays
        self.found: Found | None = None
        self.seconds = 0.0
        self.memory_mb = 0.0                  # resident set when max_memory stopped the search
        self.unchecked = 0                    # stored states whose invariants were not checked (a stop)
        self.resumed: dict | None = None      # {"states", "depth", "done"} when resumed
        self.checkpoints = 0                  # checkpoints written by this run
        self.checkpoint_path: str | None = None
        self.checks_skipped: int | None = None  # invariant/goal checks skipped (dict store)


AFTER_STOP = 0.25   # seconds: checking the stored, never expanded states after a stop


def check_rest(prog: Program, invs, reach, parts, viol, stopped: bool, decode=None) -> int:
    """Check the invariants and goals on stored states that were never
    expanded (``parts``: lists or arrays of them).  After a stop (time limit,
    signal, memory) only for AFTER_STOP seconds, so the run still ends near
    its bound; returns how many were left unchecked."""
    fn = prog.check_function(list(invs), list(reach))
    end = time.perf_counter() + AFTER_STOP
    left = sum(len(p) for p in parts)
    for part in parts:
        for i in range(0, len(part), 4096):
            if stopped and time.perf_counter() > end:
                return left
            chunk = part[i:i + 4096]
            fn(decode(chunk) if decode is not None else chunk, viol)
            left -= len(chunk)
    return 0


class Driver:
    """One breadth-first search over ``store``.  ``whole_graph``: a temporal
    property is to be checked on the reachable graph afterwards (or more
    traces are wanted), so never stop early because the safety properties
    are all decided."""

    def __init__(self, prog: Program, store, goals: Goals, stop: StopPolicy, progress=None,
                 whole_graph: bool = False):
        self.prog = prog
        self.store = store
        self.goals = goals
        self.stop = stop
        self.progress = progress
        self.whole_graph = whole_graph

    def run(self) -> Outcome:
        t0 = time.perf_counter()
        self.throttle = Throttle(self.progress, t0)
        out = self.out = Outcome()
        out.found = Found()
        try:
            if self.store.start(out):
                self._levels()
        finally:
            self.store.close()
        self.store.finish(out)
        self._check_unexpanded()
        out.exhaustive = out.stopped_by is None
        out.seconds = time.perf_counter() - t0
        return out

    def _decided(self) -> bool:
        return not self.whole_graph and self.goals.decided(self.out.found)

    def _levels(self) -> None:
        out, store = self.out, self.store
        while out.stopped_by is None:
            if not store.resuming():          # a new level
                if not store.level_size():
                    break
                if self._decided():
                    out.stopped_by = ALL_DECIDED
                    break
                if self.stop.depth_reached(out.depth):
                    out.stopped_by = MAX_DEPTH
                    store.keep_level()
                    break
            store.begin_level(out.depth)
            self._level()
            if out.stopped_by is None and self._decided() and store.level_left():
                out.stopped_by = ALL_DECIDED
            if store.end_level(out.stopped_by is not None) and out.stopped_by != ALL_DECIDED:
                out.depth += 1

    def _level(self) -> None:
        out, store, found = self.out, self.store, self.out.found
        for tr, reason in store.chunks():
            out.transitions += tr
            if reason is not None:
                out.stopped_by = reason
                if reason != MAX_STATES:      # a poll inside the chunk stopped it
                    self.stop.halted()
                    out.memory_mb = self.stop.memory_mb
                    store.stop_here()
                return
            if found.changed:
                found.changed = False
                if self._decided():
                    return
                store.properties_changed()
            now = time.perf_counter()
            if store.work_left():
                reason = self.stop.poll(store.growth_mb())
                out.memory_mb = self.stop.memory_mb
                if reason is not None:
                    out.stopped_by = reason
                    store.stop_here()
                    return
            store.tick(now)
            if self.throttle.due(now):
                states, note = store.progress(out.depth)
                self.throttle.report(now, states, out.transitions, out.depth, note)

    def _check_unexpanded(self) -> None:
        """the invariants and goals on stored states never expanded (a bounded run)"""
        parts = self.store.unexpanded
        if any(len(p) for p in parts):
            invs, reach, _ = self.goals.open(self.out.found)
            if invs or reach:
                self.out.unchecked = check_rest(self.prog, invs, reach, parts, self.out.found.viol,
                                                self.out.stopped_by in RESUMABLE, self.store.decode)


def bfs(prog: Program, options: Options, want_invs: list[int], want_typeok: bool,
        want_deadlock: bool, want_reach: list[int] = (), need_whole_graph: bool = False) -> Outcome:
    """Breadth-first search on the reference dict store (``dictstore.py``:
    checkpoints and ``--resume`` too).  ``need_whole_graph``: a temporal
    property is to be checked on the reachable graph afterwards, so never
    stop early because the safety properties are all decided."""
    goals = Goals(invs=tuple(want_invs), reach=tuple(want_reach), typeok=want_typeok, deadlock=want_deadlock)
    stop = StopPolicy(options)
    return Driver(prog, DictStore(prog, options, goals, stop), goals, stop, options.progress,
                  need_whole_graph).run()
