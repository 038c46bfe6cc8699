"""--semantics tla: TLA+'s reading of fairness and stuttering in the explicit
engine's liveness check, next to the default one (docs/language.md)."""
from __future__ import annotations

import json

import pytest

from checker import cli

STUTTER_STEP_IS_NOT_PROGRESS = """
spec a
var x: 0..1 = 0
fair action a { either { x = x } or { x = 1 } }
property reach_one: eventually x == 1
"""

NO_FAIRNESS = """
spec b
var x: 0..1 = 0
action a { x = 1 }
action b { require x == 1; x = 1 }
property reach_one: eventually x == 1
"""

STRONG_AND_WEAK = """
spec c
var x: 0..2 = 0
fair action go { require x < 2; x = x + 1 }
action spin { require x == 0; x = 0 }
property done: eventually x == 2
property stays: eventually always x == 2
"""


def _props(tmp_path, capsys, text: str, *args: str) -> dict:
    path = tmp_path / "s.spec"
    path.write_text(text)
    cli.main([str(path), "--json", "--no-deadlock", *args])
    [r] = json.loads(capsys.readouterr().out)["results"]
    return {p["name"]: p for p in r["properties"] if p["kind"] == "property"}


@pytest.mark.parametrize("text,default,tla", [
    # today: the do-nothing branch counts as `a` taken, so fairness is satisfied
    # by x = x forever; TLA+'s WF_x(a) needs a step that changes x
    (STUTTER_STEP_IS_NOT_PROGRESS, "violated", "holds"),
    # today: x = 0 must step (a is the only step); TLA+: it may stutter forever
    (NO_FAIRNESS, "holds", "violated"),
    # the fair go is enabled until x = 2 in both readings
    (STRONG_AND_WEAK, "holds", "holds"),
])
def test_verdicts_both_ways(tmp_path, capsys, text, default, tla):
    for semantics, want in (("default", default), ("tla", tla)):
        got = _props(tmp_path, capsys, text, "--semantics", semantics)
        assert {p["verdict"] for p in got.values()} == {want}, semantics
        if semantics == "tla":
            assert all("TLA+ semantics" in p["method"] for p in got.values())


def test_the_tla_stuttering_counterexample_is_a_stutter_at_the_start(tmp_path, capsys):
    p = _props(tmp_path, capsys, NO_FAIRNESS, "--semantics", "tla")["reach_one"]
    assert p["trace"]["length"] == 0 and p["trace"]["loop_start"] == 0


@pytest.mark.parametrize("engine", ["bmc", "kind", "pdr"])
def test_symbolic_engines_refuse_tla_liveness(tmp_path, capsys, engine):
    path = tmp_path / "s.spec"
    path.write_text(NO_FAIRNESS)
    assert cli.main([str(path), "--engine", engine, "--semantics", "tla"]) == 2
    err = capsys.readouterr().err
    assert f"the {engine} engine checks temporal properties (reach_one) under the default semantics only" in err
