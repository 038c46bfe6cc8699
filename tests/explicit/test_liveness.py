"""Temporal properties on the explicit reachable graph (fair lassos)."""
from __future__ import annotations

import pytest

from checker.explicit.engine import check
from checker.options import Options
from checker.results import Verdict

lang = pytest.importorskip("checker.lang")


def run(text, **kw):
    return check(lang.load_text(text, "t.spec"), Options(**kw))


def spin(fair: str, guard: str) -> str:
    return f"""spec spin
var x: 0..1 = 0
var done: bool = false
action spin {{ x = 1 - x }}
{fair} action finish {{ require {guard} and not done; done = true }}
property ev: eventually done
property inf: always eventually x == 1
property stable: eventually always done
property leads: x == 1 ~> done
property safe: always x <= 1
"""


def verdicts(r):
    return {p.name: p.verdict for p in r.properties if p.kind == "property"}


def test_without_fairness_spinning_forever_violates():
    r = run(spin("", "true"))
    v = verdicts(r)
    assert v["ev"] is Verdict.VIOLATED and v["stable"] is Verdict.VIOLATED
    assert v["leads"] is Verdict.VIOLATED
    assert v["inf"] is Verdict.HOLDS is r.get("safe").verdict
    tr = r.get("ev").trace
    # init then spin forever: the loop is x = 1, x = 0 with done false
    assert tr.loop_start is not None
    assert all(s.state["done"] is False for s in tr.steps)
    assert {s.action for s in tr.steps[1:]} == {"spin"}


def test_weak_fairness_forces_a_continuously_enabled_action():
    v = verdicts(run(spin("fair", "true")))
    assert v["ev"] is Verdict.HOLDS and v["stable"] is Verdict.HOLDS and v["leads"] is Verdict.HOLDS


def test_weak_fairness_is_not_enough_when_the_action_flickers():
    r = run(spin("fair", "x == 0"))
    assert verdicts(r)["ev"] is Verdict.VIOLATED
    tr = r.get("ev").trace
    assert [s.state["x"] for s in tr.steps[tr.loop_start:]] in ([0, 1], [1, 0])


def test_strong_fairness_handles_the_flickering_action():
    v = verdicts(run(spin("strong fair", "x == 0")))
    assert v["ev"] is Verdict.HOLDS and v["leads"] is Verdict.HOLDS


def test_deadlock_stutters_and_bounded_is_unknown():
    text = """spec stop
var x: 0..2 = 0
action step { require x < 2; x = x + 1 }
property reaches_one: always eventually x == 1
property ends_two: eventually always x == 2
"""
    r = run(text, check_deadlock=False)
    v = verdicts(r)
    assert v["reaches_one"] is Verdict.VIOLATED and v["ends_two"] is Verdict.HOLDS
    tr = r.get("reaches_one").trace
    assert [s.state["x"] for s in tr.steps] == [0, 1, 2] and tr.loop_start == 2
    r = run(text, check_deadlock=False, max_depth=1)
    assert all(v is Verdict.UNKNOWN for v in verdicts(r).values())


PETERSON = """spec peterson
type P = 0..1
var flag: map<P, bool> = [p in P -> false]
var turn: P = 0
process proc(self: P) {
  loop {
    raise: { flag[self] = true }
    yield_: { turn = 1 - self }
    wait: { await not flag[1 - self] or turn == self }
    crit: { }
    exit: { flag[self] = false }
  }
}
invariant mutex: not (proc[0].pc == crit and proc[1].pc == crit)
property progress: proc[0].pc == wait ~> proc[0].pc == crit
property progress1: proc[1].pc == raise ~> proc[1].pc == crit
"""


def test_peterson_without_fairness():
    r = run(PETERSON)
    assert r.stats.states == 26
    assert r.get("progress").verdict is Verdict.HOLDS
    p = r.get("progress1")
    assert p.verdict is Verdict.VIOLATED and len(p.trace) == 6 and p.trace.loop_start == 2
    assert p.trace.steps[1].label() == "proc(0).raise"


def test_peterson_with_fair_processes():
    r = run(PETERSON.replace("process proc", "fair process proc"))
    assert r.get("progress1").verdict is Verdict.HOLDS


def test_checking_only_a_temporal_property_explores_the_whole_graph():
    # regression: with --property naming only a temporal property, the search
    # stopped at depth 0 ("every checked property is already decided") -> unknown
    from checker import check
    text = ("spec t\nvar x: 0..2 = 0\nvar done: bool = false\naction step { require x < 2; x = x + 1 }\n"
            "action back { require x == 2; x = 1 }\naction finish { require x == 2; done = true }\n"
            "property finishes: eventually done\n")
    r = check(text, properties=("finishes",), check_deadlock=False)
    p = r.get("finishes")
    assert r.exhaustive and r.stats.states == 5  # x in 0..2 with done false, and x in 1..2 with done true
    assert p.verdict.value == "violated" and p.trace.loop_start is not None


WIDE = """spec wide
type I = 0..9
var m: map<I, 0..255> = [i in I -> 0]
var k: 0..1 = 0
fair action bump { require m[k] < 3; m[k] = m[k] + 1 }
action next { k = 1 - k }
action reset { require m[k] == 3; m[k] = 0 }
property all_three: eventually m[0] == 3
property k_moves: k == 0 ~> k == 1
property back: always eventually m[0] == 0
"""


def test_states_wider_than_64_bits():
    """81-bit states: the graph maps successors to nodes through a dict
    instead of numpy's sorted uint64 keys; the verdicts and lassos are pinned."""
    from checker.explicit.compile import Program
    spec = lang.load_text(WIDE, "t.spec")
    assert Program(spec).layout.total_bits == 81
    r = check(spec, Options())
    assert r.stats.states == 32
    got = {p.name: (p.verdict.value, len(p.trace), p.trace.loop_start)
           for p in r.properties if p.kind == "property"}
    # bump is weakly fair but `next` may flip k away from 0 for ever: m[0] never reaches 3
    assert got == {"all_three": ("violated", 5, 0), "k_moves": ("violated", 3, 0), "back": ("violated", 6, 1)}


@pytest.mark.parametrize("path", ["spec/breaker.spec", "spec/breaker_fixed.spec", "tests/catalog/specs/peterson.spec",
                                  "spec/config_fixed.spec", "spec/registry.spec"])
def test_stored_graph_has_exactly_the_transitions_of_the_trace_functions(path):
    """The generated edge function (csr.py) against the per-action trace
    functions that rebuild counterexamples: same edges, same order, same labels."""
    import os

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    _same_as_trace_functions(lang.load_file(os.path.join(root, path)))


MANY_BINDINGS = """spec many
var x: 0..99 = 0
var y: 0..3 = 0
fair action put(v: 0..99, w: 0..1) { require v != x; x = v; y = (y + w) % 4 }
action stop { require x == 99; y = 0 }
property y_zero: always eventually y == 0
"""


def test_stored_graph_of_an_action_with_more_bindings_than_are_specialised():
    """200 bindings: the edge function loops over them (binding id a variable)."""
    from checker.explicit.compile import SPECIALISE_MAX
    spec = lang.load_text(MANY_BINDINGS, "t.spec")
    assert len(list(spec.actions[0].bindings())) == 200 > SPECIALISE_MAX
    _same_as_trace_functions(spec)
    r = check(spec, Options())
    # weak fairness per binding: a cycle through every value of x disables
    # every put(v, w) somewhere, so it may keep w = 0 and y = 1 for ever
    p = r.get("y_zero")
    assert r.stats.states == 400 and p.verdict is Verdict.VIOLATED
    assert (len(p.trace), p.trace.loop_start) == (300, 1)
    assert all(s.state["y"] == 1 for s in p.trace.steps[1:])


def _same_as_trace_functions(spec):
    from checker.explicit.compile import Program
    from checker.explicit.csr import StateGraph
    from checker.explicit.search import bfs
    prog = Program(spec)
    out = bfs(prog, Options(check_deadlock=False), [], False, False, [], True)
    sg = StateGraph(prog, out.seen)
    index = {s: i for i, s in enumerate(sg.nodes)}
    assert sg.n == len(out.seen) and sg.edges == out.transitions
    for i, s in enumerate(sg.nodes):
        want = []
        for ai, binds in enumerate(prog.bindings):
            for b in binds:
                succ: list = []
                prog.trace_fns[ai](s, succ, [], b)
                want += [(index[t], ai, b) for t in succ]
        assert list(sg.succ(i)) == want
        p = out.seen[s]
        assert sg.parent[i] == (-1 if p is None else index[p])
    # the fairness groups enabled in each state (a bitset) against the edges
    from checker.explicit.liveness import Graph
    g = Graph(prog, out.seen)
    first = [0]
    for binds in prog.bindings:
        first.append(first[-1] + len(binds))
    for i in range(sg.n):
        want = set()
        for _t, ai, b in sg.succ(i):
            want.update(g.gid_groups[first[ai] + prog.bindings[ai].index(b)])
        got = {gr for gr in range(len(g.group_keys)) if int(g.enabled[i, gr // 64]) >> (gr % 64) & 1}
        assert got == want, i


def test_enabled_groups_of_the_state_before_trailing_deadlocks():
    """Regression: the per-state bitset was reduced over edge ranges clipped
    at the end of the array, so the last state with edges lost its last
    edge's group when deadlocked states (no edges) came after it."""
    from checker.explicit.compile import Program
    from checker.explicit.liveness import Graph
    from checker.explicit.search import bfs
    spec = lang.load_text("spec t\nvar x: 0..3 = 0\nfair action go { require x == 0; x = 1 }\n"
                          "fair action p { require x == 1; x = 2 }\nfair action q { require x == 1; x = 3 }\n",
                          "t.spec")
    prog = Program(spec)
    out = bfs(prog, Options(check_deadlock=False), [], False, False, [], True)
    g = Graph(prog, out.seen)
    assert [int(w) for w in g.enabled[:, 0]] == [0b001, 0b110, 0, 0]   # groups go, p, q (sorted by fairness)


# Two parameter values of `down` reach the same state: parallel edges.  With
# scipy 1.17, strong components on a graph with a repeated edge never
# returned (in C, deaf to signals); found by the random temporal cross-check.
PARALLEL_EDGES = """spec parallel
var x: 0..1 = 1
var y: 0..1 = 0
action down(p: 0..1) { require x == 1; x = 0 }
action spin(p: 0..1) { require x == 0; y = 1 - y }
property ev: eventually y == 1
property ae: always eventually x == 1
"""


def test_parallel_edges_do_not_hang_the_component_search():
    import subprocess
    import sys
    code = ("import checker, json; r = checker.check(open(0).read()); "
            "print(json.dumps({p.name: [p.verdict.value, len(p.trace) if p.trace else None] for p in r.properties}))")
    out = subprocess.run([sys.executable, "-c", code], input=PARALLEL_EDGES, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    import json
    got = json.loads(out.stdout)
    # ev: from x=0 spin flips y forever, so y == 1 one step later: holds;
    # ae: x never returns to 1 (a lasso of 2 steps: down, then spin forever)
    assert got["ev"] == ["holds", None]
    assert got["ae"][0] == "violated"
