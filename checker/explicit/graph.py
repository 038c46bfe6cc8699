"""The reachable state graph of a spec: action coverage and a DOT drawing.

Coverage (as TLC reports it) answers "did every action ever happen?": an
action that is never enabled in any reachable state usually means a guard
is wrong or the spec is vacuous somewhere, even when every property holds.
The DOT drawing is for small specs: every reachable state a node, every
transition an edge labelled with its step.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import ir
from ..options import Options
from ..results import Step
from .compile import Program
from .csr import StateGraph
from .edges import dead_action_warning
from .liveness import Graph
from .search import bfs
from .trace import action_label

MAX_DOT_STATES = 2_000  # larger drawings are unreadable, and Graphviz struggles


class GraphTooLarge(Exception):
    """The reachable graph exceeds the limit asked for."""


@dataclass
class Coverage:
    """Per action over the whole reachable graph (as TLC's coverage): the
    states where it is enabled, its transitions (every binding, duplicates
    included), and the distinct states it produces."""

    transitions: dict[str, int]   # action name -> transitions (all bindings)
    states: int
    exhaustive: bool
    enabled: dict[str, int] = field(default_factory=dict)    # action -> states where it has a transition
    distinct: dict[str, int] = field(default_factory=dict)   # action -> distinct target states

    @property
    def never_enabled(self) -> list[str]:
        return [a for a, n in self.transitions.items() if n == 0]

    def warnings(self) -> list[str]:
        return [dead_action_warning(a) for a in self.never_enabled]

    def table(self) -> list[str]:
        """The report's lines: one row per action (or process step)."""
        head = ("action", "enabled in states", "transitions", "distinct states produced")
        rows = [(a, f"{self.enabled.get(a, 0):,}", f"{n:,}", f"{self.distinct.get(a, 0):,}")
                for a, n in self.transitions.items()]
        widths = [max(len(r[k]) for r in [head] + rows) for k in range(4)]
        return ["  " + "  ".join(c.ljust(widths[0]) if k == 0 else c.rjust(widths[k])
                                 for k, c in enumerate(r)) for r in [head] + rows]




def reachable_graph(spec: ir.Spec, max_states: int | None = None) -> tuple[Program, Graph]:
    """Explore every reachable state; -> (program, graph).  Raises GraphTooLarge
    when there are more than ``max_states`` (a partial graph would mislead)."""
    prog = Program(spec, max_states)
    out = bfs(prog, Options(max_states=max_states, check_deadlock=False), [], False, False, [], True)
    if not out.exhaustive:
        raise GraphTooLarge(f"the spec has more than {max_states:,} reachable states")
    return prog, Graph(prog, out.seen)


def coverage(spec: ir.Spec, max_states: int | None = None) -> Coverage:
    prog = Program(spec, max_states)
    out = bfs(prog, Options(max_states=max_states, check_deadlock=False), [], False, False, [], True)
    if not out.exhaustive:
        raise GraphTooLarge(f"the spec has more than {max_states:,} reachable states")
    return coverage_of(StateGraph(prog, out.seen))


def coverage_of(sg: StateGraph) -> Coverage:
    """Coverage from the stored graph (whole-array counts, no per-edge Python)."""
    import numpy as np

    actions = sg.prog.spec.actions
    na = len(actions)
    act = sg.gid_action[sg.labels] if sg.edges else np.zeros(0, dtype=np.int32)
    transitions = np.bincount(act, minlength=na)
    # (source, action) and (action, target) pairs, each counted once
    src_pairs = np.unique(sg.sources.astype(np.int64) * na + act)
    enabled = np.bincount(src_pairs % na, minlength=na)
    tgt_pairs = np.unique(act.astype(np.int64) * max(sg.n, 1) + sg.targets)
    distinct = np.bincount(tgt_pairs // max(sg.n, 1), minlength=na)
    names = [a.name for a in actions]
    return Coverage({a: int(transitions[k]) for k, a in enumerate(names)}, sg.n, True,
                    {a: int(enabled[k]) for k, a in enumerate(names)},
                    {a: int(distinct[k]) for k, a in enumerate(names)})


def to_dot(spec: ir.Spec, max_states: int = MAX_DOT_STATES) -> str:
    """The reachable graph in Graphviz DOT: nodes show every variable's value,
    initial states are drawn bold, edges carry the step (``fail(2)``)."""
    try:
        prog, g = reachable_graph(spec, max_states)
    except GraphTooLarge as e:
        raise GraphTooLarge(f"{e}: too many to draw") from None
    lines = [f"digraph {_quote(spec.name)} {{", "  rankdir=LR;", '  node [shape=box, fontname="monospace"];']
    init = set(g.init)
    for i, s in enumerate(g.nodes):
        values = prog.layout.canonical(s)
        label = _quote(*(f"{n} = {ir.show_value(v)}" for n, v in values.items()))
        style = ", style=bold" if i in init else ""
        lines.append(f"  s{i} [label={label}{style}];")
    for i in range(g.n):
        for t, ai, b in g.succ(i):
            name, args = action_label(prog, ai, b)
            lines.append(f"  s{i} -> s{t} [label={_quote(Step(name, args).label())}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(*lines: str) -> str:
    """A DOT string literal of some lines (the text comes from the spec: escape it)."""
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'
