"""frozen.py: the leaves no loop of a violating lasso can change.

The claim is checked against whole reachable graphs: every edge of a cycle
inside the property's region (an edge within one strongly connected
component of the region's reachable subgraph) must keep every frozen leaf's
value.  The graphs come from the enum engine (checker/enum/enumerator.py), whose states are
tuples of exactly the leaves frozen.py talks about; they do not use
frozen.py.  The claim is stronger than what the product needs (it holds of
every loop, fair or not), so any cycle is a counterexample to it."""
from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

import networkx as nx
import pytest

from checker import check
from checker.lang import load_file, load_text
from checker.results import Verdict
from checker.options import Options
from checker.symbolic.common import Clock, prepare
from checker.symbolic.frozen import frozen_leaves, region
from checker.enum.enumerator import Enumerator, Evaluator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SLOW_GRAPHS = ("spec/tracing_fixed.spec",)   # its big steps: 40 s to enumerate

# (spec, property, the leaves frozen for it, without assumptions)
CASES = [
    ("spec/orders_breaker.spec", "order_requests_answered",
     ["order.pc[1]", "order.answer[1]", "req[1]", "age[1]", "resp[1]"]),
    ("spec/breaker.spec", None, None),
    ("spec/breaker_fixed.spec", None, None),
    ("spec/orders.spec", None, None),
    ("spec/config_fixed.spec", None, None),
    ("spec/tracing_fixed.spec", None, None),
    ("spec/cap_available.spec", None, None),
    ("spec/cap_consistent.spec", None, None),
]


def _temporal_props(spec, only):
    return [t for t in spec.properties if only is None or t.name == only]


def _check_against_graph(enc, g, ev, t, fixed) -> list[str]:
    reg = region(enc, t)
    inside = {v for v, st in enumerate(g.states) if ev.holds(reg, st)}
    sub = nx.DiGraph()
    sub.add_nodes_from(inside)
    sub.add_edges_from((v, e.target) for v in inside for e in g.edges[v] if e.target in inside)
    comp = {v: i for i, c in enumerate(nx.strongly_connected_components(sub)) for v in c}
    bad = []
    for v, w in sub.edges:
        if comp[v] != comp[w]:
            continue
        for i in fixed:
            if g.states[v][i] != g.states[w][i]:
                bad.append(f"{t.name}: {enc.cur.leaves[i].term} changes on a loop "
                           f"({g.states[v][i]} -> {g.states[w][i]})")
    return bad


@pytest.mark.parametrize("path,only,expected", [
    pytest.param(*c, id=c[0].split("/")[1], marks=[pytest.mark.slow] if c[0] in SLOW_GRAPHS else [])
    for c in CASES])
def test_frozen_leaves_never_change_on_a_loop_of_the_reachable_graph(path, only, expected):
    spec = load_file(os.path.join(ROOT, path))
    enc, _props, _ = prepare(spec, Options(), "pdr", time.monotonic())
    g = Enumerator(enc, 0, Clock(None)).run()
    ev = Evaluator(enc, 0, Clock(None))
    problems, found_any = [], False
    for t in _temporal_props(spec, only):
        fixed = frozen_leaves(enc, t, [], 0, Clock(None))
        found_any = found_any or bool(fixed)
        if expected is not None:
            assert [str(enc.cur.leaves[i].term) for i in fixed] == expected
        problems += _check_against_graph(enc, g, ev, t, fixed)
    assert problems == []
    assert found_any, "no leaf frozen: the check above would be vacuous"


COUNTER = """
spec counter
var x: 0..3 = 0
var y: bool = false
var done: bool = false
fair action inc { require x < 3  x = x + 1 }
fair action flip { y = not y }
fair action finish { require x == 3  done = true }
property finishes: x == 0 ~> done
"""


def test_only_what_no_loop_can_change_is_frozen():
    # while `done` is false: x only grows (frozen), y flips back and forth
    # (not frozen), done itself does not change (frozen)
    spec = load_text(COUNTER, "counter.spec", {})
    enc, _props, _ = prepare(spec, Options(), "pdr", time.monotonic())
    (t,) = spec.properties
    fixed = frozen_leaves(enc, t, [], 0, Clock(None))
    assert sorted(str(enc.cur.leaves[i].term) for i in fixed) == ["done", "x"]


def _pdr_orders_breaker():
    with open(os.path.join(ROOT, "spec", "orders_breaker.spec")) as f:
        r = check(f.read(), engine="pdr", properties=["order_requests_answered"],
                  solver_rlimit=500_000_000)
    (p,) = r.properties
    return p.verdict, p.method, p.detail, p.evidence


def test_pdr_proves_that_every_order_request_is_answered():
    # The last property of spec/ without a symbolic proof until frozen.py:
    # PDR was unknown after 900 s; with client 1's pc, request, answer, age
    # and response held fixed on the loop it is proved (about 80 s here).
    # A fresh process: Spacer's answer depends on what the process built.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        verdict, method, detail, evidence = pool.submit(_pdr_orders_breaker).result()
    assert verdict is Verdict.HOLDS, detail
    assert method == "PDR (Spacer) on the liveness-to-safety product"
    assert "held fixed on the loop" in detail and "req[1]" in detail and "age[1]" in detail
    assert {"req[1]", "age[1]"} <= set(evidence.frozen) and evidence.on_product
