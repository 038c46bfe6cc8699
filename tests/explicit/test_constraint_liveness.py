"""Temporal properties under a ``constraint`` with ``--semantics tla`` follow
TLC: the states outside it are not in the behaviour graph, an edge into one
is dropped, and the fairness group of that edge stays enabled in its source
(liveness.py).  The default semantics keeps the outside state as a dead end
that stutters forever."""
from __future__ import annotations

import json

from checker import cli

SPEC = """spec c
var x: 0..5 = 0
fair action inc { require x < 5; x = x + 1 }
action back { require x == 2; x = 1 }
constraint small: x <= 2
property returns: always eventually x == 0
property grows: eventually x == 2
property settles: eventually always x == 2
property bounded: eventually always x <= 2
"""


def _props(tmp_path, capsys, *args):
    f = tmp_path / "c.spec"
    f.write_text(SPEC)
    code = cli.main([str(f), "--json", *args])
    [r] = json.loads(capsys.readouterr().out)["results"]
    return code, {p["name"]: p for p in r["properties"]}


def test_a_fair_cycle_inside_the_constraint_is_still_a_violation(tmp_path, capsys):
    code, props = _props(tmp_path, capsys, "--semantics", "tla")
    assert code == 1
    lasso = props["returns"]["trace"]
    xs = [s["state"]["x"] for s in lasso["steps"]]
    assert xs == [0, 1, 2]                      # then back to 1: inc is taken on the loop
    assert lasso["loop_start"] == 1
    assert all(x <= 2 for x in xs)              # never through the state outside (x = 3)


def test_leaving_the_constraint_is_no_behaviour_end(tmp_path, capsys):
    # x = 2 has inc enabled (to x = 3, outside): stopping there is unfair, so
    # "eventually always x == 2" cannot be violated by a behaviour ending at
    # 3, and the only fair behaviours loop 1 -> 2 -> 1
    code, props = _props(tmp_path, capsys, "--semantics", "tla")
    assert props["grows"]["verdict"] == "holds"
    assert props["settles"]["verdict"] == "violated"
    assert all(s["state"]["x"] <= 2 for s in props["settles"]["trace"]["steps"])


def test_default_semantics_a_behaviour_may_end_outside_the_constraint(tmp_path, capsys):
    code, props = _props(tmp_path, capsys)
    steps = props["bounded"]["trace"]["steps"]
    assert props["bounded"]["verdict"] == "violated"
    assert [s["state"]["x"] for s in steps] == [0, 1, 2, 3]   # ends at the dead end outside (x = 3)
    assert props["bounded"]["trace"]["loop_start"] == 3
    _, tla = _props(tmp_path, capsys, "--semantics", "tla")
    assert tla["bounded"]["verdict"] == "holds"             # TLC: x = 3 is not in the behaviour graph
