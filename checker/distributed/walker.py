"""One swarm walker: random walks with its own seed, search bias and depth
bound, taken a round of steps at a time (``swarm.py`` runs many).

A walker works as ``explicit.simulate`` does: at every visited state it checks
the invariants and reachability goals, and computes every enabled step (all
actions, all bindings), so an erroneous step (typeok) or a deadlock at a
visited state is found whichever step it then takes.  What differs between
walkers (SPIN's swarm verification: diversity finds more than repetition):

* the seed (``seed * 1_000_003 + index``);
* the bias choosing the next step: ``uniform`` over successors, ``novel``
  (prefer a successor this walker has not visited yet), ``action`` (an enabled
  action first, uniformly, then one of its successors: rare actions with few
  bindings get their share);
* the depth bound of a walk: the asked depth, twice it, or half of it.

Rounds are counted in steps, not seconds, so a swarm's outcome depends on
its seeds and sizes only, never on the machine's speed or load."""
from __future__ import annotations

import random

BIASES = ("uniform", "novel", "action")
DEPTH_FACTORS = (1.0, 2.0, 0.5)


class Walker:
    def __init__(self, prog, index: int, seed: int, walks: int, depth: int, initial: list[int],
                 want: dict):
        self.prog = prog
        self.index = index
        self.rng = random.Random(seed * 1_000_003 + index)
        self.bias = BIASES[index % len(BIASES)]
        self.depth = max(1, int(depth * DEPTH_FACTORS[(index // len(BIASES)) % len(DEPTH_FACTORS)]))
        self.walks_left = walks
        self.initial = initial
        self.want = want                # invs, reach, typeok, deadlock: what is still to be found
        self.touched: set = set()
        self.steps = self.transitions = self.walks = self.longest = 0
        self.path: list | None = None   # the walk under way: [(action, binding, state), ...]
        self.found: dict = {}           # ("inv", k) / ("reach", k) / ("typeok",) / ("deadlock",) -> record
        self.bindings = list(enumerate(prog.bindings))
        terminal = getattr(prog.spec, "terminal", None)
        self.terminal = prog.predicate(terminal) if terminal is not None else None
        self._check = None
        self._refresh()

    @property
    def done(self) -> bool:
        return (self.path is None and self.walks_left <= 0) or not self.initial

    def summary(self) -> dict:
        under_way = self.path is not None      # a walk cut by the round's end counts too
        return {"index": self.index, "found": dict(self.found), "steps": self.steps,
                "transitions": self.transitions, "walks": self.walks + under_way,
                "longest": max(self.longest, len(self.path) - 1 if under_way else 0),
                "done": self.done}

    def _refresh(self) -> None:
        invs = [k for k in self.want["invs"] if ("inv", k) not in self.found]
        reach = [k for k in self.want["reach"] if ("reach", k) not in self.found]
        self._check = self.prog.check_function(invs, reach) if invs or reach else None

    def _visit(self) -> bool:
        s = self.path[-1][2]
        self.touched.add(s)
        if self._check is None:
            return False
        hits: dict = {}
        self._check([s], lambda k, _s, e: hits.setdefault(k, e))
        for k, e in hits.items():       # (records shaped as explicit.simulate's)
            if k < 0:
                self.found.setdefault(("reach", -1 - k), list(self.path))
            else:
                self.found.setdefault(("inv", k), (list(self.path), e))
        if hits:
            self._refresh()
        return bool(hits)

    def successors(self, s: int):
        """(every (action, binding, successor), the first error (action, binding, StepError) or None)"""
        succ, err = [], None
        for ai, binds in self.bindings:
            fn = self.prog.trace_fns[ai]
            for b in binds:
                out: list = []
                errs: list = []
                fn(s, out, errs, b)
                succ += [(ai, b, t) for t in out]
                if errs and err is None:
                    err = (ai, b, errs[0])
        return succ, err

    def _choose(self, succ: list):
        rng = self.rng
        if self.bias == "novel":
            fresh = [x for x in succ if x[2] not in self.touched]
            if fresh:
                return fresh[rng.randrange(len(fresh))]
        elif self.bias == "action":
            acts = sorted({x[0] for x in succ})
            a = acts[rng.randrange(len(acts))]
            mine = [x for x in succ if x[0] == a]
            return mine[rng.randrange(len(mine))]
        return succ[rng.randrange(len(succ))]

    def run(self, budget: int) -> None:
        """take up to ``budget`` steps; stop early at a new finding"""
        taken = 0
        while taken < budget and not self.done:
            if self.path is None:
                self.walks_left -= 1
                self.path = [(None, None, self.initial[self.rng.randrange(len(self.initial))])]
                if self._visit():
                    self._end_walk()
                    return
            s = self.path[-1][2]
            if len(self.path) - 1 >= self.depth:
                self._end_walk()
                continue
            succ, err = self.successors(s)
            self.transitions += len(succ)
            new = False
            if err is not None and self.want["typeok"] and ("typeok",) not in self.found:
                self.found[("typeok",)] = (list(self.path),) + err
                new = True
            if not succ:
                if err is None and self.want["deadlock"] and ("deadlock",) not in self.found \
                        and not (self.terminal is not None and self.terminal(s)):
                    self.found[("deadlock",)] = list(self.path)
                    new = True
                self._end_walk()
                if new:
                    return
                continue
            self.path.append(self._choose(succ))
            self.steps += 1
            taken += 1
            if self._visit() or new:
                return

    def _end_walk(self) -> None:
        self.longest = max(self.longest, len(self.path) - 1)
        self.walks += 1
        self.path = None
