"""Stopping where the single-process compact store stops when every property
is decided in the middle of a level (``_single_process_cut``), so that a
bounded distributed run reports exactly its counts."""
from __future__ import annotations

import numpy as np

from ..explicit.levels import Levels, sorted_unique
from ..explicit.found import Found
from .mpi import alltoallv_states
from .partition import by_owner


def open_properties(found: Found, want_invs, want_reach, want_typeok: bool, want_deadlock: bool) -> list:
    """the wanted properties not decided yet, as keys of ``decided_state``"""
    return ([("inv", k) for k in want_invs if k not in found.inv]
            + [("reach", k) for k in want_reach if k not in found.reach]
            + ([("typeok",)] if want_typeok and found.typeok is None else [])
            + ([("deadlock",)] if want_deadlock and found.deadlock is None else []))


def decided_state(found: Found, key: tuple):
    """the expanded state at which a property was found violated (or its goal reached)"""
    if key[0] == "inv":
        return found.inv[key[1]][0]
    if key[0] == "reach":
        return found.reach[key[1]]
    if key[0] == "typeok":
        return found.typeok[0]
    return found.deadlock


def single_process_cut(prog, comm, levels: Levels, level: np.ndarray, found: Found, open_before: list):
    """Every wanted property is now decided, at this level.  The single-process
    compact store expands a level in chunks of CHUNK states in sorted order and
    stops after the chunk where the last property was decided, storing the
    successors of those chunks only.  To report exactly its counts: find that
    chunk's end in the whole level's sorted order, re-expand each rank's states
    before it, and exchange their successors again.  Returns None when that
    chunk is the level's last (the whole level counts, as here), else
    (this rank's new states, the level's transitions so counted, states re-sent)."""
    from ..explicit.compact import CHUNK as SINGLE_CHUNK

    codec = levels.codec
    states = [decided_state(found, key) for key in open_before]
    keys = codec.encode(states)
    ranks = np.sum(comm.allgather(np.searchsorted(level, keys, side="left")), axis=0)
    end = (int(ranks.max()) // SINGLE_CHUNK + 1) * SINGLE_CHUNK   # states expanded: [0, end)
    if end >= sum(comm.allgather(len(level))):
        return None
    # the state of global rank `end` (the first one not expanded), by bisection on values
    lo, hi = 0, (1 << codec.bits) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        at_most = int(np.searchsorted(level, codec.encode([mid]), side="right")[0])
        if sum(comm.allgather(at_most)) >= end + 1:
            hi = mid
        else:
            lo = mid + 1
    prefix = level[:int(np.searchsorted(level, codec.encode([lo]), side="left")[0])]
    fn = prog.collect_level_function([], [], False)
    succ: list = []
    tr = fn(codec.decode(prefix), succ, succ.append, _ignore, _ignore, _ignore) if len(prefix) else 0
    send, counts = by_owner(sorted_unique(codec.encode(succ)), comm.Get_size())
    received = alltoallv_states(comm, send, counts)
    resent = sum(comm.allgather(int(counts.sum() - counts[comm.Get_rank()])))
    return levels.new_states(sorted_unique(received)), sum(comm.allgather(tr)), resent


def _ignore(*_args) -> None:
    pass
