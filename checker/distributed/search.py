"""Level-synchronous breadth-first search over MPI ranks (``--distributed``).

Every rank compiles the spec (the same generated code and packed layout as
the single-process compact store, ``explicit/compact.py``) and owns the
states whose hash falls in its partition (``partition.owners``), kept in its
own compact sorted store (``explicit.levels.Levels``).  Per level, each rank:

1. expands its part of the level (sorted), a chunk at a time, with the
   collect-mode level function, which also checks the invariants, goals,
   typeok and deadlock on the expanded states;
2. sorts its successors without repeats and sends each to its owner in one
   ``Alltoallv`` of packed states (numpy byte buffers, no pickling);
3. keeps the received states it has not stored (its store is the only one
   that can hold them) as its part of the next level;
4. takes part in one ``allgather`` of a small record: the new states' count,
   transitions, a stop request (timeout, memory, signal), and the first
   violation of each property it met.

The agreed violation of a property is the smallest violating state of the
level over all ranks: each rank's first is its smallest (it expands in sorted
order), so this is exactly the state the single-process compact store
reports (the first in the whole level's sorted order), and the trace rebuilt
from it (``parents.RankParents``) is the same trace.  The states,
transitions and depth are exactly the single-process compact store's, also
when every property is decided mid-level (``cut.single_process_cut``).

Limits of the design, said honestly: a stop request (timeout, signal,
--max-memory) is seen by the other ranks at the end of the level (a
bounded run then stops elsewhere than a single-process one would);
``--max-states`` is refused (a global count cannot stop
the ranks mid-level consistently).  Temporal properties are refused by the
engine (``distributed.engine``)."""
from __future__ import annotations

import time

import numpy as np

from ..options import Options, Progress
from ..explicit.levels import Codec, Levels, sorted_unique
from ..explicit.search import Found, Outcome, _restore_found, packed_initial_states, rss_mb
from .checkpoint import RankCheckpoints
from .cut import open_properties, single_process_cut
from .mpi import alltoallv_states, world
from .parents import RankParents
from .partition import by_owner, owners

CHUNK = 2048


def _first_records(found: Found) -> dict:
    """this rank's first violations of one level, to share"""
    return {"inv": dict(found.inv), "reach": dict(found.reach), "typeok": found.typeok,
            "dead": found.deadlock}


def _agree(found: Found, records: list[dict]) -> None:
    """Adopt, for each property not yet violated, the smallest state over all
    ranks' records (typeok: the smallest expanded state that erred)."""
    for k in sorted({k for r in records for k in r["inv"]}):
        if k not in found.inv:
            s, e = min((r["inv"][k] for r in records if k in r["inv"]), key=lambda x: x[0])
            found.viol(k, s, e)
    for k in sorted({k for r in records for k in r["reach"]}):
        if k not in found.reach:
            found.reached(k, min(r["reach"][k] for r in records if k in r["reach"]))
    errs = [r["typeok"] for r in records if r["typeok"] is not None]
    if errs and found.typeok is None:
        s, e, ai, b = min(errs, key=lambda x: x[0])
        found.err(e, s, ai, b)
    dead = [r["dead"] for r in records if r["dead"] is not None]
    if dead and found.deadlock is None:
        found.dead(min(dead))


def bfs_distributed(prog, options: Options, want_invs: list[int], want_typeok: bool,
                    want_deadlock: bool, want_reach: list[int] = ()) -> Outcome:
    comm = world()
    rank, size = comm.Get_rank(), comm.Get_size()
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    out = Outcome()
    found = Found(len(prog.spec.invariants))     # the agreed violations (the same on every rank)
    out.found = found
    codec = Codec(prog.layout.total_bits)
    levels = Levels(codec)
    traffic = {"levels": [], "sent_states": 0, "sent_bytes": 0}

    # every rank computes the initial states (cheap, and typeok errors there
    # are then recorded alike everywhere) and keeps the ones it owns
    init = sorted_unique(codec.encode(packed_initial_states(prog, found)))
    level = init[owners(init, size) == rank]
    levels.add(level)
    total = len(init)
    stored = total
    depth = 0
    transitions = 0
    ckpt = RankCheckpoints(prog, options, comm) if options.checkpoint_dir or options.resume_dir else None
    if options.resume_dir is not None:
        st = ckpt.resume(levels)
        _restore_found(found, st["found"])
        depth, transitions, stored, traffic = st["depth"], st["transitions"], st["stored"], st["traffic"]
        level = levels.level(depth)
        total = sum(comm.allgather(len(level)))
        out.resumed = {"states": stored, "depth": depth, "done": False}

    def all_violated():
        return (all(k in found.inv for k in want_invs)
                and all(k in found.reach for k in want_reach)
                and (not want_typeok or found.typeok is not None)
                and (not want_deadlock or found.deadlock is not None))

    def active(local: Found):
        invs = [k for k in want_invs if k not in found.inv and k not in local.inv]
        reach = [k for k in want_reach if k not in found.reach and k not in local.reach]
        return invs, reach, want_deadlock and found.deadlock is None and local.deadlock is None

    fns: dict = {}

    def level_fn(local: Found):
        """the collect-mode level function for what is still unviolated (generated once per set)"""
        invs, reach, dl = active(local)
        key = (tuple(invs), tuple(reach), dl)
        if key not in fns:
            fns[key] = prog.collect_level_function(invs, reach, dl)
        return fns[key]

    deadline = t0 + options.timeout if options.timeout is not None else None
    save_now = False
    unexpanded: list[np.ndarray] = []
    last_report = t0
    while total:
        if all_violated():
            out.stopped_by = "all decided"
            break
        if options.max_depth is not None and depth >= options.max_depth:
            out.stopped_by = "max_depth"
            unexpanded = [level]
            break
        snap = None
        if ckpt is not None:   # the search as it stands at this level's start
            snap = ckpt.snapshot(levels, found, depth, transitions, stored, traffic)
            if save_now:
                ckpt.save(depth, snap)
        local = Found(len(prog.spec.invariants))
        fn = level_fn(local)
        parts: list[np.ndarray] = []
        tr = 0
        stop = None
        for i in range(0, len(level), CHUNK):
            succ: list = []
            tr += fn(codec.decode(level[i:i + CHUNK]), succ, succ.append,
                     local.err, local.viol, local.dead)
            parts.append(sorted_unique(codec.encode(succ)))
            if local.changed:
                local.changed = False
                fn = level_fn(local)
            stop = _stop_request(options, deadline, out)
            if stop is not None:
                unexpanded = [level[i + CHUNK:]]
                break
            now = time.perf_counter()
            if options.progress is not None and now - last_report >= 1.0:
                last_report = now
                options.progress(Progress(stored, transitions, depth, now - t0,
                                          f"level {depth}: {i + CHUNK}/{len(level)} states expanded "
                                          f"on rank 0 of {size}"))
        cand = sorted_unique(np.concatenate(parts)) if parts else codec.empty()
        send, counts = by_owner(cand, size)
        received = alltoallv_states(comm, send, counts)
        new = levels.new_states(sorted_unique(received))
        off_rank = int(counts.sum() - counts[rank])
        shared = comm.allgather({"new": len(new), "tr": tr, "stop": stop, "cand": len(cand),
                                 "sent": off_rank, "save": ckpt is not None and ckpt.due(),
                                 "left": sum(len(a) for a in unexpanded), **_first_records(local)})
        save_now = shared[0]["save"]
        if ckpt is not None and any(r["stop"] for r in shared) and options.checkpoint_dir:
            ckpt.save(depth, snap)     # a resumed run redoes this level
        open_before = open_properties(found, want_invs, want_reach, want_typeok, want_deadlock)
        _agree(found, shared)
        tr_level = sum(r["tr"] for r in shared)
        cut = None
        if not any(r["stop"] for r in shared) and all_violated():
            cut = single_process_cut(prog, comm, levels, level, found, open_before)
        sent = sum(r["sent"] for r in shared)
        new_total = sum(r["new"] for r in shared)
        if cut is not None:     # as the single-process store: the level's first chunks only
            new, tr_level, resent = cut
            new_total = sum(comm.allgather(len(new)))
            sent += resent      # (the second exchange counts too)
        levels.insert(new, depth + 1)
        traffic["levels"].append({"depth": depth, "candidates": sum(r["cand"] for r in shared),
                                  "new": new_total, "sent_states": sent,
                                  "sent_bytes": sent * codec.itemsize})
        traffic["sent_states"] += sent
        traffic["sent_bytes"] += sent * codec.itemsize
        transitions += tr_level
        stored += new_total
        if cut is not None:
            out.stopped_by = "all decided"
            break
        stops = [r["stop"] for r in shared if r["stop"] is not None]
        left = sum(r["left"] for r in shared)
        level = new
        if stops and (new_total or left):    # (a stop after the last work is no stop)
            out.stopped_by = min(stops)        # the same choice on every rank
            unexpanded.append(level)
            if new_total:
                depth += 1
            break
        if new_total:
            depth += 1
        total = new_total
        now = time.perf_counter()
        if options.progress is not None:
            last_report = now
            options.progress(Progress(stored, transitions, depth, now - t0,
                                      f"level {depth} reached on {size} ranks"))

    # states stored but never expanded (a bounded run): still check the invariants
    rest = [s for a in unexpanded for s in codec.decode(a)]
    local = Found(len(prog.spec.invariants))
    invs, reach, _ = active(local)
    if (invs or reach) and out.stopped_by not in (None, "all decided"):
        if rest:
            prog.check_function(invs, reach)(rest, local.viol)
        _agree(found, comm.allgather(_first_records(local)))
    per_rank = _counts(comm, levels)
    traffic["states_per_rank"] = per_rank
    traffic["ranks"] = size
    traffic["state_bytes"] = codec.itemsize
    traffic["bits"] = prog.layout.total_bits
    # per rank: CPU seconds of the search (load-independent, unlike the wall
    # clock) and the peak resident set, for the projections of docs/distributed.md
    traffic["cpu_seconds"] = comm.allgather(time.process_time() - cpu0)
    traffic["peak_rss_mb"] = comm.allgather(_peak_rss_mb())
    traffic["store_bytes"] = comm.allgather(levels.nbytes())
    traffic["largest_level_bytes"] = max((lv["sent_bytes"] for lv in traffic["levels"]), default=0)
    out.seen = RankParents(levels, prog, comm, sum(per_rank))
    out.states = sum(per_rank)
    out.transitions = transitions
    out.depth = depth
    out.exhaustive = out.stopped_by is None
    out.seconds = time.perf_counter() - t0
    out.store_bytes = sum(comm.allgather(levels.nbytes()))
    if out.exhaustive:
        out.never_enabled = _never_enabled(prog, out.seen, comm)
        out.unreduced = _unreduced(prog, levels, comm)
    out.extra = {"distributed": traffic}
    return out


def _peak_rss_mb() -> float:
    import resource
    import sys
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (ru if sys.platform == "darwin" else ru * 1024) / 1e6


def _counts(comm, levels: Levels) -> list[int]:
    return comm.allgather(len(levels))


def _stop_request(options: Options, deadline, out: Outcome):
    """a reason for this rank to stop expanding now, or None"""
    if deadline is not None and time.perf_counter() >= deadline:
        return "timeout"
    if options.should_stop is not None and options.should_stop():
        return "interrupted"
    if options.max_memory_mb is not None:
        mb = rss_mb()
        if mb > options.max_memory_mb:
            out.memory_mb = mb
            return "max_memory"
    return None


def _never_enabled(prog, seen: RankParents, comm) -> list[int]:
    """actions enabled in no state of any rank"""
    from ..explicit.edges import never_enabled

    mine = set(never_enabled(prog, seen.local))
    for other in comm.allgather(sorted(mine)):
        mine &= set(other)
    return sorted(mine)


def _unreduced(prog, levels: Levels, comm):
    """under exact symmetry reduction: the number of states the stored orbits
    stand for, summed over the ranks (None when an orbit's size is unknown)"""
    sym = prog.symmetry
    if sym is None or not sym.exact:
        return None
    n = 0
    for block in levels.keys:
        for s in levels.codec.decode(block):
            size = sym.orbit_size(s)
            if size is None:
                n = None
                break
            n += size
        if n is None:
            break
    parts = comm.allgather(n)
    return None if any(p is None for p in parts) else sum(parts)

