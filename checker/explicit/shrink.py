"""Shrinking a random walk's counterexample (``--simulate``).

A walk's path is ``[(None, None, s0), (ai, b, s1), ...]`` of packed states.
A shrunk path is found by editing the *steps* (action, binding, and which of
the binding's outcomes) and replaying them from the initial state through
the generated successor functions, so every candidate is a real path of the
spec; a candidate is kept when it still ends in the violation (``goal``) and
is shorter.  The edits, repeated until none helps:

* cut at the first state where the goal already holds;
* cut loops: when a state occurs twice, drop the steps between;
* delete a block of steps (halving block sizes down to one) and replay the rest.

It is greedy (a local minimum, not the shortest trace: the exhaustive search
finds that), deterministic, and bounded by ``max_replays``.
"""
from __future__ import annotations

from typing import Callable, Optional

from .compile import Program

Path = list          # [(ai | None, b | None, state)]


def _outcome(prog: Program, s: int, ai: int, b) -> list:
    out: list = []
    errs: list = []
    prog.trace_fns[ai](s, out, errs, b)
    return out


def _steps(prog: Program, path: Path) -> list[tuple]:
    """(ai, b, outcome index) of each step of ``path``."""
    steps = []
    for (_, _, s), (ai, b, t) in zip(path, path[1:]):
        steps.append((ai, b, _outcome(prog, s, ai, b).index(t)))
    return steps


def _replay(prog: Program, s0: int, steps: list[tuple]) -> Optional[Path]:
    path = [(None, None, s0)]
    s = s0
    for ai, b, k in steps:
        out = _outcome(prog, s, ai, b)
        if k >= len(out):
            return None          # not enabled here (or fewer outcomes): not a path
        s = out[k]
        path.append((ai, b, s))
    return path


def _first_goal(path: Path, goal: Callable[[int], bool]) -> Optional[int]:
    return next((i for i, (_, _, s) in enumerate(path) if goal(s)), None)


def _cut_loops(path: Path) -> Path:
    out: Path = []
    where: dict[int, int] = {}
    for step in path:
        s = step[2]
        if s in where:                  # back to an earlier state: drop the loop
            del out[where[s] + 1:]
            where = {x[2]: i for i, x in enumerate(out)}
            continue
        where[s] = len(out)
        out.append(step)
    return out


def shrink(prog: Program, path: Path, goal: Callable[[int], bool], max_replays: int = 20_000) -> Path:
    """A path no longer than ``path``, from the same initial state, whose last
    state satisfies ``goal`` (which ``path``'s last state must)."""
    assert goal(path[-1][2]), "shrink: the path does not end in the violation"
    best = path
    replays = 0
    changed = True
    while changed and replays < max_replays:
        changed = False
        cut = _first_goal(best, goal)
        if cut is not None and cut + 1 < len(best):
            best, changed = best[:cut + 1], True
        looped = _cut_loops(best)
        if len(looped) < len(best):
            # the loop-free path keeps the same steps after the cut states, so
            # it is a path; it ends in the same state, so the goal still holds
            best, changed = looped, True
        steps = _steps(prog, best)
        size = max(1, len(steps) // 2)
        while size >= 1 and replays < max_replays:
            i = len(steps) - size
            while i >= 0 and replays < max_replays:
                candidate = steps[:i] + steps[i + size:]
                replays += 1
                p = _replay(prog, best[0][2], candidate)
                if p is not None:
                    end = _first_goal(p, goal)
                    if end is not None:
                        best, steps, changed = p[:end + 1], _steps(prog, p[:end + 1]), True
                        i = min(i, len(steps) - size)
                        continue
                i -= 1
            size //= 2
    return best
