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

import time

import numpy as np

from ..options import Options, Progress
from .compile import Program
from .levels import Codec, LevelParents, Levels, sorted_unique
from ..cancel import HEADROOM, Halted, for_options, tree_rss_mb
from .search import Found, Outcome, check_rest, packed_initial_states, rss_mb

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


RESUMABLE_STOPS = ("timeout", "interrupted", "max_memory")


def _until_halted(results, out: Outcome):
    """The expander's results until a poll inside a chunk raises Halted: the
    search then stops with that reason (the chunk's partial successors are
    dropped; its states count as unexpanded)."""
    try:
        yield from results
    except Halted as h:
        out.stopped_by = h.reason


def bfs_compact(prog: Program, options: Options, want_invs: list[int], want_typeok: bool,
                want_deadlock: bool, want_reach: list[int] = (), make_expander=None) -> Outcome:
    """``make_expander(prog, codec, levels)``: another chunk expander (the vector back
    end's, ``vector/expander.py``) with its own ``chunk_size``; default: the
    scalar generated code, in this process or in ``options.workers`` workers."""
    t0 = time.perf_counter()
    out = Outcome()
    found = Found(len(prog.spec.invariants))
    out.found = found
    codec = Codec(prog.layout.total_bits)
    levels = Levels(codec)
    limit = options.max_states

    level = sorted_unique(codec.encode(packed_initial_states(prog, found)))
    if limit is not None and len(level) > limit:
        level = level[:limit]
        out.stopped_by = "max_states"
    levels.add(level)

    def all_violated():
        return (all(k in found.inv for k in want_invs)
                and all(k in found.reach for k in want_reach)
                and (not want_typeok or found.typeok is not None)
                and (not want_deadlock or found.deadlock is not None))

    def active():
        invs = tuple(k for k in want_invs if k not in found.inv)
        reach = tuple(k for k in want_reach if k not in found.reach)
        return invs, reach, want_deadlock and found.deadlock is None

    workers = options.workers or 1
    # generate the collect-mode code here, before any fork: the error codes it
    # registers (prog.ctx.errors, read back for error messages) are then the
    # same in the workers and in this process
    prog.collect_level_function(*map(list, active()[:2]), active()[2])
    if make_expander is not None:
        expander = make_expander(prog, codec, levels)
        chunk_size = expander.chunk_size
        out.expander = expander
    elif workers > 1:
        from .workers import Pool
        expander = Pool(prog, codec, workers)
        chunk_size = WORKER_CHUNK
    else:
        expander = _Serial(prog, codec)
        chunk_size = CHUNK
    depth = 0
    transitions = 0
    unexpanded: list[np.ndarray] = []
    last_report = t0
    cancel = for_options(options)
    if workers > 1:
        expander.cancel = cancel
    try:
        while out.stopped_by is None and len(level):
            if all_violated():
                out.stopped_by = "all decided"
                break
            if options.max_depth is not None and depth >= options.max_depth:
                out.stopped_by = "max_depth"
                unexpanded = [level]
                break
            nxt = _NextLevel(levels, depth + 1)
            chunks = [level[i:i + chunk_size] for i in range(0, len(level), chunk_size)]
            done = 0
            for cand, tr in _until_halted(expander.run(chunks, active, found), out):
                done += 1
                transitions += tr
                nxt.add(levels.new_states(cand))
                if limit is not None and len(levels) + nxt.upper() > limit \
                        and len(levels) + nxt.exact() > limit:
                    nxt.flush(keep=limit - len(levels))
                    out.stopped_by = "max_states"
                    unexpanded = chunks[done:]
                    break
                nxt.maybe_flush()
                if found.changed:
                    found.changed = False
                    if all_violated():
                        break
                now = time.perf_counter()
                if done < len(chunks) or nxt.count or nxt.upper():   # as search.bfs: work left
                    stop = cancel.poll()
                    out.memory_mb = cancel.memory_mb
                    if stop is None and options.max_memory_mb is not None:
                        mb = tree_rss_mb() or rss_mb()
                        if mb > options.max_memory_mb * HEADROOM:
                            stop = "max_memory"
                            out.memory_mb = mb
                            cancel.stop(stop)
                    if stop is not None:
                        out.stopped_by = stop
                        unexpanded = chunks[done:]
                        break
                if options.progress is not None and now - last_report >= 1.0:
                    last_report = now
                    note = f"level {depth}: {done}/{len(chunks)} chunks expanded"
                    options.progress(Progress(len(levels) + nxt.upper(), transitions, depth,
                                              now - t0, note))
            if out.stopped_by == "max_memory" and not out.memory_mb:
                out.memory_mb = cancel.memory_mb
            if out.stopped_by in RESUMABLE_STOPS and not unexpanded and done < len(chunks):
                unexpanded = chunks[done:]    # stopped inside chunk ``done``: it counts as unexpanded
            if out.stopped_by is None and all_violated() and done < len(chunks):
                out.stopped_by = "all decided"
            nxt.flush()
            level = levels.level(depth + 1) if nxt.count else codec.empty()
            if out.stopped_by is not None:
                unexpanded.append(level)
                if len(level) and out.stopped_by != "all decided":
                    depth += 1
                break
            if len(level):
                depth += 1
    finally:
        expander.close()

    if any(len(a) for a in unexpanded):
        invs, reach, _ = active()
        if invs or reach:
            out.unchecked = check_rest(prog, invs, reach, unexpanded, found.viol,
                                       out.stopped_by in RESUMABLE_STOPS, codec.decode)
    out.seen = LevelParents(levels, prog)
    out.states = len(levels)
    out.transitions = transitions
    out.depth = depth
    out.exhaustive = out.stopped_by is None
    out.seconds = time.perf_counter() - t0
    out.store_bytes = levels.nbytes()
    return out
