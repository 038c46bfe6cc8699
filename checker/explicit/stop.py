"""When an explicit search stops, decided in one place for every store,
the simulation, the swarm and the distributed search: the run's cancel
(deadline, signal, caller's flag, the watchdog's memory samples;
checker/cancel.py), ``--max-memory`` sampled between chunks, ``--max-depth``
and ``--max-states``; and the progress line's throttle.

The reasons are the strings ``Outcome.stopped_by`` holds; the evidence
(checker/evidence.py) spells "all decided" ``all_decided``."""
from __future__ import annotations

import time
from typing import Callable, Optional

from .. import evidence
from ..cancel import HEADROOM, INTERRUPTED, MAX_MEMORY, TIMEOUT, Cancel, for_options, tree_rss_mb
from ..options import Options, Progress
from .memory import rss_mb

MAX_DEPTH = evidence.MAX_DEPTH
MAX_STATES = evidence.MAX_STATES
ALL_DECIDED = "all decided"     # every checked safety property violated (a goal: reached)

# stops after which the search can go on (a resumed run continues it); the
# others end the search for good (a resumed run reports the same end)
RESUMABLE = (TIMEOUT, INTERRUPTED, MAX_MEMORY)


def evidence_reason(stopped_by: Optional[str]) -> Optional[str]:
    """``Outcome.stopped_by`` as the evidence's ``stopped_by``."""
    return evidence.ALL_DECIDED if stopped_by == ALL_DECIDED else stopped_by


class StopPolicy:
    """One run's limits.  ``poll`` between chunks; ``halted`` when the
    generated code's own poll raised ``Halted`` inside a chunk."""

    def __init__(self, options: Options, cancel: Optional[Cancel] = None):
        self.cancel = cancel if cancel is not None else for_options(options)
        self.max_depth = options.max_depth
        self.max_states = options.max_states
        self.max_memory_mb = options.max_memory_mb
        self.memory_mb = 0.0          # the resident set when the memory limit stopped the run

    @property
    def cell(self) -> list:
        """the cancel's flag cell (code that cannot afford a call reads ``cell[0]``)"""
        return self.cancel.cell

    def depth_reached(self, depth: int) -> bool:
        return self.max_depth is not None and depth >= self.max_depth

    def states_reached(self, states: int) -> bool:
        return self.max_states is not None and states >= self.max_states

    def poll(self, growth_mb: float = 0.0) -> Optional[str]:
        """The reason to stop now, or None.  ``growth_mb``: memory the store
        may claim at once (a dict doubling its table) on top of the
        resident set, so the stop comes while there is still room."""
        stop = self.cancel.poll()
        self.memory_mb = self.cancel.memory_mb
        if stop is None and self.max_memory_mb is not None:
            mb = tree_rss_mb() or rss_mb()
            if mb + growth_mb > self.max_memory_mb * HEADROOM:
                stop = MAX_MEMORY
                self.memory_mb = mb
                self.cancel.stop(stop)
        return stop

    def halted(self) -> None:
        """a poll inside the generated code stopped the run (``Halted``)"""
        self.memory_mb = self.cancel.memory_mb

    def words(self) -> str:
        return self.cancel.words()


class Throttle:
    """Calls ``progress`` at most once per ``every`` seconds (``force``: now)."""

    def __init__(self, progress: Optional[Callable[[Progress], None]], t0: float, every: float = 1.0):
        self.progress = progress
        self.t0 = t0
        self.every = every
        self.last = t0

    def due(self, now: float) -> bool:
        return self.progress is not None and now - self.last >= self.every

    def report(self, now: float, states: int, transitions: int, depth: int, note: str) -> None:
        self.last = now
        self.progress(Progress(states, transitions, depth, now - self.t0, note))

    def __call__(self, states: Callable[[], int], transitions: int, depth: int,
                 note: Callable[[], str], force: bool = False) -> None:
        now = time.perf_counter()
        if self.progress is not None and (force or now - self.last >= self.every):
            self.report(now, states(), transitions, depth, note())
