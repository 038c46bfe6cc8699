"""The enum engine: every property decided on the graph that Z3 enumerates
(enumerator.py) from the symbolic encoding.

* invariants, typeok, deadlock, reachability goals: the formulas that bmc,
  k-induction and PDR use (common.build_props), evaluated in every state;
  the first bad state in breadth-first order gives a shortest trace;
* temporal properties: a fair violating lasso is looked for as the explicit
  engine does (same regions: see explicit/liveness.py), but with its own
  code: networkx's strongly connected components and Emerson-Lei's
  refinement (a weak group enabled in every state of a component and never
  taken inside rules the component out; a strong group enabled somewhere
  and never taken inside removes the states where it is enabled).  A state
  without successors stutters forever (fair: no group is enabled there).

The fairness groups and what "taken" means come from the encoder
(Encoder.fair_groups); a group is enabled in a state iff one of the
state's edges is one of its steps, which is what its ``enabled`` formula
says (the edges are every model of the transition relation).

What the engine is for: a second semantics (the Z3 encoding) and second
graph algorithms behind every verdict of the explicit engine, for specs
small enough to enumerate.  It is exhaustive, so its verdicts are
decisions, but it is not a symbolic proof: it scales with the number of
states, as the explicit engine does, only a thousand times slower.
"""
from __future__ import annotations

import time

import networkx as nx
import z3

from .. import ir
from ..options import Options, Progress
from ..results import (DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK, PropertyResult, Stats, Step,
                       Trace, Verdict)
from ..cancel import for_options
from ..evidence import NOT_ENCODABLE, NotChecked, Search, SolverGaveUp
from ..symbolic import decode, lasso_search
from ..symbolic.bmc import BMC
from ..symbolic.common import Clock, halted, new_solver, prepare, result
from ..symbolic.encode import Encoder, Unsupported, canon_of
from ..symbolic.unroll import Unroller
from .enumerator import Edge, Enumerator, Evaluator, Graph, Stopped, ask, z3_value

METHOD = "enumeration by Z3 of every reachable state of the symbolic encoding"


def check(spec: ir.Spec, options: Options):
    """``options.timeout`` bounds the whole run (the search is shared by
    every property), ``options.max_states`` the number of states."""
    start = time.monotonic()
    enc, props, failed = prepare(spec, options, "enum", start)
    if failed is not None:
        return failed
    clock = Clock(None, options.solver_rlimit, for_options(options))
    enumerator = None
    try:
        enumerator = Enumerator(enc, options.seed, clock, options.max_states, _progress(options, start))
        g = enumerator.run()
        ev = Evaluator(enc, options.seed, clock)
        out = [_decide(enc, g, ev, p, options, clock) for p in props]
    except (Stopped, Unsupported, z3.Z3Exception) as e:
        if isinstance(e, z3.Z3Exception) and not halted(e, options):
            raise
        why = _stopped_evidence(e, enumerator.graph if enumerator is not None else None) \
            if not isinstance(e, z3.Z3Exception) else None
        words = clock.stop_words() if clock.stopped() else str(e)   # the run's stop in its own words
        if why is None:
            why = SolverGaveUp("enum", words, stopped_by=for_options(options).reason)
        out = [PropertyResult(p.name, p.kind, Verdict.UNKNOWN, f"{METHOD}, stopped (bounded, not exhaustive)",
                              detail=words, line=p.line, doc=p.doc, evidence=why) for p in props]
        return result(spec, "enum", out, Stats(seconds=time.monotonic() - start))
    depth = max(g.depth, default=0)
    for r in out:
        # every reachable state was enumerated; a lasso is a fair one, not
        # necessarily the shortest, every other trace a shortest path
        lasso = r.trace is not None and r.trace.loop_start is not None
        r.evidence = Search(engine="enum", states=len(g.states), depth=depth, complete=True, shortest=not lasso)
    edges = sum(len(es) for es in g.edges)
    stats = Stats(states=len(g.states), transitions=edges, depth=depth,
                  seconds=time.monotonic() - start,
                  extra={"solver_queries": g.queries + ev.queries})
    res = result(spec, "enum", out, stats)
    res.exhaustive = True
    return res


def _stopped_evidence(e: Exception, g: Graph | None):
    """A stop as evidence: the solver gave up, the search was stopped (a
    limit, the run's cancel), or the spec or a value is beyond the engine."""
    why = getattr(e, "why", None)
    if isinstance(why, SolverGaveUp):
        return why
    if why is None:
        return NotChecked("enum", NOT_ENCODABLE, str(e))
    states = len(g.states) if g is not None else 0
    depth = max(g.depth, default=0) if g is not None else 0
    return Search(engine="enum", states=states, depth=depth, complete=False, stopped_by=why)


def _progress(options: Options, start: float):
    """The search's progress, for the terminal line: about once a second."""
    if options.progress is None:
        return None
    last = [0.0]

    def report(states: int, transitions: int, depth: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            options.progress(Progress(states, transitions, depth, now - start, "Z3 successors"))
    return report


def _decide(enc: Encoder, g: Graph, ev: Evaluator, p, options: Options, clock: Clock) -> PropertyResult:
    common = dict(line=p.line, doc=p.doc)
    n = len(g.states)
    if p.kind == PROPERTY:
        return _temporal(enc, g, ev, p, common)
    if p.kind == TYPEOK:
        found = BMC(enc, p, options.seed).check(0, clock)   # an erroneous initial value
        if found == "unknown":
            raise Stopped("Z3 returned unknown on the initial values")
        if found is not None:
            return PropertyResult(p.name, p.kind, Verdict.VIOLATED, f"{METHOD} (an initial value)",
                                  trace=found.trace, detail=found.detail, depth=0, **common)
    first = next((v for v in range(n) if ev.holds(p.bad, g.states[v])), None)
    if p.kind == REACHABLE:
        if first is None:
            return PropertyResult(p.name, p.kind, Verdict.VIOLATED, METHOD,
                                  detail=f"no reachable state satisfies {ir.show_expr(p.decl.expr)} "
                                         f"({n:,} states)", **common)
        return PropertyResult(p.name, p.kind, Verdict.HOLDS, f"{METHOD} (a shortest witness)",
                              trace=_trace(enc, g, g.path_to(first), "witness"),
                              depth=g.depth[first], **common)
    if first is None:
        return PropertyResult(p.name, p.kind, Verdict.HOLDS, METHOD, depth=max(g.depth, default=0),
                              detail=f"holds in all {n:,} reachable states", **common)
    trace = _trace(enc, g, g.path_to(first))
    detail = ""
    if p.kind == TYPEOK:
        step, detail = _error_step(enc, g.states[first], options.seed, clock)
        trace.steps.append(step)
    elif p.kind == DEADLOCK:
        detail = "no action can take a step here, and it is not a terminal state"
    elif p.kind == INVARIANT:
        detail = f"{ir.show_expr(p.inv.expr)} is false in the last state"
    return PropertyResult(p.name, p.kind, Verdict.VIOLATED, f"{METHOD} (a shortest trace)",
                          trace=trace, detail=detail, depth=len(trace), **common)


def _error_step(enc: Encoder, state: tuple, seed: int, clock: Clock):
    """(the erroneous step leaving ``state``, its error message)."""
    u = Unroller(enc, prefix="x")
    s = new_solver(seed)
    s.add(enc.const_axiom, u.errstep(0))
    s.add(*[x == z3_value(v) for x, v in zip(u.state(0).terms(), state)])
    if ask(s, clock) != z3.sat:
        raise Stopped("the erroneous step found before cannot be shown")
    return decode.error_step(s.model(), u, 0)


# ------------------------------------------------------------ traces

class _Values:
    """A stand-in for a Z3 model that knows one state's leaf values."""

    def __init__(self, terms, values):
        self.sub = list(zip(terms, map(z3_value, values)))

    def eval(self, t, model_completion=True):
        return z3.simplify(z3.substitute(t, *self.sub))


def _step(enc: Encoder, state: tuple, edge: Edge | None) -> Step:
    st = decode.state(_Values(enc.cur.terms(), state), enc, enc.cur)
    if edge is None:
        return Step(None, (), st)
    act = enc.actions[edge.action]
    args = tuple(canon_of(a, p.type) if isinstance(p.type, ir.EnumT) else a
                 for (p, _), a in zip(act.params, edge.args))
    return Step(act.name, args, st)


def _trace(enc: Encoder, g: Graph, path, kind: str = "counterexample") -> Trace:
    return Trace([_step(enc, g.states[v], e) for v, e in path], kind=kind)


# ------------------------------------------------------------ temporal properties

class _Fairness:
    """The groups of every fairness constraint: which steps are in which."""

    def __init__(self, enc: Encoder, g: Graph, ev: Evaluator):
        self.weak, self.strong, taken = set(), set(), []
        for f in enc.spec.fairness:
            for _key, _en, tk in enc.fair_groups(f):
                gi = len(taken)
                (self.weak if f.kind == "weak" else self.strong).add(gi)
                taken.append(tk)
        self.of_step: dict = {}   # (action, args) -> the groups that step is in
        for es in g.edges:
            for e in es:
                key = (e.action, e.args)
                if key not in self.of_step:
                    self.of_step[key] = frozenset(i for i, tk in enumerate(taken)
                                                  if ev.step_holds(tk, e.action, e.args))
        # a group is enabled where one of its steps leaves the state
        self.enabled = [frozenset().union(*(self.groups(e) for e in es)) for es in g.edges]

    def groups(self, e: Edge) -> frozenset:
        return self.of_step[(e.action, e.args)]


def fair_components(g: Graph, fair: _Fairness, nodes: set) -> list[set]:
    """Emerson-Lei: the maximal fair strongly connected sets (with an edge
    inside) within ``nodes``."""
    out, work = [], [nodes]
    while work:
        alive = work.pop()
        dg = nx.DiGraph()
        dg.add_nodes_from(alive)
        dg.add_edges_from((v, e.target) for v in alive for e in g.edges[v] if e.target in alive)
        for comp in nx.strongly_connected_components(dg):
            inner = [(v, e) for v in comp for e in g.edges[v] if e.target in comp]
            if not inner:
                continue
            taken = frozenset().union(*(fair.groups(e) for _v, e in inner))
            ens = [fair.enabled[v] for v in comp]
            if (frozenset.intersection(*ens) & fair.weak) - taken:
                continue                       # a weak group starves in every state
            missing = (frozenset().union(*ens) & fair.strong) - taken
            if missing:
                rest = {v for v in comp if not fair.enabled[v] & missing}
                if rest:
                    work.append(rest)
                continue
            out.append(comp)
    return out


def _temporal(enc: Encoder, g: Graph, ev: Evaluator, p, common) -> PropertyResult:
    t: ir.Temporal = p.decl
    n = len(g.states)
    P = [ev.holds(enc.holds_in(t.p, enc.cur), s) for s in g.states]
    everything = set(range(n))
    must = None
    if t.kind == "always":
        bad = next((v for v in range(n) if not P[v]), None)
        if bad is None:
            return PropertyResult(p.name, p.kind, Verdict.HOLDS, METHOD, depth=max(g.depth, default=0),
                                  detail=f"holds in all {n:,} reachable states", **common)
        trace = _trace(enc, g, g.path_to(bad))
        return PropertyResult(p.name, p.kind, Verdict.VIOLATED, f"{METHOD} (a shortest trace)", trace=trace,
                              detail=f"{ir.show_expr(t.p)} is false", depth=len(trace), **common)
    if t.kind == "leads_to":
        Q = [ev.holds(enc.holds_in(t.q, enc.cur), s) for s in g.states]
        sources = [v for v in range(n) if P[v] and not Q[v]]
        region = {v for v in range(n) if not Q[v]}
    elif t.kind == "eventually":
        sources = [v for v in g.init if not P[v]]
        region = {v for v in range(n) if not P[v]}
    elif t.kind == "always_eventually":
        sources = [v for v in range(n) if not P[v]]
        region = {v for v in range(n) if not P[v]}
    elif t.kind == "eventually_always":
        sources, region, must = list(range(n)), everything, {v for v in range(n) if not P[v]}
    else:
        raise Unsupported(f"temporal kind {t.kind!r}")
    fair = _Fairness(enc, g, ev)
    lasso = _find_lasso(g, fair, sources, region, must)
    if lasso is None:
        return PropertyResult(p.name, p.kind, Verdict.HOLDS, METHOD, depth=max(g.depth, default=0),
                              detail=f"no fair lasso violates it among the {n:,} reachable states",
                              **common)
    path, loop, closing, frm = lasso
    stutter = closing is None
    trace = _trace(enc, g, path)
    trace.loop_start = loop
    if closing is not None:
        trace.closing = _step(enc, g.states[closing.target], closing)
    return PropertyResult(p.name, p.kind, Verdict.VIOLATED, f"{METHOD} (a fair lasso, not necessarily shortest)",
                          trace=trace, detail=lasso_search.describe(enc, t, trace, loop, stutter, frm),
                          depth=len(trace), **common)


def _find_lasso(g: Graph, fair: _Fairness, sources: list, region: set, must: set | None):
    """(path [(state, entering edge)], loop start index, the edge that closes
    the loop (None: the last state stutters), index of the source state) or
    None when no fair violating lasso exists."""
    sources = [v for v in sources if v in region]
    if not sources:
        return None
    # the part of the region reachable from the sources, and a parent tree
    parent = {v: None for v in sources}
    queue = list(sources)
    for v in queue:
        for e in g.edges[v]:
            if e.target in region and e.target not in parent:
                parent[e.target] = (v, e)
                queue.append(e.target)
    reach = set(parent)
    comps = fair_components(g, fair, reach)
    if must is not None:
        comps = [c for c in comps if c & must]
    goal = {v for v in reach if not g.edges[v] and (must is None or v in must)}
    comp_of = {v: c for c in comps for v in c}
    goal |= set(comp_of)
    end = next((v for v in queue if v in goal), None)   # breadth-first: the nearest
    if end is None:
        return None
    stem = []
    v = end
    while parent[v] is not None:
        u, e = parent[v]
        stem.append((v, e))
        v = u
    frm_state = v
    prefix = g.path_to(frm_state)
    path = prefix + list(reversed(stem))
    frm = len(prefix) - 1
    loop = len(path) - 1
    if end not in comp_of:
        return path, loop, None, frm
    walk = _cycle(g, fair, comp_of[end], end, must)
    return path + walk[:-1], loop, walk[-1][1], frm


def _cycle(g: Graph, fair: _Fairness, comp: set, start: int, must: set | None) -> list:
    """A closed walk inside comp from start, as (state, entering edge) after
    start, ending with the edge back into start: it takes one edge of
    every group taken inside comp, visits a state where each weak group not
    taken inside is disabled, and a ``must`` state."""
    inner = {(v, id(e)): e for v in comp for e in g.edges[v] if e.target in comp}
    by_group: dict = {}
    for (v, _), e in inner.items():
        for gi in fair.groups(e):
            by_group.setdefault(gi, (v, e))
    visits = []
    for gi in sorted(fair.weak - set(by_group)):
        visits.append(next(v for v in comp if gi not in fair.enabled[v]))
    if must is not None:
        visits.append(next(v for v in comp if v in must))
    dg = nx.DiGraph()
    for (v, _), e in inner.items():
        if not dg.has_edge(v, e.target):
            dg.add_edge(v, e.target, edge=e)
    walk, cur = [], start

    def go(to: int) -> None:
        nonlocal cur
        nodes = nx.shortest_path(dg, cur, to)
        for a, b in zip(nodes, nodes[1:]):
            walk.append((b, dg.edges[a, b]["edge"]))
        cur = to

    for gi in sorted(by_group):
        v, e = by_group[gi]
        go(v)
        walk.append((e.target, e))
        cur = e.target
    for v in visits:
        go(v)
    if not walk or cur != start:
        if cur == start:        # nothing to visit: any cycle through start
            e = next(e for (v, _), e in inner.items() if v == start)
            walk.append((e.target, e))
            cur = e.target
        go(start)
    return walk
