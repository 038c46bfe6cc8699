"""Counting states as TLC does under a state constraint.

The front end applies ``constraint`` declarations by guarding every action
(checker/lang/constraints.py), so the search stores the states outside the
constraint too: they are checked (invariants, reachability) and never
expanded.  TLC does not insert such a state in its set of seen states, so
its distinct-state count and depth cover only the states inside the
constraint.  After an explicit search of a constrained spec this module
recounts the stored states that way (one evaluation of the constraint per
stored state: the search itself is unchanged).
"""
from __future__ import annotations

import numpy as np

from ..evaluate import EvalError, evaluate


def inside_counts(prog, seen) -> tuple[int, int, int]:
    """(states inside the constraint, their greatest depth, states outside)."""
    depth_of = _depths(seen)
    inside = outside = deepest = 0
    for s, ok in _inside_each(prog, seen):   # streamed: the store may hold millions
        if ok:
            inside += 1
            deepest = max(deepest, depth_of(s))
        else:
            outside += 1
    return inside, deepest, outside


def inside_mask(prog, nodes) -> np.ndarray:
    """A bool per stored state in ``nodes``: does it satisfy every constraint."""
    return np.fromiter((ok for _, ok in _inside_each(prog, nodes)), dtype=bool, count=len(nodes))


def _inside_each(prog, states):
    """(state, inside every constraint?) per packed state; an evaluation
    error counts as outside (TLC stops with an error there)."""
    spec = prog.spec
    consts = spec.const_values()
    for s in states:
        state = prog.layout.canonical(s)
        try:
            ok = all(evaluate(c.expr, state, {}, consts) for c in spec.constraints)
        except EvalError:
            ok = False
        yield s, ok


def _depths(seen):
    levels = getattr(seen, "levels", None)
    if levels is not None:          # the compact store keeps each state's depth
        return levels.depth_of
    memo: dict = {}

    def depth(s) -> int:
        chain = []
        while s not in memo:
            p = seen[s]
            if p is None:
                memo[s] = 0
                break
            chain.append(s)
            s = p
        d = memo[s]
        for x in reversed(chain):
            d += 1
            memo[x] = d
        return memo[chain[0]] if chain else d
    return depth
