"""Breadth-first search over the compact store (``Options.store = "compact"``).

The same search as ``search.bfs`` -- the same levels, properties, limits and
verdicts -- but states live in :class:`levels.Levels` (8 bytes per state of
at most 64 bits) instead of a dict with parents.  The level function is the
collect-mode variant: it appends every successor, and the driver
de-duplicates each chunk's successors at once (sort, then ``searchsorted``
against the stored levels).  States are expanded in each level's sorted
order, so a bounded run (``--max-states``, a timeout, every property already
violated) may stop with other states stored than the reference store's; an
exhaustive run stores exactly the same states.

``Options.workers`` > 1: chunks of each level are expanded in that many
worker processes, forked after the spec is compiled; each returns the sorted
successors of its chunk and what it found; the parent applies the results in
chunk order (so the first violation found is the same as with one worker)
and de-duplicates.  Not supported here: checkpoints (``--checkpoint`` /
``--resume``), and temporal properties (the engine uses the reference store
for those).
"""
from __future__ import annotations

import numpy as np

from ..cancel import Halted
from ..options import Options
from .compile import Program
from .found import Found, packed_initial_states
from .goals import Goals
from .levels import Codec, LevelParents, Levels, sorted_unique
from .search import Driver, Outcome
from .stop import MAX_STATES, StopPolicy

CHUNK = 2048             # states per chunk, one worker
WORKER_CHUNK = 8192      # states per task sent to a worker process
SMALL_MAX = 1 << 17      # new states of recent chunks merged into the sorted pending array ...
PENDING_MAX = 1 << 21    # ... which goes into the store once it holds this many


class _NextLevel:
    """The states of depth d found so far while level d - 1 is expanded.

    Each chunk's new states (not stored, but possibly found again by later
    chunks: a state has many parents) are kept as they come until there are
    SMALL_MAX of them, then merged into a sorted pending array without
    repeats; that goes into the store once it holds PENDING_MAX states (so
    later chunks' successors are checked against it there).  The memory
    beyond the store is thus bounded by ~PENDING_MAX states, not by the size
    of the level and its repeats."""

    def __init__(self, levels: Levels, depth: int):
        self.levels = levels
        self.depth = depth
        self.small: list[np.ndarray] = []
        self.nsmall = 0
        self.pending = levels.codec.empty()
        self.count = 0                     # states flushed into the store

    def add(self, part: np.ndarray) -> None:
        if len(part):
            self.small.append(part)
            self.nsmall += len(part)
        if self.nsmall > SMALL_MAX:
            self._merge()

    def maybe_flush(self) -> None:
        """(after the --max-states check, which may keep only some of them)"""
        if len(self.pending) > PENDING_MAX:
            self.flush()

    def _merge(self) -> None:
        if self.small:
            self.pending = sorted_unique(np.concatenate([self.pending] + self.small))
            self.small = []
            self.nsmall = 0

    def upper(self) -> int:
        """at least the number of states of this level not yet flushed"""
        return len(self.pending) + self.nsmall

    def exact(self) -> int:
        """the number of states of this level not yet flushed"""
        self._merge()
        return len(self.pending)

    def flush(self, keep: int | None = None) -> None:
        """into the store (only the ``keep`` smallest with --max-states)"""
        self._merge()
        p = self.pending if keep is None else self.pending[:keep]
        self.levels.insert(p, self.depth)
        self.count += len(p)
        self.pending = self.levels.codec.empty()


class _Serial:
    """Expands a chunk in this process."""

    def __init__(self, prog: Program, codec: Codec):
        self.prog = prog
        self.codec = codec
        self.fns: dict = {}

    def expand(self, chunk: np.ndarray, key, found: Found) -> tuple[np.ndarray, int]:
        fn = self.fns.get(key)
        if fn is None:
            fn = self.fns[key] = self.prog.collect_level_function(*key)
        out: list = []
        tr = fn(self.codec.decode(chunk), out, out.append, found.err, found.viol, found.dead)
        return sorted_unique(self.codec.encode(out)), tr

    def run(self, chunks, active, found: Found):
        """(new candidates, transitions) per chunk, in order"""
        for c in chunks:
            yield self.expand(c, active(), found)

    def close(self) -> None:
        pass


class CompactStore:
    """The compact store under the search driver (``search.Driver``); see
    the module docstring.  ``make_expander(prog, codec, levels)``: another
    chunk expander (the vector back end's, ``vector/expander.py``) with its
    own ``chunk_size``; default: the scalar generated code, in this process
    or in ``options.workers`` workers."""

    name = "compact"

    def __init__(self, prog: Program, options: Options, goals: Goals, stop: StopPolicy, make_expander=None):
        self.prog = prog
        self.goals = goals
        self.stop = stop
        self.workers = options.workers or 1
        self.make_expander = make_expander
        self.codec = Codec(prog.layout.total_bits)
        self.decode = self.codec.decode
        self.levels = Levels(self.codec)
        self.expander = None
        self.unexpanded: list[np.ndarray] = []

    def _open(self):
        return self.goals.open(self.found)

    def start(self, out) -> bool:
        self.found = out.found
        level = sorted_unique(self.codec.encode(packed_initial_states(self.prog, self.found)))
        limit = self.stop.max_states
        if limit is not None and len(level) > limit:
            level = level[:limit]
            out.stopped_by = MAX_STATES
        self.levels.add(level)
        self.level = level
        # generate the collect-mode code here, before any fork: the error codes it
        # registers (prog.ctx.errors, read back for error messages) are then the
        # same in the workers and in this process
        invs, reach, dl = self._open()
        self.prog.collect_level_function(list(invs), list(reach), dl)
        if self.make_expander is not None:
            self.expander = self.make_expander(self.prog, self.codec, self.levels)
            self.chunk_size = self.expander.chunk_size
            out.expander = self.expander
        elif self.workers > 1:
            from .workers import Pool
            self.expander = Pool(self.prog, self.codec, self.workers)
            self.chunk_size = WORKER_CHUNK
            self.expander.cancel = self.stop.cancel
        else:
            self.expander = _Serial(self.prog, self.codec)
            self.chunk_size = CHUNK
        return True

    def level_size(self) -> int:
        return len(self.level)

    def resuming(self) -> bool:
        return False

    def begin_level(self, depth: int) -> None:
        self.depth = depth
        self.nxt = _NextLevel(self.levels, depth + 1)
        n = self.chunk_size
        self.parts = [self.level[i:i + n] for i in range(0, len(self.level), n)]
        self.done = 0

    def chunks(self):
        limit, levels, nxt = self.stop.max_states, self.levels, self.nxt
        try:
            for cand, tr in self.expander.run(self.parts, self._open, self.found):
                self.done += 1
                nxt.add(levels.new_states(cand))
                if limit is not None and len(levels) + nxt.upper() > limit \
                        and len(levels) + nxt.exact() > limit:
                    nxt.flush(keep=limit - len(levels))
                    self.unexpanded = list(self.parts[self.done:])
                    yield tr, MAX_STATES
                    return
                nxt.maybe_flush()
                yield tr, None
        except Halted as h:
            # a poll inside a chunk: the chunk's partial successors are
            # dropped; its states count as unexpanded
            yield 0, h.reason

    def properties_changed(self) -> None:
        pass    # the expander asks ``_open`` for every chunk

    def level_left(self) -> bool:
        return self.done < len(self.parts)

    def work_left(self) -> bool:
        return self.done < len(self.parts) or bool(self.nxt.count or self.nxt.upper())

    def growth_mb(self) -> float:
        return 0.0

    def stop_here(self) -> None:
        self.unexpanded = list(self.parts[self.done:])

    def keep_level(self) -> None:
        self.unexpanded = [self.level]

    def end_level(self, stopped: bool) -> bool:
        self.nxt.flush()
        self.level = self.levels.level(self.depth + 1) if self.nxt.count else self.codec.empty()
        if stopped:
            self.unexpanded.append(self.level)
        return bool(len(self.level))

    def tick(self, now: float) -> None:
        pass

    def progress(self, depth: int) -> tuple[int, str]:
        return (len(self.levels) + self.nxt.upper(),
                f"level {depth}: {self.done}/{len(self.parts)} chunks expanded")

    def close(self) -> None:
        if self.expander is not None:
            self.expander.close()

    def finish(self, out) -> None:
        out.seen = LevelParents(self.levels, self.prog)
        out.states = len(self.levels)
        out.store_bytes = self.levels.nbytes()


def bfs_compact(prog: Program, options: Options, want_invs: list[int], want_typeok: bool,
                want_deadlock: bool, want_reach: list[int] = (), make_expander=None) -> Outcome:
    """The search driver on the compact store (``make_expander``: see CompactStore)."""
    goals = Goals(invs=tuple(want_invs), reach=tuple(want_reach), typeok=want_typeok, deadlock=want_deadlock)
    stop = StopPolicy(options)
    return Driver(prog, CompactStore(prog, options, goals, stop, make_expander), goals, stop,
                  options.progress).run()
