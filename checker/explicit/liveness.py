"""Temporal properties (ir.Temporal) on the explicit reachable graph.

After an exhaustive search the graph is rebuilt with the per-action trace
functions (edges labelled with their action and binding), and each property
is decided by looking for a *fair* violating cycle (or a state with no
successor, which stutters forever and is fair: no group is enabled there):

* ``always p``:            a reachable state where p is false;
* ``eventually p``:        a fair cycle / stutter reachable through ¬p states
                           from a ¬p initial state;
* ``always eventually p``: a fair cycle / stutter inside the ¬p states;
* ``eventually always p``: a fair cycle through a ¬p state / a ¬p stutter;
* ``p ~> q``:              from a reachable p∧¬q state, a fair cycle / stutter
                           reachable through ¬q states.

Fair components follow Emerson–Lei: in a strongly connected component, a
*weak* group enabled in every state but never taken inside rules it out; a
*strong* group enabled somewhere but never taken inside removes the states
where it is enabled (and the rest is split again).  Predicates that fail to
evaluate count as false.  Lassos are not guaranteed to be the shortest.
"""
from __future__ import annotations

from collections import deque

from .. import ir
from ..results import Step, Trace
from .compile import Program
from .layout import canon
from .trace import path_to


class Graph:
    def __init__(self, prog: Program, seen: dict):
        self.prog = prog
        self.nodes = list(seen)
        self.index = {s: i for i, s in enumerate(self.nodes)}
        self.init = [i for i, s in enumerate(self.nodes) if seen[s] is None]
        self.seen = seen
        fair = tuple(getattr(prog.spec, "fairness", ()))
        self.kind: dict = {}
        n = len(self.nodes)
        self.succ: list[list] = [[] for _ in range(n)]   # (target, action index, binding)
        self.enabled: list[set] = [set() for _ in range(n)]
        actions = prog.spec.actions
        member = []
        for ai, a in enumerate(actions):
            member.append([(fi, f.key_params) for fi, f in enumerate(fair) if a.name in f.actions])
        for fi, f in enumerate(fair):
            self.kind[fi] = f.kind
        for i, s in enumerate(self.nodes):
            for ai, binds in enumerate(prog.bindings):
                fn = prog.trace_fns[ai]
                for b in binds:
                    out: list = []
                    fn(s, out, [], b)
                    if not out:
                        continue
                    for fi, kp in member[ai]:
                        self.enabled[i].add((fi, b[:kp]))
                    for t in out:
                        self.succ[i].append((self.index[t], ai, b))

    def groups_of(self, ai: int, b: tuple) -> list:
        fair = self.prog.spec.fairness
        a = self.prog.spec.actions[ai]
        return [(fi, b[:f.key_params]) for fi, f in enumerate(fair) if a.name in f.actions]


def predicate(prog: Program, expr: ir.Expr):
    """A Python function s -> bool (an evaluation error counts as false)."""
    return prog.predicate(expr)


def _sccs(g: Graph, nodes: set) -> list[set]:
    """Tarjan, iterative, on the subgraph induced by nodes."""
    index: dict = {}
    low: dict = {}
    on: set = set()
    stack: list = []
    out: list[set] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, k = work[-1]
            edges = g.succ[v]
            advanced = False
            while k < len(edges):
                w = edges[k][0]
                k += 1
                if w not in nodes:
                    continue
                if w not in index:
                    work[-1] = (v, k)
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, 0))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.add(w)
                    if w == v:
                        break
                out.append(comp)
    return out


def fair_components(g: Graph, nodes: set) -> list[set]:
    """Maximal fair strongly connected sets (with at least one internal edge)."""
    result = []
    work = [nodes]
    while work:
        part = work.pop()
        for comp in _sccs(g, part):
            internal = set()
            has_edge = False
            for v in comp:
                for w, ai, b in g.succ[v]:
                    if w in comp:
                        has_edge = True
                        internal.update(g.groups_of(ai, b))
            if not has_edge:
                continue
            enabled_any = set().union(*(g.enabled[v] for v in comp))
            unfair = any(g.kind[gr[0]] == "weak" and gr not in internal
                         and all(gr in g.enabled[v] for v in comp) for gr in enabled_any)
            if unfair:
                continue
            missing = {gr for gr in enabled_any if g.kind[gr[0]] == "strong" and gr not in internal}
            if missing:
                rest = {v for v in comp if not (g.enabled[v] & missing)}
                if rest:
                    work.append(rest)
                continue
            result.append(comp)
    return result


def _bfs(g: Graph, sources, allowed: set, goal) -> list[int] | None:
    """Shortest path (node list) from a source to a goal node, inside allowed."""
    parent = {s: None for s in sources if s in allowed}
    q = deque(parent)
    while q:
        v = q.popleft()
        if goal(v):
            path = [v]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1]
        for w, _ai, _b in g.succ[v]:
            if w in allowed and w not in parent:
                parent[w] = v
                q.append(w)
    return None


class Lasso:
    def __init__(self, nodes: list[int], loop_start: int, labels: dict):
        self.nodes = nodes
        self.loop_start = loop_start
        self.labels = labels     # (u, v) -> (ai, b) chosen for a fairness-relevant edge


def _cycle(g: Graph, comp: set, must_visit=None) -> tuple[list[int], dict]:
    """A cycle inside comp (its last node leads back to its first) taking one
    edge of every fairness group taken inside comp, passing a state where each
    group never taken is disabled, and starting at a must_visit node."""
    order = sorted(comp)
    start = order[0] if must_visit is None else next(v for v in order if must_visit(v))
    cyc = [start]
    labels: dict = {}
    taken: set = set()
    for v in order:
        for w, ai, b in g.succ[v]:
            if w not in comp:
                continue
            new = [gr for gr in g.groups_of(ai, b) if gr not in taken]
            if not new:
                continue
            taken.update(new)
            cyc += _bfs(g, [cyc[-1]], comp, lambda x, v=v: x == v)[1:]
            cyc.append(w)
            labels[(v, w)] = (ai, b)
    enabled_any = set().union(*(g.enabled[v] for v in comp))
    for gr in sorted(enabled_any - taken):
        cyc += _bfs(g, [cyc[-1]], comp, lambda x, gr=gr: gr not in g.enabled[x])[1:]
    if len(cyc) == 1:
        return _bfs_cycle(g, start, comp)[:-1], labels
    cyc += _bfs(g, [cyc[-1]], comp, lambda x: x == start)[1:]
    return cyc[:-1], labels


def _bfs_cycle(g: Graph, start: int, comp: set) -> list[int]:
    parent = {}
    q = deque()
    for w, _a, _b in g.succ[start]:
        if w in comp and w not in parent:
            parent[w] = start
            q.append(w)
    while q:
        v = q.popleft()
        if v == start:
            break
        for w, _a, _b in g.succ[v]:
            if w in comp and w not in parent:
                parent[w] = v
                q.append(w)
    path = [start]
    while True:
        p = parent[path[-1]]
        path.append(p)
        if p == start:
            break
    return path[::-1]


def find_violation(g: Graph, prop: ir.Temporal, pred_p, pred_q) -> Lasso | None:
    n = len(g.nodes)
    P = [pred_p(s) for s in g.nodes]
    allnodes = set(range(n))
    stutter = {v for v in range(n) if not g.succ[v]}
    kind = prop.kind
    if kind == "always":
        bad = [v for v in range(n) if not P[v]]
        return None if not bad else Lasso(_prefix(g, bad[0]), -1, {})
    if kind == "leads_to":
        Q = [pred_q(s) for s in g.nodes]
        region = {v for v in range(n) if not Q[v]}
        sources = [v for v in range(n) if P[v] and not Q[v]]
        return _search(g, sources, region, stutter, None)
    if kind == "eventually":
        region = {v for v in range(n) if not P[v]}
        return _search(g, [v for v in g.init if not P[v]], region, stutter, None)
    if kind == "always_eventually":
        region = {v for v in range(n) if not P[v]}
        return _search(g, sorted(region), region, stutter, None)
    if kind == "eventually_always":
        return _search(g, list(allnodes), allnodes, stutter, lambda v: not P[v])
    raise ValueError(f"unknown temporal kind {kind}")


def _prefix(g: Graph, v: int) -> list[int]:
    return [g.index[s] for s in path_to(g.seen, g.nodes[v])]


def _search(g: Graph, sources, region: set, stutter: set, must):
    """A lasso: (path to a source) + path inside region to a fair cycle/stutter."""
    if not sources:
        return None
    # nodes of region reachable from the sources inside region
    reach = set()
    q = deque(s for s in sources if s in region)
    reach.update(q)
    while q:
        v = q.popleft()
        for w, _a, _b in g.succ[v]:
            if w in region and w not in reach:
                reach.add(w)
                q.append(w)
    targets = {v for v in reach & stutter if must is None or must(v)}
    comps = [c for c in fair_components(g, reach)
             if must is None or any(must(v) for v in c)]
    in_comp = {}
    for k, c in enumerate(comps):
        for v in c:
            in_comp[v] = k
    goal_nodes = targets | set(in_comp)
    if not goal_nodes:
        return None
    # shortest: source -> goal inside region, sources ordered by BFS depth
    order = sorted((s for s in sources if s in reach), key=lambda s: len(_prefix(g, s)))
    best = None
    for s in order[:200]:
        path = _bfs(g, [s], reach, lambda v: v in goal_nodes)
        if path is not None:
            pre = _prefix(g, s)
            cand = pre[:-1] + path
            if best is None or len(cand) < len(best):
                best = cand
    if best is None:
        return None
    end = best[-1]
    if end in targets and end not in in_comp:
        return Lasso(best, len(best) - 1, {})
    cyc, labels = _cycle(g, comps[in_comp[end]],
                         must_visit=None if must is None else must)
    # rotate the cycle to start at `end` when it passes there; else walk to it
    if end in cyc:
        k = cyc.index(end)
        cyc = cyc[k:] + cyc[:k]
        return Lasso(best[:-1] + cyc, len(best) - 1, labels)
    walk = _bfs(g, [end], comps[in_comp[end]], lambda v: v == cyc[0])
    nodes = best[:-1] + walk[:-1] + cyc
    return Lasso(nodes, len(best) - 1 + len(walk) - 1, labels)


def lasso_trace(g: Graph, lasso: Lasso) -> Trace:
    from .trace import find_step
    prog = g.prog
    lay = prog.layout
    nodes = lasso.nodes
    steps = [Step(None, (), lay.canonical(g.nodes[nodes[0]]))]
    for u, v in zip(nodes, nodes[1:]):
        ai, b = lasso.labels.get((u, v)) or find_step(prog, g.nodes[u], g.nodes[v])
        a = prog.spec.actions[ai]
        args = tuple(canon(p.type, x) for p, x in zip(a.params, b))
        steps.append(Step(a.name, args, lay.canonical(g.nodes[v])))
    kind = "counterexample"
    loop = lasso.loop_start if lasso.loop_start >= 0 else None
    return Trace(steps, kind, loop)
