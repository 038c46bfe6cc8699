"""A path that writes a map entry and then the whole map (or the reverse)
must leave exactly the last values in the state.  Both writes were pending
on the packed state and OR-ed together, so bits of the first survived (found
by the long fuzz tier, seed 8 input 2209: enum values outside their type in
reachable states, then a KeyError building the graph)."""
from __future__ import annotations

import pytest

from checker import interp
from checker.explicit.compile import Program
from checker.explicit.search import bfs
from checker.lang import load_text
from checker.options import Options

HEAD = """spec s
enum E { A, B, C }
var m: map<1..3, E> = [k in 1..3 -> B]
var iv: E = B
var n: 0..2 = 0
"""

BODIES = {
    "entry_then_whole": "if q { m[1] = iv } else { m[3] = A }\n  m = [k in 1..3 -> C]",
    "whole_then_entry": "m = [k in 1..3 -> C]\n  if q { m[1] = iv } else { m[3] = A }",
    "entry_whole_entry": "m[2] = iv\n  m = [k in 1..3 -> A]\n  m[3] = iv\n  iv = m[1]",
    "update_then_entry": "m = update(m, 2, iv)\n  m[2] = C\n  n = (n + 1) % 3",
    "dynamic_key": "m[n + 1] = iv\n  m = [k in 1..3 -> if k == n + 1 then C else m[k]]\n  n = (n + 1) % 3",
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_successors_and_states_match_the_interpreter(name):
    text = HEAD + "action a(q: bool) {\n  " + BODIES[name] + "\n}\naction b { iv = if iv == A then C else A }\n"
    spec = load_text(text, name + ".spec")
    prog = Program(spec)
    out = bfs(prog, Options(check_deadlock=False), [], False, False, [], True)
    lay = prog.layout
    mine = {tuple(lay.canonical(s).values()) for s in out.seen}
    ex = interp.explore(spec, max_states=10_000)
    assert ex.complete and mine == set(ex.states)
    # the trace functions (used for traces and the state graph) agree
    for s in out.seen:
        for ai, binds in enumerate(prog.bindings):
            for b in binds:
                succ: list = []
                prog.trace_fns[ai](s, succ, [], b)
                assert all(t in out.seen for t in succ)
