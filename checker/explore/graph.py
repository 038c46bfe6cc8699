"""The reachable graph for the browser (Cytoscape elements).

Small spaces (at most ``limit`` states) are drawn whole, each node linking to
its shortest path from the initial state; a larger space gets the
neighbourhood of the current state instead: the states the current path
went through and those up to ``radius`` steps after it.
"""
from __future__ import annotations

from collections import deque
from typing import Optional

from .model import Explorer, Position
from .traces import path_url

GRAPH_LIMIT = 500


def _node_text(ex: Explorer, s: int, varying: Optional[list[str]]) -> str:
    from .. import ir

    st = ex.state(s)
    names = varying if varying else list(st)
    return "\n".join(f"{n}={ir.show_value(st[n])}" for n in names)


def whole_graph(ex: Explorer, current: Optional[int] = None, limit: int = GRAPH_LIMIT) -> Optional[dict]:
    """Cytoscape elements of the whole reachable graph, or None past ``limit`` states."""
    paths: dict[int, list[str]] = {}
    queue: deque = deque()
    for k, s in enumerate(ex.initial):
        if s not in paths:
            paths[s] = [f"@{k + 1}"] if len(ex.initial) > 1 else []
            queue.append(s)
    edges: list[tuple[int, int, str]] = []
    while queue:
        s = queue.popleft()
        enabled, _ = ex.transitions(s)
        for t in enabled:
            if t.target is None:
                continue
            if t.target not in paths:
                if len(paths) >= limit:
                    return None
                paths[t.target] = paths[s] + [t.segment]
                queue.append(t.target)
            edges.append((s, t.target, t.label))
    return _elements(ex, paths, edges, set(ex.initial), current)


def neighbourhood(ex: Explorer, pos: Position, radius: int = 2) -> dict:
    paths: dict[int, list[str]] = {}
    for i, s in enumerate(pos.states):
        paths.setdefault(s, pos.segments[:i + (1 if pos.segments[:1] and pos.segments[0].startswith("@") else 0)])
    edges: list[tuple[int, int, str]] = [(a, b, t.label) for a, b, t in zip(pos.states, pos.states[1:], pos.taken)]
    frontier = [pos.states[-1]]
    for _ in range(radius):
        nxt = []
        for s in frontier:
            enabled, _ = ex.transitions(s)
            for t in enabled:
                if t.target is None:
                    continue
                if t.target not in paths:
                    paths[t.target] = paths[s] + [t.segment]
                    nxt.append(t.target)
                edges.append((s, t.target, t.label))
        frontier = nxt
    return _elements(ex, paths, edges, set(ex.initial), pos.states[-1])


def _elements(ex: Explorer, paths: dict, edges: list, initial: set, current: Optional[int]) -> dict:
    states = list(paths)
    values = [ex.state(s) for s in states]
    names = [v.name for v in ex.spec.vars]
    varying = [n for n in names if len({repr(v[n]) for v in values}) > 1]
    ids = {s: f"s{i}" for i, s in enumerate(states)}
    nodes = [{"data": {"id": ids[s], "label": _node_text(ex, s, varying), "href": path_url(paths[s]),
                       "initial": s in initial, "current": s == current}} for s in states]
    seen: dict[tuple, dict] = {}
    for a, b, label in edges:
        if a in ids and b in ids:
            e = seen.setdefault((a, b), {"data": {"id": f"e{len(seen)}", "source": ids[a], "target": ids[b],
                                                  "label": label}})
            if label not in e["data"]["label"].split(" / "):
                e["data"]["label"] += " / " + label
    return {"nodes": nodes, "edges": list(seen.values()), "states": len(nodes), "edge_count": len(seen)}
