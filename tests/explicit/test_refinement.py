"""Refinement (``refines A from "a.spec" with { v = e }``), checked by the
explicit engine: Peterson refines Lock (tlaplus/Examples' LSpec), a wrong
mapping gives the shortest concrete step no abstract step matches, other
engines say they do not check it, and bad mappings are errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import cli

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "tlaplus"


def _result(capsys, *argv) -> dict:
    cli.main([*map(str, argv), "--json"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    return r


def _prop(r: dict, name: str) -> dict:
    return next(p for p in r["properties"] if p["name"] == name)


def test_peterson_refines_lock(capsys):
    p = _prop(_result(capsys, CORPUS / "peterson.spec"), "refines Lock")
    assert p["verdict"] == "holds" and p["kind"] == "refinement"
    assert "42 states" in p["method"]


def test_hourclock2_refines_hourclock(capsys):
    assert _prop(_result(capsys, CORPUS / "hourclock2.spec"), "refines HourClock")["verdict"] == "holds"


def _peterson_with(tmp_path, old: str, new: str) -> Path:
    text = (CORPUS / "peterson.spec").read_text().replace('"lock.spec"', f'"{CORPUS / "lock.spec"}"')
    assert old in text
    path = tmp_path / "p.spec"
    path.write_text(text.replace(old, new))
    return path


def test_a_wrong_mapping_gives_the_shortest_unmatched_step(tmp_path, capsys):
    path = _peterson_with(tmp_path, "lock = if exists p in Proc: pc[p] == Label.cs or pc[p] == a4 then 0 else 1",
                          "lock = 1")
    p = _prop(_result(capsys, path), "refines Lock")
    assert p["verdict"] == "violated"
    steps = p["trace"]["steps"]
    # the first process walks to the critical section; entering it maps to
    # Lock's l1 -> cs step with lock still 1, which Lock does not allow
    assert [(s["action"], s["args"]) for s in steps] == [
        (None, []), ("step_a0", [1]), ("step_a1", [1]), ("step_a2", [1]), ("step_a3", [1])]
    assert "no step of lock does that" in p["detail"]


def test_an_initial_state_outside_the_abstract_inits(tmp_path, capsys):
    path = _peterson_with(tmp_path, "pc = [p in Proc -> if pc[p] == a0 then l0", "pc = [p in Proc -> if pc[p] == a0 then l1")
    p = _prop(_result(capsys, path), "refines Lock")
    assert p["verdict"] == "violated" and p["trace"]["length"] == 0
    assert "not an initial state of lock" in p["detail"]


@pytest.mark.parametrize("engine", ["bmc", "kind", "pdr", "enum"])
def test_other_engines_say_they_do_not_check_it(capsys, engine):
    p = _prop(_result(capsys, CORPUS / "peterson.spec", "--engine", engine, "--depth", "3"), "refines Lock")
    assert p["verdict"] == "unknown" and "explicit engine only" in p["method"]


@pytest.mark.parametrize("mapping,col,message", [
    ("lock = 0, turn = 1", 45, "the abstract spec `lock` has no variable `turn`"),
    ("lock = true", 35, "`lock` is 0..1 in `lock`, but this expression is bool"),
    ("lock = 0, lock = 1", 45, "`lock` is mapped twice"),
])
def test_bad_mappings_are_errors(tmp_path, capsys, mapping, col, message):
    abstract = tmp_path / "a.spec"
    abstract.write_text("spec lock\nvar lock: 0..1 = 0\nvar pc: bool = false\naction go { lock = 1 }\n")
    text = f'spec c\nvar x: bool = false\naction go {{ x = true }}\nrefines Lock from "a.spec" with {{ {mapping} }}\n'
    path = tmp_path / "c.spec"
    path.write_text(text)
    assert cli.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert f"c.spec:4:{col}" in err and message in err and "^" in err
    assert "the refinement mapping gives no value for `pc`" in err


def test_a_missing_abstract_file(tmp_path, capsys):
    path = tmp_path / "c.spec"
    path.write_text('spec c\nvar x: bool = false\naction go { x = true }\nrefines A from "nope.spec"\n')
    assert cli.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "c.spec:4:16" in err and "cannot read module file" in err


def test_abstract_properties_under_the_mapping_and_the_refused_fairness(tmp_path, capsys):
    (tmp_path / "a.spec").write_text("spec clock\nvar hr: 1..3 in 1..3\nfair action tick { hr = hr % 3 + 1 }\n"
                                     "property turns: always eventually hr == 1\n")
    concrete = ("spec c\nvar h: 0..2 in 0..2\n%saction tick { h = (h + 1) %% 3 }\n"
                'refines Clock from "a.spec" with { hr = h + 1 }\n')
    (tmp_path / "c.spec").write_text(concrete % "fair ")
    r = _result(capsys, tmp_path / "c.spec")
    assert _prop(r, "refines Clock")["verdict"] == "holds"
    assert _prop(r, "refines Clock: turns")["verdict"] == "holds"       # under the concrete fairness
    live = _prop(r, "refines Clock (liveness)")
    assert live["verdict"] == "unknown" and "fairness of action tick" in live["method"]
    assert r["verdict"] == "unknown"
    # without fairness: by default a state with a successor never stutters, so
    # the clock keeps ticking; under TLA+ semantics it may stop (a stuttering lasso)
    (tmp_path / "c.spec").write_text(concrete % "")
    assert _prop(_result(capsys, tmp_path / "c.spec"), "refines Clock: turns")["verdict"] == "holds"
    p = _prop(_result(capsys, tmp_path / "c.spec", "--semantics", "tla"), "refines Clock: turns")
    assert p["verdict"] == "violated" and p["trace"]["loop_start"] is not None


def test_the_refinement_alone_with_property(capsys):
    r = _result(capsys, CORPUS / "peterson.spec", "--property", "refines Lock")
    assert [p["name"] for p in r["properties"]] == ["refines Lock"]


def test_the_abstract_spec_gets_same_named_constants_as_instance_does(tmp_path, capsys):
    """TLA+'s INSTANCE substitutes N <- N for a constant of the same name: a
    counter that counts to this spec's N refines one bounded by N only when
    the abstract spec gets N = 4 too (its default, 2, would reject the step
    to 3)."""
    (tmp_path / "abs.spec").write_text("spec abs\nconst N: 1..5 = 2\nvar y: 0..5 = 0\n"
                                       "action up { require y < N; y = y + 1 }\n")
    (tmp_path / "conc.spec").write_text("spec conc\nconst N: 1..5 = 2\nvar x: 0..5 = 0\n"
                                        "action inc { require x < N; x = x + 1 }\n"
                                        "refines abs from \"abs.spec\" with { y = x }\n")
    from checker import cli
    import json
    for n, verdict in ((2, "holds"), (4, "holds")):
        cli.main([str(tmp_path / "conc.spec"), "--json", "--const", f"N={n}", "--property", "refines abs"])
        [r] = json.loads(capsys.readouterr().out)["results"]
        [p] = [p for p in r["properties"] if p["name"] == "refines abs"]
        assert p["verdict"] == verdict and p["evidence"]["states"] == n + 1
    # a different name is not passed on: the abstract bound stays 2
    (tmp_path / "conc2.spec").write_text("spec conc2\nconst M: 1..5 = 4\nvar x: 0..5 = 0\n"
                                         "action inc { require x < M; x = x + 1 }\n"
                                         "refines abs from \"abs.spec\" with { y = x }\n")
    cli.main([str(tmp_path / "conc2.spec"), "--json", "--property", "refines abs"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    [p] = [p for p in r["properties"] if p["name"] == "refines abs"]
    assert p["verdict"] == "violated" and len(p["trace"]["steps"]) == 4   # init, 1, 2, then 3 is no abstract step
