"""The reachable state graph of a spec: action coverage and a DOT drawing.

Coverage (as TLC reports it) answers "did every action ever happen?": an
action that is never enabled in any reachable state usually means a guard
is wrong or the spec is vacuous somewhere, even when every property holds.
The DOT drawing is for small specs: every reachable state a node, every
transition an edge labelled with its step.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from ..options import Options
from ..results import Step
from .compile import Program
from .liveness import Graph
from .search import bfs
from .trace import _label

MAX_DOT_STATES = 2_000  # larger drawings are unreadable, and Graphviz struggles


class GraphTooLarge(Exception):
    """The reachable graph exceeds the limit asked for."""


@dataclass
class Coverage:
    """Transitions taken per action over the whole reachable graph."""

    transitions: dict[str, int]   # action name -> transitions (all bindings)
    states: int
    exhaustive: bool

    @property
    def never_enabled(self) -> list[str]:
        return [a for a, n in self.transitions.items() if n == 0]

    def warnings(self) -> list[str]:
        return [f"action {a} is never enabled in any reachable state (its guard may be wrong, or the spec "
                f"vacuous there)" for a in self.never_enabled]


def reachable_graph(spec: ir.Spec, max_states: int | None = None) -> tuple[Program, Graph]:
    """Explore every reachable state; -> (program, graph).  Raises GraphTooLarge
    when there are more than ``max_states`` (a partial graph would mislead)."""
    prog = Program(spec, max_states)
    out = bfs(prog, Options(max_states=max_states, check_deadlock=False), [], False, False, [], True)
    if not out.exhaustive:
        raise GraphTooLarge(f"the spec has more than {max_states:,} reachable states")
    return prog, Graph(prog, out.seen)


def coverage(spec: ir.Spec, max_states: int | None = None) -> Coverage:
    prog, g = reachable_graph(spec, max_states)
    counts = {a.name: 0 for a in spec.actions}
    for edges in g.succ:
        for _, ai, _b in edges:
            counts[spec.actions[ai].name] += 1
    return Coverage(counts, len(g.nodes), True)


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
    for i, edges in enumerate(g.succ):
        for t, ai, b in edges:
            name, args = _label(prog, ai, b)
            lines.append(f"  s{i} -> s{t} [label={_quote(Step(name, args).label())}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(*lines: str) -> str:
    """A DOT string literal of some lines (the text comes from the spec: escape it)."""
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'
