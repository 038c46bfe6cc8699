"""Checkpoints of the distributed search: one file per rank per level.

``--checkpoint DIR`` makes every rank save, at the start of a level (when
``--checkpoint-every`` seconds have passed on rank 0 since the last save, and
when a timeout, signal or memory limit stops the run), its part of the
search as it stood when the previous level was complete: its compact store
(states and depths), the agreed violations, the depth and the counts.  The
file is ``DIR/<spec>[-<CONST><value>...].rank<r>of<K>.level<d>.ckpt``,
written atomically (``explicit.checkpoint.save``: temporary file, fsync,
rename); each rank keeps its two newest levels, so a job killed while some
ranks had written level d and others had not yet still has level d - 1
everywhere.

``--resume DIR``: the ranks agree on the newest level that every rank saved,
load it and go on; the result is the uninterrupted run's (the search from a
complete level is deterministic).  The same number of ranks is required:
a state's owner depends on it."""
from __future__ import annotations

import os
import re
import time

import numpy as np

from ..explicit import checkpoint as single
from ..options import Options
from ..explicit.levels import Levels
from ..explicit.found import Found
from .mpi import DistributedError

FORMAT = 1




def key_for(spec, options, layout, ranks: int) -> dict:
    return {**single.search_key(spec, options, layout), "distributed_format": FORMAT, "ranks": ranks}


def _base(directory: str, spec) -> str:
    return os.path.basename(single.path_for(directory, spec))[:-len(single.SUFFIX)]


def path(directory: str, spec, rank: int, ranks: int, depth: int) -> str:
    return os.path.join(directory, f"{_base(directory, spec)}.rank{rank}of{ranks}.level{depth}{single.SUFFIX}")


def saved_levels(directory: str, spec, rank: int, ranks: int) -> list[int]:
    pat = re.compile(re.escape(_base(directory, spec)) + rf"\.rank{rank}of{ranks}\.level(\d+)"
                     + re.escape(single.SUFFIX) + r"\Z")
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return sorted(int(m.group(1)) for m in map(pat.match, names) if m)


def save(directory: str, spec, rank: int, ranks: int, depth: int, key: dict, state: dict) -> None:
    single.save(path(directory, spec, rank, ranks, depth), key, state)
    for d in saved_levels(directory, spec, rank, ranks):
        if d < depth - 1:
            try:
                os.unlink(path(directory, spec, rank, ranks, d))
            except OSError:
                pass


def load(directory: str, spec, rank: int, ranks: int, depth: int, key: dict) -> dict:
    return single.load(path(directory, spec, rank, ranks, depth), key)


def others_hint(directory: str, spec) -> str:
    """what a directory holds, when it has nothing for this job"""
    base = _base(directory, spec)
    try:
        names = sorted(n for n in os.listdir(directory) if n.startswith(base + ".rank"))
    except OSError:
        return " (no such directory)"
    ranks = sorted({m.group(1) for m in (re.search(r"\.rank\d+of(\d+)\.", n) for n in names) if m})
    if ranks:
        return f" (it has checkpoints of {', '.join(ranks)} ranks: resume with as many)"
    return " (it has none for this spec and constants)"


class RankCheckpoints:
    """--checkpoint / --resume for one rank of the search"""

    def __init__(self, prog, options: Options, comm):
        self.prog = prog
        self.options = options
        self.comm = comm
        self.rank, self.ranks = comm.Get_rank(), comm.Get_size()
        self.key = key_for(prog.spec, options, prog.layout, self.ranks)
        self.last = time.perf_counter()

    def due(self) -> bool:
        """(rank 0's clock decides for all)"""
        return (self.options.checkpoint_dir is not None
                and time.perf_counter() - self.last >= self.options.checkpoint_every)

    def snapshot(self, levels: Levels, found: Found, depth, transitions, stored, traffic) -> dict:
        # shallow copies: the store replaces its arrays, it never writes into them
        return {"keys": list(levels.keys), "deps": list(levels.deps), "count": levels.count,
                "levels": levels.levels, "dep_type": np.dtype(levels.dep_type).str,
                "found": found.snapshot(), "depth": depth, "transitions": transitions,
                "stored": stored, "traffic": {**traffic, "levels": list(traffic["levels"])}}

    def save(self, depth: int, snap: dict) -> None:
        save(self.options.checkpoint_dir, self.prog.spec, self.rank, self.ranks, depth, self.key, snap)
        self.last = time.perf_counter()

    def resume(self, levels: Levels) -> dict:
        d = self.options.resume_dir
        mine = set(saved_levels(d, self.prog.spec, self.rank, self.ranks))
        common = set.intersection(*map(set, self.comm.allgather(sorted(mine))))
        if not common:
            raise DistributedError(f"--resume {d}: no checkpoint of this search saved by all "
                                   f"{self.ranks} ranks" + others_hint(d, self.prog.spec))
        st = load(d, self.prog.spec, self.rank, self.ranks, max(common), self.key)
        levels.keys, levels.deps = list(st["keys"]), list(st["deps"])
        levels.count, levels.levels = st["count"], st["levels"]
        levels.dep_type = np.dtype(st["dep_type"]).type
        if levels.keys:
            levels._split()
        else:
            levels.firsts = levels.codec.empty()
        return st
