"""The reachable state graph in compressed sparse row (CSR) arrays.

After an exhaustive search, the temporal checks, coverage and the DOT
drawing need every transition with its action and binding.  Stored as
Python lists of tuples that costs some 2 KB per state; here it is three
numpy arrays and no per-edge Python object:

* ``offsets`` (n + 1, int64): the edges of node ``i`` are
  ``offsets[i]:offsets[i + 1]``;
* ``targets`` (int32): the target node of each edge;
* ``labels`` (uint16 or int32): the *binding id* of each edge, an index into
  ``actions``/``bindings`` (one id per action and binding, in action order).

Nodes are numbered in the search's insertion order (breadth-first: a node's
depth never decreases with its number), and the edges of a node come in
action order, binding order, then the order the action produced them: the
order in which ``trace.find_step`` tries them, so "the first edge from u to
v" is the step a trace shows.  Every successor is an edge (duplicates kept).

The edges are produced by a generated function like the search's level
function (same statement compiler, same predecoded fields) whose path end
appends the successor and the binding id instead of inserting into the seen
table; a runtime error in an action ends that action's paths for the state
(as in the trace functions, where it is collected and ignored): it is
reported by the search, not here.  Successors are mapped to node numbers a
chunk at a time: by ``numpy.searchsorted`` over the sorted states when a
state fits in 64 bits, else through a dict.
"""
from __future__ import annotations

from array import array

import numpy as np

from .compile import Program
from .edges import CHUNK, binding_ids, edge_function  # noqa: F401  (binding_ids: re-exported)


class StateIndex:
    """Packed state -> node number."""

    def __init__(self, nodes: list[int], bits: int):
        self.fits = bits <= 64
        if self.fits:
            keys = np.fromiter(nodes, dtype=np.uint64, count=len(nodes))
            self.order = np.argsort(keys, kind="stable").astype(np.int32)
            self.sorted = keys[self.order]
            self.table = None
        else:
            self.table = {s: i for i, s in enumerate(nodes)}

    def lookup(self, states: list[int]) -> np.ndarray:
        if not self.fits:
            return np.fromiter(map(self.table.__getitem__, states), dtype=np.int32,
                               count=len(states))
        keys = np.fromiter(states, dtype=np.uint64, count=len(states))
        return self.order[np.searchsorted(self.sorted, keys)]


class StateGraph:
    """The whole reachable graph of an exhaustive search (``seen``: state ->
    parent, in insertion order)."""

    def __init__(self, prog: Program, seen: dict):
        self.prog = prog
        self.seen = seen
        self.nodes = list(seen)
        self.n = n = len(self.nodes)
        self.init = [i for i in range(n) if seen[self.nodes[i]] is None] if n else []
        self.first_gid = binding_ids(prog)
        self.gid_action = np.array([ai for ai, bs in enumerate(prog.bindings) for _ in bs], dtype=np.int32)
        self.gid_binding = [b for bs in prog.bindings for b in bs]
        index = StateIndex(self.nodes, prog.layout.total_bits)
        fn = edge_function(prog)
        offsets = array("q", [0])
        labels = array("H" if len(self.gid_binding) < 65536 else "i")
        parts: list[np.ndarray] = []
        tgt: list = []
        self.parent = np.full(n, -1, dtype=np.int32)   # the search's parent of each node
        for i in range(0, n, CHUNK):
            chunk = self.nodes[i:i + CHUNK]
            fn(chunk, tgt, labels.append, offsets.append, offsets[-1])
            parts.append(index.lookup(tgt))
            tgt.clear()
            ps = [seen[s] for s in chunk]
            has = [k for k, p in enumerate(ps) if p is not None]
            if has:
                self.parent[np.array(has) + i] = index.lookup([ps[k] for k in has])
        del index
        self.offsets = np.frombuffer(offsets, dtype=np.int64)
        self.targets = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        self.labels = np.frombuffer(labels, dtype=np.uint16 if labels.typecode == "H" else np.int32)
        self.degree = np.diff(self.offsets)
        self._sources = None

    @property
    def edges(self) -> int:
        return int(self.targets.size)

    @property
    def sources(self) -> np.ndarray:
        """The source node of every edge (built on first use)."""
        if self._sources is None:
            self._sources = np.repeat(np.arange(self.n, dtype=np.int32), self.degree)
        return self._sources

    def succ(self, v: int):
        """(target, action index, binding) of every edge of node v, in order."""
        lo, hi = int(self.offsets[v]), int(self.offsets[v + 1])
        for t, gid in zip(self.targets[lo:hi].tolist(), self.labels[lo:hi].tolist()):
            yield t, int(self.gid_action[gid]), self.gid_binding[gid]

    def step(self, u: int, v: int) -> tuple[int, tuple]:
        """(action index, binding) of the first edge from u to v."""
        lo, hi = int(self.offsets[u]), int(self.offsets[u + 1])
        k = lo + int(np.flatnonzero(self.targets[lo:hi] == v)[0])
        gid = int(self.labels[k])
        return int(self.gid_action[gid]), self.gid_binding[gid]

    def path_to(self, v: int) -> list[int]:
        """The search's (shortest) path from an initial node to node v."""
        path = [v]
        parent = self.parent
        while parent[path[-1]] >= 0:
            path.append(int(parent[path[-1]]))
        return path[::-1]

    def nbytes(self) -> int:
        return self.offsets.nbytes + self.targets.nbytes + self.labels.nbytes + self.parent.nbytes
