"""Counterexamples across ranks: the ``state -> parent`` mapping that
``explicit.trace.trace_to`` walks, over every rank's compact store.

As in the single-process compact store (``explicit.levels.LevelParents``),
only states and their depths are stored; the parent of a state at depth d is
the first state of level d - 1, in sorted order, that has it as a
successor.  Here level d - 1 is spread over the ranks: each rank re-expands
its own part of it (sorted) and offers its first parent of the state, and
the smallest offer wins -- the first in the whole level's sorted order, so
the parent (and so the trace) is exactly the single-process compact store's.

Every lookup is collective: every rank must ask for the same states in the
same order.  It is, because every rank builds the same report from the same
agreed violations (the engine's result code runs unchanged on every rank).
Cost: one re-expansion of each level on the path, shared by the ranks."""
from __future__ import annotations

from ..explicit.levels import LevelParents, Levels


class RankParents:
    """A read-only mapping like ``LevelParents``, whose lookups are collective.
    ``len`` is the global number of states; iterating yields this rank's states
    only (callers that need every state combine the ranks themselves)."""

    def __init__(self, levels: Levels, prog, comm, total: int):
        self.levels = levels
        self.local = LevelParents(levels, prog)
        self.comm = comm
        self.total = total
        self.lookups = 0               # parents looked up (each re-expands a level on every rank)
        self.depths: dict = {}         # depths learnt from lookups: a parent is one level up

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self.local)

    def _depth(self, s) -> int | None:
        if s in self.depths:           # (the same on every rank: no collective needed)
            return self.depths[s]
        d = self.levels.depth_of(s)
        ds = [x for x in self.comm.allgather(d) if x is not None]
        return ds[0] if ds else None

    def __contains__(self, s) -> bool:
        return self._depth(s) is not None

    def __getitem__(self, s):
        d = self._depth(s)
        if d is None:
            raise KeyError(s)
        if d == 0:
            return None
        self.lookups += 1
        mine = self._first_parent(s, d - 1)
        offers = [p for p in self.comm.allgather(mine) if p is not None]
        if not offers:
            raise AssertionError("internal error: a stored state has no parent on any rank")
        parent = min(offers)
        self.depths[parent] = d - 1
        return parent

    def _first_parent(self, s, d: int):
        """the first state of this rank's part of level d with successor s"""
        loc = self.local
        decode = self.levels.codec.decode
        level = self.levels.level(d)
        for i in range(0, len(level), loc.CHUNK):
            chunk = decode(level[i:i + loc.CHUNK])
            if s in loc._successors(chunk):
                for p in chunk:
                    if s in loc._successors([p]):
                        return p
        return None
