"""Breadth-first search over packed states.

``seen`` maps every stored state to its parent (None for an initial state);
the next BFS level is collected in a list.  The compiled level function
expands a chunk of states at a time; between chunks the driver checks the
clock, reports progress, and recompiles the level function when a property
has been violated (so it is no longer checked).
"""
from __future__ import annotations

import sys
import time

from ..cancel import HEADROOM, Halted, for_options, tree_rss_mb
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


# stops after which the search can go on (a resumed run continues it); the
# others end the search for good (a resumed run reports the same end)
RESUMABLE = ("timeout", "interrupted", "max_memory")


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


def rss_mb() -> float:
    """The resident set size of this process in MB (peak RSS where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE / 1e6
    except (OSError, ValueError, IndexError):
        import resource
        import sys

        ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return (ru if sys.platform == "darwin" else ru * 1024) / 1e6


try:
    import os as _os

    _PAGE = _os.sysconf("SC_PAGE_SIZE")
except (AttributeError, ValueError, OSError):
    _PAGE = 4096


def _found_state(found: Found) -> dict:
    return {"inv": dict(found.inv), "typeok": found.typeok, "deadlock": found.deadlock,
            "reach": dict(found.reach)}


def _restore_found(found: Found, d: dict) -> None:
    found.inv = dict(d["inv"])
    found.typeok = d["typeok"]
    found.deadlock = d["deadlock"]
    found.reach = dict(d["reach"])
    found.changed = False


def packed_initial_states(prog: Program, found: Found) -> list[int]:
    """The initial states, packed (and canonical under symmetry reduction:
    one per orbit), in the spec's order, repeats included; an initial state
    outside its type, or an error evaluating them, goes to ``found.typeok``."""
    try:
        initial = list(prog.initial_states())
    except StepError as e:
        found.typeok = ("initerr", e)
        return []
    out = []
    for values, bad in initial:
        if bad is not None:
            if found.typeok is None:
                found.typeok = ("initerr", bad) if isinstance(bad, StepError) else ("init", values, bad)
            continue
        s = prog.layout.pack(values)
        out.append(prog.symmetry.canon(s) if prog.symmetry is not None else s)
    return out


def bfs(prog: Program, options: Options, want_invs: list[int], want_typeok: bool,
        want_deadlock: bool, want_reach: list[int] = (), need_whole_graph: bool = False) -> Outcome:
    """Breadth-first search.  ``need_whole_graph``: a temporal property is to
    be checked on the reachable graph afterwards, so never stop early because
    the safety properties are all decided.

    Between chunks, and inside them through the generated code's polls:
    ``options.cancel`` (the deadline, a signal, the memory watchdog;
    checker/cancel.py), ``options.max_memory_mb`` and periodic checkpoints.  With
    ``options.resume_dir`` the search starts from the saved checkpoint instead
    of the initial states; it then visits the same states in the same order as
    an uninterrupted search, so counts, depths and traces are the same."""
    t0 = time.perf_counter()
    out = Outcome()
    found = Found(len(prog.spec.invariants))
    out.found = found
    seen: dict = {}
    layout = prog.layout

    ckpt_path = None
    key = None
    if options.checkpoint_dir is not None or options.resume_dir is not None:
        from . import checkpoint

        key = checkpoint.search_key(prog.spec, options, layout)
        if options.checkpoint_dir is not None:
            ckpt_path = checkpoint.path_for(options.checkpoint_dir, prog.spec)
            out.checkpoint_path = ckpt_path

    depth = 0
    transitions = 0
    level: list[int] = []
    pending = None              # (level, i, nxt) to continue mid-level (resume)
    unexpanded: list = []       # stored states never expanded (bounded runs)
    done = False                # a resumed search that had already ended
    if options.resume_dir is not None:
        st = checkpoint.load(checkpoint.path_for(options.resume_dir, prog.spec), key)
        seen = st["seen"]
        _restore_found(found, st["found"])
        depth, transitions = st["depth"], st["transitions"]
        out.resumed = {"states": len(seen), "depth": depth, "done": st["done"]}
        if st["done"]:
            done = True
            out.stopped_by = st["stopped_by"]
            unexpanded = st["unexpanded"]
        else:
            pending = (st["level"], 0, st["nxt"])
    else:
        for s in packed_initial_states(prog, found):
            if s not in seen:
                if options.max_states is not None and len(seen) >= options.max_states:
                    out.stopped_by = "max_states"
                    break
                seen[s] = None
                level.append(s)
    out.seen = seen

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

    def save_midlevel(rest, nxt_):
        checkpoint.save(ckpt_path, key, {
            "done": False, "seen": seen, "found": _found_state(found), "depth": depth,
            "transitions": transitions, "level": rest, "nxt": nxt_})
        out.checkpoints += 1

    skip = options.invariant_skipping
    skipped0 = prog.ns["_skipped"][0]
    invs, reach, dl = active()
    level_fn = prog.level_function(invs, reach, dl, skip)
    last_report = t0
    last_ckpt = t0
    cancel = for_options(options)
    progress = options.progress
    max_mem = options.max_memory_mb
    every = options.checkpoint_every

    while not done and out.stopped_by is None:
        if pending is None:          # a new level
            if not level:
                break
            if all_violated():
                out.stopped_by = "all decided"
                break
            if options.max_depth is not None and depth >= options.max_depth:
                out.stopped_by = "max_depth"
                unexpanded = level
                break
            nxt: list[int] = []
            i = 0
        else:                        # the rest of a level saved in a checkpoint
            level, i, nxt = pending
            pending = None
        app = nxt.append
        while i < len(level):
            chunk = level[i:i + CHUNK]
            try:
                transitions += level_fn(chunk, seen, app, found.err, found.viol, found.dead)
            except Halted as h:
                # stopped inside the chunk: its successors found so far stay
                # stored and queued, its transitions are not counted, and a
                # resumed search expands the whole chunk again (the same
                # states and counts as an uninterrupted search)
                out.stopped_by = h.reason
                out.memory_mb = cancel.memory_mb
                if ckpt_path is not None:
                    save_midlevel(level[i:], nxt)
                unexpanded = level[i:] + nxt
                break
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
                level_fn = prog.level_function(invs, reach, dl, skip)
            now = time.perf_counter()
            if i < len(level) or nxt:
                stop = cancel.poll()
                out.memory_mb = cancel.memory_mb
                if stop is None and max_mem is not None:
                    mb = tree_rss_mb() or rss_mb()
                    # the dict grows by reallocating its whole table: stop
                    # while there is still room for the next reallocation
                    if mb + 2 * sys.getsizeof(seen) / 1e6 > max_mem * HEADROOM:
                        stop = "max_memory"
                        out.memory_mb = mb
                        cancel.stop(stop)
                if stop is not None:
                    out.stopped_by = stop
                    if ckpt_path is not None:
                        save_midlevel(level[i:], nxt)
                    unexpanded = level[i:] + nxt
                    break
            if ckpt_path is not None and now - last_ckpt >= every:
                save_midlevel(level[i:], nxt)
                last_ckpt = time.perf_counter()
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

    if ckpt_path is not None and not done and out.stopped_by not in RESUMABLE:
        checkpoint.save(ckpt_path, key, {
            "done": True, "seen": seen, "found": _found_state(found), "depth": depth,
            "transitions": transitions, "stopped_by": out.stopped_by, "unexpanded": unexpanded})
        out.checkpoints += 1
    if unexpanded:
        invs, reach, _ = active()
        if invs or reach:
            out.unchecked = check_rest(prog, invs, reach, [unexpanded], found.viol,
                                       out.stopped_by in RESUMABLE)
    out.states = len(seen)
    out.transitions = transitions
    # (a chunk cut short by --max-states does not add its count: a lower bound then)
    out.checks_skipped = prog.ns["_skipped"][0] - skipped0 if skip else None
    out.depth = depth
    out.exhaustive = out.stopped_by is None
    out.seconds = time.perf_counter() - t0
    return out
