"""The reachable graph of the symbolic encoding, enumerated state by state by Z3.

The "enum" engine's search.  Where the explicit engine computes successors
with its own interpreter (checker/explicit), this one asks Z3, for each
reachable state, for *every* model of the symbolic transition relation
(encode.Encoder.trans) from that state: each model gives a successor and
the step (action, parameters) that leads there, and is blocked until the
query is unsat.  That last unsat answer is the proof that the state has no
other successor, so the set found is closed under the transition relation:
an inductive invariant given as a list of states.  The same formulas as
bmc, k-induction and PDR (init, trans, errstep, the fairness groups) define
it, so a verdict computed on this graph checks the explicit engine's
semantics against the symbolic engines' semantics, and the graph algorithms
(engine.py: networkx, Emerson-Lei) against explicit/liveness.py.

A state is the tuple of its leaf values (encode.State.terms(), as Python
ints and bools); ``state_inv`` makes leaves canonical, so equal spec states
have equal tuples and the state count is the explicit engine's (without
symmetry reduction).

Limits: one query per successor and one per state, so it is meant for
small state spaces (thousands of states: about a millisecond per query);
the constants must all have values (a symbolic constant is refused);
``options.max_states`` stops it with an unknown, never a verdict.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import z3

from ..evidence import MAX_STATES
from ..symbolic.common import Clock, new_solver
from ..symbolic.outcome import gave_up, stop_reason
from ..symbolic.encode import Encoder, Unsupported, mk_and, mk_not


class Stopped(Exception):
    """The search stopped early (limit, time, solver unknown): no verdict.
    ``why``: the stop as evidence (a ``stopped_by`` reason, or the
    SolverGaveUp when Z3 said unknown); None for a value or a formula the
    engine cannot read."""

    def __init__(self, message: str, why=None):
        super().__init__(message)
        self.why = why


def _py(v):
    if z3.is_true(v):
        return True
    if z3.is_false(v):
        return False
    if z3.is_int_value(v):
        return v.as_long()
    raise Stopped(f"a state value is not concrete: {v}")


@dataclass
class Edge:
    target: int
    action: int          # encoder action index
    args: tuple          # the action's parameter values (Python ints/bools)


@dataclass
class Graph:
    states: list[tuple] = field(default_factory=list)
    index: dict = field(default_factory=dict)
    parent: list[tuple] = field(default_factory=list)   # (state, Edge) or (-1, None)
    edges: list[list[Edge]] = field(default_factory=list)
    init: list[int] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)
    queries: int = 0
    edge_count: int = 0

    def add(self, t: tuple, parent: int) -> tuple[int, bool]:
        """(state number, new?); a new state's entering edge is set by the
        caller (``parent[i] = (parent, edge)``) once the edge exists."""
        i = self.index.get(t)
        if i is not None:
            return i, False
        i = len(self.states)
        self.index[t] = i
        self.states.append(t)
        self.parent.append((parent, None))
        self.edges.append([])
        self.depth.append(0 if parent < 0 else self.depth[parent] + 1)
        return i, True

    def path_to(self, v: int) -> list[tuple[int, Edge | None]]:
        """(state, edge that entered it) from an initial state to v: the
        breadth-first tree, so the path is a shortest one."""
        out = []
        while v >= 0:
            p, e = self.parent[v]
            out.append((v, e))
            v = p
        out.reverse()
        return out


class Enumerator:
    """Builds the Graph: initial states, then successors level by level."""

    def __init__(self, enc: Encoder, seed: int, clock: Clock, max_states: int | None = None,
                 progress=None):
        if enc.sym_consts:
            raise Unsupported("the enum engine needs a value for every constant "
                              f"({', '.join(c.name for c, _ in enc.sym_consts)} has none); "
                              "give one with --const")
        self.enc, self.seed, self.clock = enc, seed, clock
        # progress(states, transitions, depth), after every state expanded
        self.max_states, self.progress = max_states, progress
        self.cur, self.nxt = enc.cur.terms(), enc.nxt.terms()
        self.graph = Graph()

    def _check(self, s) -> z3.CheckSatResult:
        self.graph.queries += 1
        return ask(s, self.clock)

    def run(self) -> Graph:
        enc, g = self.enc, self.graph
        s = new_solver(self.seed)
        init, _ = enc.init(enc.cur)
        s.add(enc.const_axiom, init, enc.state_inv(enc.cur))
        while self._check(s) == z3.sat:
            m = s.model()
            t = tuple(_py(m.eval(x, model_completion=True)) for x in self.cur)
            i, _ = g.add(t, -1)
            g.init.append(i)
            s.add(mk_not(mk_and([x == z3_value(v) for x, v in zip(self.cur, t)])))
        step = new_solver(self.seed)
        step.add(enc.const_axiom, enc.trans, enc.state_inv(enc.nxt))
        done = 0
        while done < len(g.states):
            self._successors(step, done)
            done += 1
            if self.max_states is not None and len(g.states) > self.max_states:
                raise Stopped(f"more than {self.max_states:,} states (--max-states)", MAX_STATES)
            if self.progress:
                self.progress(len(g.states), g.edge_count, g.depth[done - 1])
        return g

    def _successors(self, s, v: int) -> None:
        enc, g = self.enc, self.graph
        s.push()
        s.add(*[x == z3_value(a) for x, a in zip(self.cur, g.states[v])])
        while self._check(s) == z3.sat:
            m = s.model()
            t = tuple(_py(m.eval(x, model_completion=True)) for x in self.nxt)
            a = m.eval(enc.sel, model_completion=True).as_long()
            act = enc.actions[a]
            params = [p for _, p in act.params]
            args = tuple(_py(m.eval(p, model_completion=True)) for p in params)
            u, new = g.add(t, v)
            e = Edge(u, a, args)
            if new:
                g.parent[u] = (v, e)
            g.edges[v].append(e)
            g.edge_count += 1
            # block this (successor, action, arguments); the choices of the
            # action (either/or branches) that give the same successor are
            # one edge, as in the explicit engine's graph
            same = [x == z3_value(b) for x, b in zip(self.nxt, t)] + [enc.sel == a] + \
                   [p == z3_value(b) for p, b in zip(params, args)]
            s.add(mk_not(mk_and(same)))
        s.pop()


def z3_value(v):
    """A leaf value (Python bool or int) as a Z3 value."""
    return z3.BoolVal(v) if isinstance(v, bool) else z3.IntVal(v)


def ask(s, clock: Clock) -> z3.CheckSatResult:
    """s.check() under the clock; time out or unknown: Stopped (no verdict)."""
    if clock.expired():
        raise Stopped(clock.stop_words(), stop_reason(clock))
    clock.arm(s)
    r = s.check()
    if r == z3.unknown:
        raise Stopped(clock.unknown_words(s, "Z3 returned unknown"), gave_up("enum", clock, s))
    return r


class Evaluator:
    """Formulas of the encoder at one concrete state: substituted and
    simplified; when that leaves something open (a quantifier, the step
    variables of an erroneous step), Z3 decides it."""

    def __init__(self, enc: Encoder, seed: int, clock: Clock):
        self.enc, self.seed, self.clock = enc, seed, clock
        self.cur = enc.cur.terms()
        self.solver = new_solver(seed)
        self.solver.add(enc.const_axiom)
        self.queries = 0

    def holds(self, f, state: tuple) -> bool:
        """Is f (over the current state, maybe step variables) satisfiable
        at ``state``?  For a formula over the state alone: is it true."""
        g = z3.simplify(z3.substitute(f, *zip(self.cur, map(z3_value, state))))
        if z3.is_true(g):
            return True
        if z3.is_false(g):
            return False
        self.solver.push()
        self.solver.add(g)
        self.queries += 1
        try:
            return ask(self.solver, self.clock) == z3.sat
        finally:
            self.solver.pop()

    def step_holds(self, f, action: int, args: tuple) -> bool:
        """A formula over the step variables (a fairness group's ``taken``)
        for the step (action, args)."""
        act = self.enc.actions[action]
        pairs = [(self.enc.sel, z3.IntVal(action))] + [(p, z3_value(a)) for (_, p), a in zip(act.params, args)]
        g = z3.simplify(z3.substitute(f, *pairs))
        if z3.is_true(g):
            return True
        if z3.is_false(g):
            return False
        raise Stopped(f"a fairness group's step formula is not decided by the step: {g}")
