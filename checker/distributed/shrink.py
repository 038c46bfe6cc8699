"""Shrinking a swarm's counterexample: remove steps, replay, keep the
violation.

A trace is its initial state and its steps (action, binding, state).  A
candidate drops a block of steps; it is replayed from the initial state,
each step by its action and binding (taking the recorded successor when that
action still produces it, else the action's first successor: nondeterministic
actions have several), and kept when the same violation shows up -- at the
end, or earlier (the trace is then cut there).  Blocks of half the trace,
then a quarter, ... down to single steps, until no block can go (ddmin-like,
without its complement tests).  Every replayed trace is a real trace of the
spec, so a shrunk trace is as valid as the walk it came from; it is shorter,
not necessarily the shortest (the exhaustive search gives that)."""
from __future__ import annotations

MAX_REPLAYS = 5000          # a bound on the work for very long walks


class Goal:
    """Does a state (and, for typeok, the step taken from it) show the violation?"""

    def __init__(self, prog, key: tuple, record):
        self.prog = prog
        self.key = key
        self.record = record
        self.kind = key[0]
        if self.kind in ("inv", "reach"):
            k = key[1]
            self.fn = prog.check_function([k], []) if self.kind == "inv" else prog.check_function([], [k])
        terminal = getattr(prog.spec, "terminal", None)
        self.terminal = prog.predicate(terminal) if terminal is not None else None

    def at(self, s: int):
        """None, or what the record needs besides the path (the error)"""
        if self.kind in ("inv", "reach"):
            hit: list = []
            self.fn([s], lambda _k, _s, e: hit.append(e))
            return ("hit", hit[0]) if hit else None
        if self.kind == "typeok":
            _path, ai, b, _e = self.record
            errs: list = []
            self.prog.trace_fns[ai](s, [], errs, b)
            return ("hit", errs[0]) if errs else None
        # deadlock: no successor, no error, not terminal
        for ai, binds in enumerate(self.prog.bindings):
            for b in binds:
                out: list = []
                errs: list = []
                self.prog.trace_fns[ai](s, out, errs, b)
                if out or errs:
                    return None
        if self.terminal is not None and self.terminal(s):
            return None
        return ("hit", None)


def _replay(prog, goal: Goal, start: int, steps: list):
    """the replayed path up to the first state showing the violation, with
    its extra, or None"""
    path = [(None, None, start)]
    hit = goal.at(start)
    if hit is not None:
        return path, hit[1]
    s = start
    for ai, b, t in steps:
        out: list = []
        prog.trace_fns[ai](s, out, [], b)
        if not out:
            return None
        s = t if t in out else out[0]
        path.append((ai, b, s))
        hit = goal.at(s)
        if hit is not None:
            return path, hit[1]
    return None


def shrink(prog, key: tuple, record) -> tuple[object, int]:
    """(the shrunk record, the original length)"""
    path = record[0] if key[0] in ("inv", "typeok") else record
    original = len(path) - 1
    goal = Goal(prog, key, record)
    start, steps = path[0][2], list(path[1:])
    best = _replay(prog, goal, start, steps)
    if best is None:            # cannot happen for a real finding; keep it as found
        return record, original
    replays = 1
    size = max(1, (len(best[0]) - 1) // 2)
    while size >= 1 and replays < MAX_REPLAYS:
        i = 0
        while i < len(best[0]) - 1 and replays < MAX_REPLAYS:
            steps = best[0][1:]
            cand = _replay(prog, goal, start, steps[:i] + steps[i + size:])
            replays += 1
            if cand is not None and len(cand[0]) < len(best[0]):
                best = cand
            else:
                i += size
        size //= 2
    new_path, extra = best
    if key[0] == "inv":
        return (new_path, extra), original
    if key[0] == "typeok":
        _p, ai, b, _e = record
        return (new_path, ai, b, extra), original
    return new_path, original
