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

from ..cancel import Halted
from ..explicit.found import Found
from ..explicit.goals import Goals
from ..explicit.levels import Codec, Levels, sorted_unique
from ..explicit.memory import peak_rss_mb
from ..explicit.search import Outcome, packed_initial_states
from ..explicit.stop import ALL_DECIDED, MAX_DEPTH, StopPolicy, Throttle
from ..options import Options
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
    for k, (s, e) in _smallest(records, "inv", found.inv, key=lambda x: x[0]):
        found.viol(k, s, e)
    for k, s in _smallest(records, "reach", found.reach):
        found.reached(k, s)
    errs = [r["typeok"] for r in records if r["typeok"] is not None]
    if errs and found.typeok is None:
        s, e, ai, b = min(errs, key=lambda x: x[0])
        found.err(e, s, ai, b)
    dead = [r["dead"] for r in records if r["dead"] is not None]
    if dead and found.deadlock is None:
        found.dead(min(dead))


def _smallest(records: list[dict], field: str, known: dict, key=None):
    """(property index, the smallest record over the ranks) for each property not in ``known``"""
    for k in sorted({k for r in records for k in r[field]}):
        if k not in known:
            yield k, min((r[field][k] for r in records if k in r[field]), key=key)


def bfs_distributed(prog, options: Options, want_invs: list[int], want_typeok: bool,
                    want_deadlock: bool, want_reach: list[int] = ()) -> Outcome:
    goals = Goals(invs=tuple(want_invs), reach=tuple(want_reach), typeok=want_typeok, deadlock=want_deadlock)
    return _RankSearch(prog, options, goals, StopPolicy(options)).run()


class _RankSearch:
    """This rank's part of the level-synchronous search (module docstring)."""

    def __init__(self, prog, options: Options, goals: Goals, stop: StopPolicy):
        self.prog = prog
        self.options = options
        self.goals = goals
        self.stop = stop
        self.comm = world()
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self.codec = Codec(prog.layout.total_bits)
        self.levels = Levels(self.codec)
        self.traffic = {"levels": [], "sent_states": 0, "sent_bytes": 0}
        self.out = Outcome()
        self.found = self.out.found = Found()     # the agreed violations (the same on every rank)
        self.fns: dict = {}
        self.unexpanded: list[np.ndarray] = []
        self.ckpt = (RankCheckpoints(prog, options, self.comm)
                     if options.checkpoint_dir or options.resume_dir else None)

    def run(self) -> Outcome:
        t0 = time.perf_counter()
        cpu0 = time.process_time()
        self.throttle = Throttle(self.options.progress, t0)
        self._start()
        self._levels()
        self._check_unexpanded()
        return self._finish(t0, cpu0)

    # -- the start

    def _start(self) -> None:
        # every rank computes the initial states (cheap, and typeok errors there
        # are then recorded alike everywhere) and keeps the ones it owns
        init = sorted_unique(self.codec.encode(packed_initial_states(self.prog, self.found)))
        self.level = init[owners(init, self.size) == self.rank]
        self.levels.add(self.level)
        self.total = self.stored = len(init)
        self.depth = self.transitions = 0
        if self.options.resume_dir is not None:
            st = self.ckpt.resume(self.levels)
            self.found.restore(st["found"])
            self.depth, self.transitions, self.stored = st["depth"], st["transitions"], st["stored"]
            self.traffic = st["traffic"]
            self.level = self.levels.level(self.depth)
            self.total = sum(self.comm.allgather(len(self.level)))
            self.out.resumed = {"states": self.stored, "depth": self.depth, "done": False}

    def _level_fn(self, local: Found):
        """the collect-mode level function for what is still unviolated (generated once per set)"""
        key = self.goals.open(self.found, local)
        if key not in self.fns:
            self.fns[key] = self.prog.collect_level_function(list(key[0]), list(key[1]), key[2])
        return self.fns[key]

    # -- the levels

    def _levels(self) -> None:
        out = self.out
        save_now = False
        while self.total:
            if self.goals.decided(self.found):
                out.stopped_by = ALL_DECIDED
                return
            if self.stop.depth_reached(self.depth):
                out.stopped_by = MAX_DEPTH
                self.unexpanded = [self.level]
                return
            snap = None
            if self.ckpt is not None:   # the search as it stands at this level's start
                snap = self.ckpt.snapshot(self.levels, self.found, self.depth, self.transitions, self.stored,
                                          self.traffic)
                if save_now:
                    self.ckpt.save(self.depth, snap)
            local = Found()
            cand, tr, stop = self._expand(local)
            shared, new = self._exchange(cand, tr, stop, local)
            save_now = shared[0]["save"]
            if self.ckpt is not None and any(r["stop"] for r in shared) and self.options.checkpoint_dir:
                self.ckpt.save(self.depth, snap)     # a resumed run redoes this level
            if self._end_level(shared, new):
                return

    def _expand(self, local: Found):
        """This rank's part of the level, a chunk at a time: (sorted candidates, transitions, stop request)."""
        codec, level = self.codec, self.level
        fn = self._level_fn(local)
        parts: list[np.ndarray] = []
        tr = 0
        stop = None
        for i in range(0, len(level), CHUNK):
            succ: list = []
            try:
                tr += fn(codec.decode(level[i:i + CHUNK]), succ, succ.append, local.err, local.viol, local.dead)
            except Halted as h:     # a poll inside the chunk: the chunk counts as unexpanded
                self.stop.halted()
                self.out.memory_mb = self.stop.memory_mb
                self.unexpanded = [level[i:]]
                stop = h.reason
                break
            parts.append(sorted_unique(codec.encode(succ)))
            if local.changed:
                local.changed = False
                fn = self._level_fn(local)
            stop = self.stop.poll()
            if stop is not None:
                self.out.memory_mb = self.stop.memory_mb
                self.unexpanded = [level[i + CHUNK:]]
                break
            self.throttle(lambda: self.stored, self.transitions, self.depth,
                          lambda: f"level {self.depth}: {i + CHUNK}/{len(level)} states expanded "
                                  f"on rank 0 of {self.size}")
        cand = sorted_unique(np.concatenate(parts)) if parts else codec.empty()
        return cand, tr, stop

    def _exchange(self, cand, tr: int, stop, local: Found):
        """Send the candidates to their owners; share the level's small record."""
        comm, rank = self.comm, self.rank
        send, counts = by_owner(cand, self.size)
        received = alltoallv_states(comm, send, counts)
        new = self.levels.new_states(sorted_unique(received))
        off_rank = int(counts.sum() - counts[rank])
        shared = comm.allgather({"new": len(new), "tr": tr, "stop": stop, "cand": len(cand),
                                 "sent": off_rank, "save": self.ckpt is not None and self.ckpt.due(),
                                 "left": sum(len(a) for a in self.unexpanded), **_first_records(local)})
        return shared, new

    def _end_level(self, shared: list[dict], new) -> bool:
        """Agree on the level's violations, store its new states; True when the search ends here."""
        out, found = self.out, self.found
        g = self.goals
        open_before = open_properties(found, g.invs, g.reach, g.typeok, g.deadlock)
        _agree(found, shared)
        tr_level = sum(r["tr"] for r in shared)
        cut = None
        if not any(r["stop"] for r in shared) and g.decided(found):
            cut = single_process_cut(self.prog, self.comm, self.levels, self.level, found, open_before)
        sent = sum(r["sent"] for r in shared)
        new_total = sum(r["new"] for r in shared)
        if cut is not None:     # as the single-process store: the level's first chunks only
            new, tr_level, resent = cut
            new_total = sum(self.comm.allgather(len(new)))
            sent += resent      # (the second exchange counts too)
        self.levels.insert(new, self.depth + 1)
        self._count_traffic(shared, new_total, sent)
        self.transitions += tr_level
        self.stored += new_total
        if cut is not None:
            out.stopped_by = ALL_DECIDED
            return True
        stops = [r["stop"] for r in shared if r["stop"] is not None]
        left = sum(r["left"] for r in shared)
        self.level = new
        if stops and (new_total or left):    # (a stop after the last work is no stop)
            out.stopped_by = min(stops)        # the same choice on every rank
            self.unexpanded.append(self.level)
            if new_total:
                self.depth += 1
            return True
        if new_total:
            self.depth += 1
        self.total = new_total
        self.throttle(lambda: self.stored, self.transitions, self.depth,
                      lambda: f"level {self.depth} reached on {self.size} ranks", force=True)
        return False

    def _count_traffic(self, shared: list[dict], new_total: int, sent: int) -> None:
        traffic, size = self.traffic, self.codec.itemsize
        traffic["levels"].append({"depth": self.depth, "candidates": sum(r["cand"] for r in shared),
                                  "new": new_total, "sent_states": sent, "sent_bytes": sent * size})
        traffic["sent_states"] += sent
        traffic["sent_bytes"] += sent * size

    # -- the end

    def _check_unexpanded(self) -> None:
        """states stored but never expanded (a bounded run): still check the invariants"""
        rest = [s for a in self.unexpanded for s in self.codec.decode(a)]
        local = Found()
        invs, reach, _ = self.goals.open(self.found, local)
        if (invs or reach) and self.out.stopped_by not in (None, ALL_DECIDED):
            if rest:
                self.prog.check_function(list(invs), list(reach))(rest, local.viol)
            _agree(self.found, self.comm.allgather(_first_records(local)))

    def _finish(self, t0: float, cpu0: float) -> Outcome:
        comm, levels, traffic, out = self.comm, self.levels, self.traffic, self.out
        per_rank = _counts(comm, levels)
        traffic["states_per_rank"] = per_rank
        traffic["ranks"] = self.size
        traffic["state_bytes"] = self.codec.itemsize
        traffic["bits"] = self.prog.layout.total_bits
        # per rank: CPU seconds of the search (load-independent, unlike the wall
        # clock) and the peak resident set, for the projections of docs/distributed.md
        traffic["cpu_seconds"] = comm.allgather(time.process_time() - cpu0)
        traffic["peak_rss_mb"] = comm.allgather(peak_rss_mb())
        traffic["store_bytes"] = comm.allgather(levels.nbytes())
        traffic["largest_level_bytes"] = max((lv["sent_bytes"] for lv in traffic["levels"]), default=0)
        out.seen = RankParents(levels, self.prog, comm, sum(per_rank))
        out.states = sum(per_rank)
        out.transitions = self.transitions
        out.depth = self.depth
        out.exhaustive = out.stopped_by is None
        out.seconds = time.perf_counter() - t0
        out.store_bytes = sum(comm.allgather(levels.nbytes()))
        if out.exhaustive:
            out.never_enabled = _never_enabled(self.prog, out.seen, comm)
            out.unreduced = _unreduced(self.prog, levels, comm)
        out.extra = {"distributed": traffic}
        return out


def _counts(comm, levels: Levels) -> list[int]:
    return comm.allgather(len(levels))


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

