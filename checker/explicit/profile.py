"""``--profile-space``: what blows the state space up.

Over every reachable state (a fresh breadth-first search, without symmetry
reduction, so the counts are of the real space):

* per action: the states it reached first (its share of the breadth-first
  tree: the states that would not be there without it, at that depth), the
  distinct states it produces at all, and its transitions;
* per variable: the number of distinct values it takes, its width in the
  packed state (``layout.py``) and its share of that width, and the bits the
  values it actually takes would need.

The first-reached count follows the search's own order (the first edge, in
action and binding order, from a state's parent to it), so the per-action
counts add up to the states minus the initial ones.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import ir
from ..options import Options
from .compile import Program
from .csr import StateGraph
from .search import bfs


class SpaceTooLarge(Exception):
    """More reachable states than the limit asked for."""


@dataclass
class SpaceProfile:
    states: int
    transitions: int
    total_bits: int
    actions: list[dict]      # name, first_reached, distinct_targets, transitions
    variables: list[dict]    # name, type, distinct_values, bits, share, bits_needed

    def to_json(self) -> dict:
        return {"states": self.states, "transitions": self.transitions, "total_bits": self.total_bits,
                "actions": self.actions, "variables": self.variables}

    def table(self) -> list[str]:
        out = [f"state-space profile over all {self.states:,} reachable states "
               f"({self.transitions:,} transitions, {self.total_bits} bits per packed state):"]
        head = ("action", "new states (first reached)", "distinct states produced", "transitions")
        rows = [(a["name"], f"{a['first_reached']:,}", f"{a['distinct_targets']:,}", f"{a['transitions']:,}")
                for a in sorted(self.actions, key=lambda a: -a["first_reached"])]
        out += _columns(head, rows)
        head = ("variable", "distinct values", "bits", "share of width", "bits its values need")
        rows = [(v["name"], f"{v['distinct_values']:,}", str(v["bits"]), f"{100 * v['share']:.1f}%",
                 str(v["bits_needed"])) for v in sorted(self.variables, key=lambda v: -v["distinct_values"])]
        out += _columns(head, rows)
        return out


def _columns(head, rows) -> list[str]:
    widths = [max(len(r[k]) for r in [head] + rows) for k in range(len(head))]
    return ["  " + "  ".join(c.ljust(widths[0]) if k == 0 else c.rjust(widths[k]) for k, c in enumerate(r))
            for r in [head] + rows]


def profile_space(spec: ir.Spec, max_states: int | None = None) -> SpaceProfile:
    """Raises SpaceTooLarge past ``max_states``, and for a spec whose
    constants do not all have a value (``--all-values``)."""
    from .constants import NeedsConstants, require_constants

    try:
        require_constants(spec)
    except NeedsConstants as e:
        raise SpaceTooLarge(str(e)) from None
    prog = Program(spec, max_states)
    out = bfs(prog, Options(max_states=max_states, check_deadlock=False), [], False, False, [], True)
    if not out.exhaustive:
        raise SpaceTooLarge(f"the spec has more than {max_states:,} reachable states")
    sg = StateGraph(prog, out.seen)
    return profile_of(sg)


def profile_of(sg: StateGraph) -> SpaceProfile:
    prog = sg.prog
    actions = prog.spec.actions
    na = len(actions)
    act = sg.gid_action[sg.labels] if sg.edges else np.zeros(0, dtype=np.int32)
    transitions = np.bincount(act, minlength=na)
    tgt_pairs = np.unique(act.astype(np.int64) * max(sg.n, 1) + sg.targets)
    distinct = np.bincount(tgt_pairs // max(sg.n, 1), minlength=na)
    # the tree edges: from a node's search parent to it; the first of them per
    # node (edges are in action order) is the step the search took
    tree = sg.parent[sg.targets] == sg.sources if sg.edges else np.zeros(0, dtype=bool)
    tree_targets = sg.targets[tree]
    _, first = np.unique(tree_targets, return_index=True)
    first_reached = np.bincount(act[tree][first], minlength=na)
    acts = [{"name": a.name, "first_reached": int(first_reached[k]), "distinct_targets": int(distinct[k]),
             "transitions": int(transitions[k])} for k, a in enumerate(actions)]
    total = prog.layout.total_bits
    variables = []
    for f in prog.layout.fields:
        n_values = _distinct_field_values(sg.nodes, f.offset, f.width, total)
        variables.append({"name": f.name, "type": str(f.type), "distinct_values": n_values, "bits": f.width,
                          "share": f.width / total if total else 0.0,
                          "bits_needed": math.ceil(math.log2(n_values)) if n_values > 1 else 0})
    return SpaceProfile(sg.n, sg.edges, total, acts, variables)


def _distinct_field_values(nodes: list[int], offset: int, width: int, total: int) -> int:
    if width == 0 or not nodes:
        return 1 if nodes else 0
    mask = (1 << width) - 1
    if total <= 64:
        keys = np.fromiter(nodes, dtype=np.uint64, count=len(nodes))
        return int(np.unique((keys >> np.uint64(offset)) & np.uint64(mask)).size)
    return len({(s >> offset) & mask for s in nodes})
