"""A refinement mapping the reference evaluator cannot evaluate (a
comprehension over a record type of 1,024 numbers expands into a term
nested deeper than its limit) is an unknown verdict, not a violation: the
mapping below is right (`add(v)` maps to `grow(v)`).  Found porting Paxos
with 3 acceptors (examples/tlaplus/paxos.spec, the comprehension form of
`votes`), which was reported VIOLATED with a 0-step trace."""
from __future__ import annotations

import json

from checker import cli

ABSTRACT = """spec abs
var x: set<0..31> = {}
action grow(v: 0..31) { x = x union {v} }
"""
CONCRETE = """spec conc
type M = { a: 0..31, b: 0..31 }
var s: set<M> = {}
action add(v: 0..31) { s = s union {{ a: v, b: v }} }
refines Abs from "abs.spec" with { x = { m.a | m in s } }
"""


def test_a_mapping_too_deep_to_evaluate_is_unknown(tmp_path, capsys):
    (tmp_path / "abs.spec").write_text(ABSTRACT)
    (tmp_path / "conc.spec").write_text(CONCRETE)
    code = cli.main([str(tmp_path / "conc.spec"), "--json", "--max-states", "50"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    refines = {p["name"]: p for p in r["properties"]}["refines Abs"]
    assert refines["verdict"] == "unknown", refines
    assert "nested too deeply" in refines["method"]
    assert code != 1   # no violation reported
