"""Temporal properties (ir.Temporal) on the explicit reachable graph.

After an exhaustive search the whole graph is stored in CSR arrays
(csr.StateGraph: edges labelled with their action and binding), and each
property is decided by looking for a *fair* violating cycle (or a state with
no successor, which stutters forever and is fair: no group is enabled there):

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

Under ``--semantics tla`` and a ``constraint`` (TLC's CONSTRAINT) the states
outside it are left out of the behaviour graph, as TLC does (it adds a
successor to the liveness graph only when the successor is inside the model):
an edge into such a state is dropped, but the group it belongs to stays
*enabled* in its source, so a behaviour that could only go on by leaving the
constraint stutters there and is unfair if a fair group is enabled.  Under
the default semantics a state outside a constraint is a state with no step
(the front end guards every action with the constraint), which stutters
forever, as in every other engine.

Everything works on whole arrays (numpy): the strongly connected components
come from scipy's iterative algorithm (no recursion), the fairness groups
enabled in a state are a bitset per state (one uint64 word per 64 groups),
and breadth-first searches expand a whole level at a time.  The searches
that build a lasso reproduce a node-at-a-time breadth-first search exactly
(the queue order is the first-discovery order within a level), so the
lassos are the same as those of a plain queue-based search.
"""
from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from .. import ir
from ..results import Step, Trace
from .compile import Program
from .csr import StateGraph
from .layout import canon

NODE_BLOCK = 1 << 16   # nodes whose edges are gathered at a time when building a cycle
MAX_SOURCES = 200   # a lasso's stem starts at the best of the first (shallowest) sources


class Graph:
    """The reachable graph plus the fairness groups of the spec.

    A *group* is one fairness constraint and one value of its key
    parameters; groups are numbered in sorted (constraint, key) order."""

    def __init__(self, prog: Program, seen: dict, tla: bool = False):
        self.prog = prog
        # TLA+ semantics (--semantics tla): a self-loop (a step that changes
        # nothing) neither enables nor takes a fairness group, and every
        # state may stutter forever (fairly where no fair group is enabled)
        self.tla = tla
        self.sg = sg = StateGraph(prog, seen)
        self.nodes, self.seen, self.init, self.n = sg.nodes, seen, sg.init, sg.n
        fair = tuple(getattr(prog.spec, "fairness", ()))
        actions = prog.spec.actions
        gid_groups: list[list] = []
        keys: set = set()
        for ai, a in enumerate(actions):
            for b in prog.bindings[ai]:
                gs = [(fi, b[:f.key_params]) for fi, f in enumerate(fair) if a.name in f.actions]
                gid_groups.append(gs)
                keys.update(gs)
        self.group_keys = sorted(keys)
        number = {k: i for i, k in enumerate(self.group_keys)}
        self.gid_groups = [[number[k] for k in gs] for gs in gid_groups]
        ng = len(self.group_keys)
        self.words = w = (ng + 63) // 64
        self.gid_bits = np.zeros((len(gid_groups), w), dtype=np.uint64)
        for gid, gs in enumerate(self.gid_groups):
            for gr in gs:
                self.gid_bits[gid, gr // 64] |= np.uint64(1 << (gr % 64))
        self.weak = np.zeros(w, dtype=np.uint64)
        self.strong = np.zeros(w, dtype=np.uint64)
        for gr, (fi, _key) in enumerate(self.group_keys):
            side = self.weak if fair[fi].kind == "weak" else self.strong
            side[gr // 64] |= np.uint64(1 << (gr % 64))
        self.enabled = self._enabled_bits()
        self.inside = self._inside()

    def _enabled_bits(self) -> np.ndarray:
        """(n, words): the groups with a transition from each state."""
        sg = self.sg
        out = np.zeros((sg.n, self.words), dtype=np.uint64)
        if not self.words or not sg.edges:
            return out
        step = 1 << 16
        for a in range(0, sg.n, step):
            b = min(a + step, sg.n)
            lo, hi = int(sg.offsets[a]), int(sg.offsets[b])
            if hi == lo:
                continue
            bits = self.gid_bits[sg.labels[lo:hi]]
            if self.tla:   # ENABLED <<A>>_vars: only steps that change the state
                bits = np.where((sg.targets[lo:hi] != sg.sources[lo:hi])[:, None], bits, np.uint64(0))
            has = np.flatnonzero(sg.degree[a:b] > 0)
            # nodes with edges only: their edge ranges are consecutive and cover lo:hi
            out[a + has] = np.bitwise_or.reduceat(bits, sg.offsets[a:b][has] - lo, axis=0)
        return out

    def _inside(self) -> np.ndarray | None:
        """Which nodes satisfy every ``constraint`` (None: no constraint, or the
        default semantics, where the outside states are ordinary dead ends)."""
        spec = self.prog.spec
        if not self.tla or not getattr(spec, "constraints", ()):
            return None
        from .constrained import inside_mask
        return inside_mask(self.prog, self.nodes)

    def stutter_mask(self) -> np.ndarray:
        """The nodes where a behaviour may end by stuttering forever, fairly."""
        sg, n = self.sg, self.n
        unfair = ((self.enabled & (self.weak | self.strong)) != 0).any(axis=1) if self.words \
            else np.zeros(n, dtype=bool)
        if self.tla:   # any state may stutter forever, fairly where no fair group is enabled
            return ~unfair if self.inside is None else ~unfair & self.inside
        return sg.degree == 0

    def succ(self, v: int):
        return self.sg.succ(v)


def predicate(prog: Program, expr: ir.Expr):
    """A Python function s -> bool (an evaluation error counts as false)."""
    return prog.predicate(expr)


# ------------------------------------------------------------ array helpers

def _expand(sg: StateGraph, frontier: np.ndarray):
    """(edge positions, targets, sources) of every edge leaving frontier, in
    frontier order then edge order."""
    lens = sg.degree[frontier]
    total = int(lens.sum())
    if total == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e.astype(np.int32), e.astype(np.int32)
    first = np.cumsum(lens) - lens
    idx = np.repeat(sg.offsets[frontier] - first, lens) + np.arange(total)
    return idx, sg.targets[idx], np.repeat(frontier, lens)


def _bfs(g: Graph, sources, allowed: np.ndarray, goal: np.ndarray) -> list[int] | None:
    """Shortest path (node list) from a source to a goal node inside allowed;
    the same path a queue-based search finds (sources tried in order, goal
    tested when a node leaves the queue, first discoverer is the parent)."""
    sg = g.sg
    src = [s for s in dict.fromkeys(int(x) for x in sources) if allowed[s]]
    if not src:
        return None
    seen = np.zeros(sg.n, dtype=bool)
    frontier = np.array(src, dtype=np.int32)
    seen[frontier] = True
    levels = []
    while frontier.size:
        hits = np.flatnonzero(goal[frontier])
        if hits.size:
            v = int(frontier[hits[0]])
            path = [v]
            for k in range(len(levels) - 1, -1, -1):
                nodes, pars = levels[k]
                v = int(pars[np.searchsorted(nodes, v)])
                path.append(v)
            return path[::-1]
        _, tg, par = _expand(sg, frontier)
        ok = allowed[tg] & ~seen[tg]
        tg, par = tg[ok], par[ok]
        _, first = np.unique(tg, return_index=True)
        first.sort()
        frontier, pars = tg[first], par[first]
        seen[frontier] = True
        order = np.argsort(frontier)
        levels.append((frontier[order], pars[order]))
    return None


def _reach(g: Graph, sources: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Mask of the nodes reachable from sources inside allowed."""
    sg = g.sg
    mask = np.zeros(sg.n, dtype=bool)
    frontier = sources[allowed[sources]]
    mask[frontier] = True
    while frontier.size:
        new = []
        for lo in range(0, frontier.size, NODE_BLOCK):
            _, tg, _ = _expand(sg, frontier[lo:lo + NODE_BLOCK])
            tg = np.unique(tg[allowed[tg] & ~mask[tg]])
            mask[tg] = True
            new.append(tg)
        frontier = np.concatenate(new)
    return mask


def _distance_to(g: Graph, goal: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Steps from each node to the nearest goal node inside allowed (-1: none)."""
    sg = g.sg
    keep = allowed[sg.sources] & allowed[sg.targets]
    rs, rt = sg.sources[keep], sg.targets[keep]
    order = np.argsort(rt, kind="stable")
    back = rs[order]
    off = np.zeros(sg.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rt, minlength=sg.n), out=off[1:])
    del rs, rt, order, keep
    dist = np.full(sg.n, -1, dtype=np.int64)
    frontier = np.flatnonzero(goal & allowed)
    dist[frontier] = 0
    d = 0
    while frontier.size:
        d += 1
        lens = off[frontier + 1] - off[frontier]
        total = int(lens.sum())
        if not total:
            break
        first = np.cumsum(lens) - lens
        pre = back[np.repeat(off[frontier] - first, lens) + np.arange(total)]
        pre = np.unique(pre[dist[pre] < 0])
        dist[pre] = d
        frontier = pre
    return dist


# ------------------------------------------------------------ fair components

EDGE_BLOCK = 1 << 20   # edges handled at a time after the components are known (bounds the scratch arrays)


def _sccs(g: Graph, alive: np.ndarray) -> tuple[int, np.ndarray]:
    """Strongly connected components of the subgraph induced by alive.  An
    edge leaving it is redirected to its source (a self-loop joins nothing),
    so the stored CSR arrays are reused: one int32 copy of the targets."""
    sg = g.sg
    tg = np.where(alive[sg.targets] & alive[sg.sources], sg.targets, sg.sources)
    # a copy either way: sum_duplicates below rewrites the index arrays
    ptr = sg.offsets.copy() if sg.edges >= 2**31 else sg.offsets.astype(np.int32)
    ones = np.ones(tg.shape, dtype=np.int8)              # scipy reads only the structure
    mat = csr_matrix((ones, tg, ptr), shape=(sg.n, sg.n))
    # parallel edges (two actions, or two parameter values, with the same
    # source and target; or two redirected edges) must go: scipy 1.17's
    # strong components never return on a row with a repeated column, in C,
    # where no signal or timeout can stop them (tests/explicit/test_liveness_graph.py)
    mat.sum_duplicates()
    return connected_components(mat, directed=True, connection="strong")


def fair_components(g: Graph, nodes: np.ndarray) -> tuple[np.ndarray, int]:
    """Maximal fair strongly connected sets (with at least one internal edge)
    inside the node mask: (component number per node, -1 for none; count)."""
    sg = g.sg
    n, w = sg.n, g.words
    result = np.full(n, -1, dtype=np.int32)
    count = 0
    alive = nodes.copy()
    while alive.any():
        ncomp, lab = _sccs(g, alive)
        has_edge = np.zeros(ncomp, dtype=bool)
        taken = np.zeros((ncomp, w), dtype=np.uint64)
        for lo in range(0, sg.edges, EDGE_BLOCK):
            es, et = sg.sources[lo:lo + EDGE_BLOCK], sg.targets[lo:lo + EDGE_BLOCK]
            inside = alive[es] & alive[et]
            inside &= lab[es] == lab[et]
            ci = lab[es[inside]]
            has_edge[ci] = True
            if w:
                if g.tla:   # <<A>>_vars: a step that changes nothing is not A taken
                    inside &= es != et
                    ci = lab[es[inside]]
                bits = g.gid_bits[sg.labels[lo:lo + EDGE_BLOCK][inside]]
                for k in range(w):
                    np.bitwise_or.at(taken[:, k], ci, bits[:, k])
        members = np.flatnonzero(alive)
        lm = lab[members]
        any_en = np.zeros((ncomp, w), dtype=np.uint64)
        all_en = np.full((ncomp, w), ~np.uint64(0), dtype=np.uint64)
        if w:
            en = g.enabled[members]
            for k in range(w):
                np.bitwise_or.at(any_en[:, k], lm, en[:, k])
                np.bitwise_and.at(all_en[:, k], lm, en[:, k])
            del en
        unfair = ((all_en & g.weak & ~taken) != 0).any(axis=1)
        missing = any_en & g.strong & ~taken
        has_missing = (missing != 0).any(axis=1)
        accept = has_edge & ~unfair & ~has_missing
        split = has_edge & ~unfair & has_missing
        acc = members[accept[lm]]
        if acc.size:
            ids, local = np.unique(lab[acc], return_inverse=True)
            result[acc] = count + local
            count += ids.size
        stay = members[split[lm]]
        alive = np.zeros(n, dtype=bool)
        if stay.size:
            drop = ((g.enabled[stay] & missing[lab[stay]]) != 0).any(axis=1)
            alive[stay[~drop]] = True
    return result, count


# ------------------------------------------------------------ lassos

class Lasso:
    def __init__(self, nodes: list[int], loop_start: int, labels: dict):
        self.nodes = nodes
        self.loop_start = loop_start
        self.labels = labels     # (u, v) -> (ai, b) chosen for a fairness-relevant edge


def _one(n: int, v: int) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    m[v] = True
    return m


def _cycle(g: Graph, comp: np.ndarray, must=None) -> tuple[list[int], dict]:
    """A cycle inside the node mask comp (its last node leads back to its
    first) taking one edge of every fairness group taken inside comp, passing
    a state where each group never taken is disabled, and starting at the
    first node of comp (the first where must holds, if given)."""
    sg = g.sg
    n = sg.n
    members = np.flatnonzero(comp if must is None else comp & must)
    start = int(members[0])
    cyc = [start]
    labels: dict = {}
    # an edge is taken into the cycle when it is the first inside comp (in
    # node order, then edge order) of one of its groups; blocks of nodes
    # bound the scratch arrays
    ngr = np.array([len(x) for x in g.gid_groups], dtype=np.int64)
    flat = np.array([gr for gs in g.gid_groups for gr in gs], dtype=np.int64)
    start_of = np.cumsum(ngr) - ngr
    found = np.zeros(len(g.group_keys), dtype=bool)
    pick: list = []
    nodes = np.flatnonzero(comp) if flat.size else np.zeros(0, dtype=np.int64)
    for lo in range(0, nodes.size, NODE_BLOCK):
        idx, tg, src = _expand(sg, nodes[lo:lo + NODE_BLOCK])
        gids = sg.labels[idx].astype(np.int64)
        keep = comp[tg] & (ngr[gids] > 0)
        tg, src, gids = tg[keep], src[keep], gids[keep]
        del idx, keep
        per = ngr[gids]
        total = int(per.sum())
        edge_of = np.repeat(np.arange(gids.size), per)
        gr = flat[np.repeat(start_of[gids] - (np.cumsum(per) - per), per) + np.arange(total)]
        fresh = ~found[gr]
        gr, edge_of = gr[fresh], edge_of[fresh]
        _, first = np.unique(gr, return_index=True)
        for e in sorted(set(edge_of[first].tolist())):
            pick.append((int(src[e]), int(tg[e]), int(gids[e])))
        found[gr] = True
    taken = np.zeros(g.words, dtype=np.uint64)
    for v, w_, gid in pick:
        taken |= g.gid_bits[gid]
        cyc += _bfs(g, [cyc[-1]], comp, _one(n, v))[1:]
        cyc.append(w_)
        labels[(v, w_)] = (int(sg.gid_action[gid]), sg.gid_binding[gid])
    if g.words:
        any_en = np.bitwise_or.reduce(g.enabled[comp], axis=0)
        never = any_en & ~taken
        for gr in range(len(g.group_keys)):
            word, bit = gr // 64, np.uint64(1 << (gr % 64))
            if never[word] & bit:
                off = (g.enabled[:, word] & bit) == 0
                cyc += _bfs(g, [cyc[-1]], comp, off)[1:]
    if len(cyc) == 1:
        return _bfs_cycle(g, start, comp)[:-1], labels
    cyc += _bfs(g, [cyc[-1]], comp, _one(n, start))[1:]
    return cyc[:-1], labels


def _bfs_cycle(g: Graph, start: int, comp: np.ndarray) -> list[int]:
    """start, then a shortest path inside comp back to start."""
    lo, hi = int(g.sg.offsets[start]), int(g.sg.offsets[start + 1])
    first = g.sg.targets[lo:hi]
    return [start] + _bfs(g, first[comp[first]], comp, _one(g.sg.n, start))


def find_violation(g: Graph, prop: ir.Temporal, pred_p, pred_q) -> Lasso | None:
    n = g.n
    P = np.fromiter((pred_p(s) for s in g.nodes), dtype=bool, count=n)
    # the behaviour graph: every node, or the nodes inside the constraints
    everything = np.ones(n, dtype=bool) if g.inside is None else g.inside
    stutter = g.stutter_mask()
    kind = prop.kind
    if kind == "always":
        bad = np.flatnonzero(~P & everything)
        return None if not bad.size else Lasso(_prefix(g, int(bad[0])), -1, {})
    if kind == "leads_to":
        Q = np.fromiter((pred_q(s) for s in g.nodes), dtype=bool, count=n)
        return _search(g, np.flatnonzero(P & ~Q & everything), ~Q & everything, stutter, None)
    if kind == "eventually":
        init = np.array(g.init, dtype=np.int64)
        return _search(g, init[~P[init] & everything[init]] if init.size else init, ~P & everything, stutter, None)
    if kind == "always_eventually":
        return _search(g, np.flatnonzero(~P & everything), ~P & everything, stutter, None)
    if kind == "eventually_always":
        return _search(g, np.flatnonzero(everything), everything, stutter, ~P)
    raise ValueError(f"unknown temporal kind {kind}")


def _prefix(g: Graph, v: int) -> list[int]:
    """The search's (shortest) path from an initial state to node v."""
    return g.sg.path_to(v)


def _search(g: Graph, sources: np.ndarray, region: np.ndarray, stutter: np.ndarray, must):
    """A lasso: (path to a source) + path inside region to a fair cycle/stutter.
    Sources are node numbers in increasing order (so in increasing depth)."""
    if not sources.size:
        return None
    reach = _reach(g, sources, region)
    targets = reach & stutter if must is None else reach & stutter & must
    comp_of, count = fair_components(g, reach)
    if must is not None and count:
        wanted = np.zeros(count, dtype=bool)
        hit = comp_of >= 0
        wanted[comp_of[hit & must]] = True
        comp_of[hit] = np.where(wanted[comp_of[hit]], comp_of[hit], -1)
    in_comp = comp_of >= 0
    goal = targets | in_comp
    if not goal.any():
        return None
    order = sources[reach[sources]][:MAX_SOURCES]
    dist = _distance_to(g, goal, reach)
    best_s, best_len = None, None
    for s in order.tolist():
        if dist[s] < 0:
            continue
        length = len(g.sg.path_to(s)) + int(dist[s])
        if best_len is None or length < best_len:
            best_s, best_len = s, length
    if best_s is None:
        return None
    best = _prefix(g, best_s)[:-1] + _bfs(g, [best_s], reach, goal)
    end = best[-1]
    if targets[end] and not in_comp[end]:
        return Lasso(best, len(best) - 1, {})
    comp = comp_of == comp_of[end]
    cyc, labels = _cycle(g, comp, must)
    # rotate the cycle to start at `end` when it passes there; else walk to it
    if end in cyc:
        k = cyc.index(end)
        cyc = cyc[k:] + cyc[:k]
        return Lasso(best[:-1] + cyc, len(best) - 1, labels)
    walk = _bfs(g, [end], comp, _one(g.n, cyc[0]))
    nodes = best[:-1] + walk[:-1] + cyc
    return Lasso(nodes, len(best) - 1 + len(walk) - 1, labels)


def lasso_trace(g: Graph, lasso: Lasso) -> Trace:
    prog = g.prog
    lay = prog.layout
    nodes = lasso.nodes
    steps = [Step(None, (), lay.canonical(g.nodes[nodes[0]]))]
    for u, v in zip(nodes, nodes[1:]):
        ai, b = lasso.labels.get((u, v)) or g.sg.step(u, v)
        a = prog.spec.actions[ai]
        args = tuple(canon(p.type, x) for p, x in zip(a.params, b))
        steps.append(Step(a.name, args, lay.canonical(g.nodes[v])))
    loop = lasso.loop_start if lasso.loop_start >= 0 else None
    return Trace(steps, "counterexample", loop)
