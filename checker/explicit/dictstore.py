"""The reference store of the search driver (``search.Driver``): ``seen``
maps every stored state to its parent (None for an initial state); the next
BFS level is collected in a list.  The compiled level function expands a
chunk at a time, stores new states and checks the open properties; it is
recompiled when a property has been violated (so it is no longer checked).

Checkpoints (``--checkpoint DIR``, ``--resume DIR``; ``checkpoint.py``) are
this store's: periodically and at a stop, the seen-set, the rest of the
level and the part of the next level collected so far.  A resumed search
visits the same states in the same order as an uninterrupted one, so
counts, depths and traces are the same."""
from __future__ import annotations

import sys

from ..cancel import Halted
from ..options import Options
from .compile import Program
from .goals import Goals
from .runtime import Full
from .found import packed_initial_states
from .stop import MAX_STATES, RESUMABLE, StopPolicy

CHUNK = 2048   # states per call of the level function


class DictStore:
    name = "dict"
    decode = None

    def __init__(self, prog: Program, options: Options, goals: Goals, stop: StopPolicy):
        self.prog = prog
        self.options = options
        self.goals = goals
        self.stop = stop
        self.seen: dict = {}
        self.level: list[int] = []
        self.nxt: list[int] = []
        self.i = 0
        self.pending = None              # (level, i, nxt): the rest of a level saved mid-way (resume)
        self.finished = False            # a resumed search that had already ended
        self.unexpanded: list = [[]]     # stored states never expanded (a bounded run)
        self.skip = options.invariant_skipping
        self.ckpt = _Checkpoints(prog, options) if (options.checkpoint_dir is not None
                                                     or options.resume_dir is not None) else None

    # -- the start

    def start(self, out) -> bool:
        self.out = out
        self.found = out.found
        if self.ckpt is not None:
            out.checkpoint_path = self.ckpt.path
        if self.options.resume_dir is not None:
            self._resume(out)
        else:
            for s in packed_initial_states(self.prog, self.found):
                if s not in self.seen:
                    if self.stop.states_reached(len(self.seen)):
                        out.stopped_by = MAX_STATES
                        break
                    self.seen[s] = None
                    self.level.append(s)
        out.seen = self.seen
        self.skipped0 = self.prog.ns["_skipped"][0]
        self.properties_changed()
        return not self.finished

    def _resume(self, out) -> None:
        st = self.ckpt.load(self.options.resume_dir)
        self.seen = st["seen"]
        self.found.restore(st["found"])
        out.depth, out.transitions = st["depth"], st["transitions"]
        out.resumed = {"states": len(self.seen), "depth": out.depth, "done": st["done"]}
        if st["done"]:
            self.finished = True
            out.stopped_by = st["stopped_by"]
            self.unexpanded = [st["unexpanded"]]
        else:
            self.pending = (st["level"], 0, st["nxt"])

    # -- a level

    def level_size(self) -> int:
        return len(self.level)

    def resuming(self) -> bool:
        return self.pending is not None

    def begin_level(self, depth: int) -> None:
        if self.pending is not None:
            self.level, self.i, self.nxt = self.pending
            self.pending = None
        else:
            self.nxt, self.i = [], 0

    def properties_changed(self) -> None:
        invs, reach, dl = self.goals.open(self.found)
        self.level_fn = self.prog.level_function(list(invs), list(reach), dl, self.skip)

    def chunks(self):
        level, seen, found, app = self.level, self.seen, self.found, self.nxt.append
        while self.i < len(level):
            i = self.i
            chunk = level[i:i + CHUNK]
            try:
                tr = self.level_fn(chunk, seen, app, found.err, found.viol, found.dead)
            except Halted as h:
                # stopped inside the chunk: its successors found so far stay
                # stored and queued, its transitions are not counted, and a
                # resumed search expands the whole chunk again (the same
                # states and counts as an uninterrupted search)
                yield 0, h.reason
                return
            except Full as full:
                s, tr = full.args
                j = chunk.index(s)
                self.unexpanded = [chunk[j + 1:] + level[i + CHUNK:] + self.nxt]
                yield tr, MAX_STATES
                return
            self.i = i + CHUNK
            yield tr, None

    def level_left(self) -> bool:
        return self.i < len(self.level)

    def work_left(self) -> bool:
        return self.i < len(self.level) or bool(self.nxt)

    def growth_mb(self) -> float:
        # the dict grows by reallocating its whole table: stop while there
        # is still room for the next reallocation
        return 2 * sys.getsizeof(self.seen) / 1e6

    def stop_here(self) -> None:
        rest = self.level[self.i:]
        if self.ckpt is not None:
            self._save_midlevel(rest)
        self.unexpanded = [rest + self.nxt]

    def keep_level(self) -> None:
        self.unexpanded = [self.level]

    def end_level(self, stopped: bool) -> bool:
        more = bool(self.nxt)
        if not stopped:
            self.level = self.nxt
        return more

    def tick(self, now: float) -> None:
        if self.ckpt is not None and self.ckpt.due(now):
            self._save_midlevel(self.level[self.i:])

    def progress(self, depth: int) -> tuple[int, str]:
        return len(self.seen), f"level {depth}: {self.i}/{len(self.level)} expanded"

    # -- the end

    def close(self) -> None:
        pass

    def finish(self, out) -> None:
        if self.ckpt is not None and not self.finished and out.stopped_by not in RESUMABLE:
            self._save({"done": True, "stopped_by": out.stopped_by, "unexpanded": self.unexpanded[0]})
        out.states = len(self.seen)
        # (a chunk cut short by --max-states does not add its count: a lower bound then)
        out.checks_skipped = self.prog.ns["_skipped"][0] - self.skipped0 if self.skip else None

    def _save_midlevel(self, rest: list) -> None:
        self._save({"done": False, "level": rest, "nxt": self.nxt})

    def _save(self, part: dict) -> None:
        if self.ckpt.path is None:      # --resume without --checkpoint: nothing is saved
            return
        out = self.out
        self.ckpt.save({"seen": self.seen, "found": self.found.snapshot(), "depth": out.depth,
                        "transitions": out.transitions, **part})
        out.checkpoints += 1


class _Checkpoints:
    """The checkpoint file of this run and when the next periodic save is due."""

    def __init__(self, prog: Program, options: Options):
        import time

        from . import checkpoint

        self.mod = checkpoint
        self.spec = prog.spec
        self.key = checkpoint.search_key(prog.spec, options, prog.layout)
        self.path = (checkpoint.path_for(options.checkpoint_dir, prog.spec)
                     if options.checkpoint_dir is not None else None)
        self.every = options.checkpoint_every
        self.last = time.perf_counter()

    def load(self, directory: str) -> dict:
        return self.mod.load(self.mod.path_for(directory, self.spec), self.key)

    def due(self, now: float) -> bool:
        return self.path is not None and now - self.last >= self.every

    def save(self, state: dict) -> None:
        import time

        self.mod.save(self.path, self.key, state)
        self.last = time.perf_counter()
