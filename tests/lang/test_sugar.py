"""assert(e) in actions, quantified temporal properties and fairness over
several actions, all desugared by the front end (so every engine has them)."""
from __future__ import annotations

import json

import pytest

from checker import cli
from checker.lang import load_text

ASSERTING = """
spec s
var a: 0..5 = 0
action inc {
  a = a + 1
  assert(a < 3)
}
action reset { require a > 3; a = 0 }
"""

GROUP = """
spec g
var x: 0..2 = 0
action a { require x == 0; x = 1 }
action b { require x == 1; x = 2 }
action spin { require x < 2; x = x }
%s
property done: eventually x == 2
property each: forall v in 1..2: eventually x == v
"""


def _props(tmp_path, capsys, text, *args) -> dict:
    path = tmp_path / "s.spec"
    path.write_text(text)
    cli.main([str(path), "--json", "--no-deadlock", *args])
    [r] = json.loads(capsys.readouterr().out)["results"]
    return {p["name"]: p for p in r["properties"]}


@pytest.mark.parametrize("engine", ["explicit", "bmc", "kind", "pdr", "enum"])
def test_a_failed_assert_is_a_violation_with_its_trace(tmp_path, capsys, engine):
    p = _props(tmp_path, capsys, ASSERTING, "--engine", engine, "--depth", "5")["assert_6_3"]
    assert p["verdict"] == "violated"
    assert p["trace"]["length"] == 3
    assert p["trace"]["steps"][-1]["state"] == {"a": 3, "assert.6.3": False}


def test_an_assert_that_holds_changes_no_state_count(tmp_path, capsys):
    path = tmp_path / "s.spec"
    path.write_text(ASSERTING.replace("assert(a < 3)", "assert(a <= 5)").replace("a = a + 1", "require a < 5; a = a + 1"))
    cli.main([str(path), "--json"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    assert r["stats"]["states"] == 6 and r["verdict"] == "holds"


def test_quantified_property_is_one_property_per_value():
    spec = load_text(GROUP % "", "g.spec")
    assert [p.name for p in spec.properties] == ["done", "each(1)", "each(2)"]


@pytest.mark.parametrize("fairness,semantics,verdict", [
    ("", "default", "violated"),                  # spin forever at x = 0
    ("fair { a or b }", "default", "holds"),      # a or b is enabled until x = 2: one of them is taken
    ("fair { a }", "default", "violated"),        # spin forever at x = 1: a is not enabled there
    ("fair { all }", "default", "violated"),      # spin is a step of Next: fairness met by spinning
    ("fair { all }", "tla", "holds"),             # WF_vars(Next): spinning changes nothing
])
def test_fairness_over_several_actions(tmp_path, capsys, fairness, semantics, verdict):
    got = _props(tmp_path, capsys, GROUP % fairness, "--semantics", semantics)
    assert got["done"]["verdict"] == got["each(2)"]["verdict"] == verdict


@pytest.mark.parametrize("engine", ["kind", "pdr"])
def test_symbolic_liveness_with_a_fairness_group(tmp_path, capsys, engine):
    got = _props(tmp_path, capsys, GROUP % "fair { a or b }", "--engine", engine)
    assert got["done"]["verdict"] == "holds"


def test_unknown_action_in_a_fairness_group(tmp_path, capsys):
    path = tmp_path / "s.spec"
    path.write_text(GROUP % "fair { a or nope }")
    assert cli.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "s.spec:7:13" in err and "`nope` is not an action or a process" in err


SHARED = """
spec e
enum Label { a0, cs, a4 }
enum LockPc { l0, cs }
var pc: Label = a0
var lpc: LockPc = l0
action go { require pc == a0; pc = Label.cs; lpc = LockPc.cs }
action back { require pc == Label.cs; pc = a4 }
invariant same: (pc == Label.cs) == (lpc == LockPc.cs) or pc == a4
invariant left: pc != Label.cs
"""


@pytest.mark.parametrize("engine", ["explicit", "bmc", "kind", "pdr", "enum"])
def test_enum_members_shared_across_enums(tmp_path, capsys, engine):
    got = _props(tmp_path, capsys, SHARED, "--engine", engine, "--depth", "4")
    assert got["left"]["verdict"] == "violated" and got["left"]["trace"]["length"] == 1
    assert got["left"]["trace"]["steps"][-1]["state"] == {"pc": "cs", "lpc": "cs"}
    if engine != "bmc":
        assert got["same"]["verdict"] == "holds"


def test_the_interpreter_reads_qualified_members():
    from checker.interp import explore
    ex = explore(load_text(SHARED, "e.spec"))
    assert len(ex.states) == 3 and set(ex.violations) == {"left"}


def test_a_bare_shared_member_is_ambiguous(tmp_path, capsys):
    path = tmp_path / "e.spec"
    path.write_text(SHARED.replace("invariant left: pc != Label.cs", "invariant left: pc != cs"))
    assert cli.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "e.spec:10:23" in err and "`cs` is a member of several enums (Label, LockPc): write Label.cs or LockPc.cs" in err


def test_conjoined_property_is_one_property_per_conjunct(tmp_path, capsys):
    text = GROUP % "fair { a or b }" + "property both: (eventually x == 2) and (always x <= 2) and (x == 0 ~> x == 1)\n"
    got = _props(tmp_path, capsys, text)
    assert {n: got[n]["verdict"] for n in ("both[1]", "both[2]", "both[3]")} == \
        {"both[1]": "holds", "both[2]": "holds", "both[3]": "holds"}
    assert [p.name for p in load_text(text, "g.spec").properties][-2:] == ["both[1]", "both[3]"]
