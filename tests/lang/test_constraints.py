"""State constraints (``constraint name: e``) with TLC's CONSTRAINT semantics:
a state outside the constraint is checked (invariants) but not explored, and
not counted among the distinct states; every engine agrees on verdicts."""
from __future__ import annotations

import json

import pytest

from checker import cli
from checker.interp import explore
from checker.lang import load_text

COUNTER = """
spec counter
var x: 0..10 = 0
action inc { x = x + 1 }
constraint small: x <= 3
invariant below: x <= %d
"""


def _run(tmp_path, capsys, text: str, *args: str) -> dict:
    path = tmp_path / "c.spec"
    path.write_text(text)
    code = cli.main([str(path), "--json", *args])
    out = json.loads(capsys.readouterr().out)
    out["code"] = code
    return out


def test_states_outside_the_constraint_are_not_counted_nor_explored(tmp_path, capsys):
    out = _run(tmp_path, capsys, COUNTER % 4)
    [r] = out["results"]
    assert r["verdict"] == "holds" and r["exhaustive"]
    assert (r["stats"]["states"], r["stats"]["depth"]) == (4, 3)      # x = 0..3, as TLC counts
    assert any("1 states outside it" in n for n in r["notes"])
    props = {p["name"]: p["verdict"] for p in r["properties"]}
    assert props == {"below": "holds", "typeok": "holds", "deadlock": "holds"}  # x = 4 is no deadlock


@pytest.mark.parametrize("engine", ["explicit", "bmc", "enum"])
def test_invariants_are_checked_on_a_state_outside_the_constraint(tmp_path, capsys, engine):
    # TLC checks invariants on a generated state even when the constraint excludes it
    out = _run(tmp_path, capsys, COUNTER % 3, "--engine", engine, "--depth", "6")
    [r] = out["results"]
    below = next(p for p in r["properties"] if p["name"] == "below")
    assert below["verdict"] == "violated"
    assert below["trace"]["length"] == 4
    assert below["trace"]["steps"][-1]["state"] == {"x": 4}


@pytest.mark.parametrize("engine", ["kind", "pdr"])
def test_symbolic_engines_prove_under_the_constraint(tmp_path, capsys, engine):
    # x never exceeds 4: only states inside the constraint may take a step
    out = _run(tmp_path, capsys, COUNTER % 4, "--engine", engine)
    [r] = out["results"]
    assert {p["name"]: p["verdict"] for p in r["properties"]}["below"] == "holds"


def test_reference_interpreter_explores_the_same_states():
    spec = load_text(COUNTER % 4, "c.spec")
    ex = explore(spec)
    assert len(ex.states) == 5            # stored: 0..3 inside, 4 outside (checked, not expanded)
    assert not ex.deadlocks and not ex.violations


def test_a_constraint_must_be_boolean(tmp_path, capsys):
    path = tmp_path / "bad.spec"
    path.write_text("spec bad\nvar x: 0..3 = 0\naction a { x = 1 }\nconstraint c: x + 1\n")
    assert cli.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.spec:4:15" in err and "a state constraint must be" in err and "^" in err
