"""Modules: ``import alias from "file" with { CONST = e }`` composes specs by
a front-end expansion, so every engine checks the composition; the parts'
invariants are checked on the whole; errors point at the import."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import cli
from checker.interp import explore
from checker.lang import SpecError, load_file

ROOT = Path(__file__).resolve().parents[2]
PAIR = ROOT / "examples" / "modules" / "pair.spec"


def _json(capsys, *argv) -> dict:
    cli.main([*map(str, argv), "--json"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    return r


def test_the_composition_is_one_spec_with_namespaced_parts():
    spec = load_file(PAIR)
    assert [v.name for v in spec.vars] == ["a.v", "a.mode", "b.v", "b.mode", "total"]
    assert [a.name for a in spec.actions] == ["a.bump", "a.reset", "b.bump", "b.reset", "both"]
    assert [i.name for i in spec.invariants][:4] == ["a.bounded", "a.idle_is_zero", "b.bounded", "b.idle_is_zero"]
    assert spec.const_values() == {"b.MAX": 2}   # `with { MAX = 3 }` instantiates a's MAX: it is 3, not a constant
    assert [e.name for e in spec.enums] == ["Mode"]              # shared vocabulary: one enum


def test_explicit_counts_verdicts_and_the_shortest_trace(capsys):
    r = _json(capsys, PAIR)
    assert (r["stats"]["states"], r["stats"]["depth"]) == (60, 7)
    verdicts = {p["name"]: p["verdict"] for p in r["properties"]}
    assert verdicts == {"a.bounded": "holds", "a.idle_is_zero": "holds", "b.bounded": "holds",
                        "b.idle_is_zero": "holds", "snapshot_is_current": "violated",
                        "modes_agree_with_values": "holds", "typeok": "holds", "deadlock": "holds"}
    trace = next(p for p in r["properties"] if p["name"] == "snapshot_is_current")["trace"]
    assert [(s["action"], s["args"]) for s in trace["steps"][1:]] == [("both", []), ("a.bump", [1])]


def test_a_constant_of_a_part_can_be_set_on_the_command_line(capsys):
    r = _json(capsys, PAIR, "--const", "b.MAX=3")
    assert r["consts"] == {"b.MAX": 3}
    assert r["stats"]["states"] == 96


@pytest.mark.parametrize("engine,verdicts", [
    ("bmc", {"snapshot_is_current": "violated", "a.bounded": "unknown"}),
    ("kind", {"snapshot_is_current": "violated", "a.bounded": "holds", "b.idle_is_zero": "holds"}),
    ("pdr", {"snapshot_is_current": "violated", "a.bounded": "holds", "modes_agree_with_values": "holds"}),
    ("enum", {"snapshot_is_current": "violated", "a.bounded": "holds", "b.idle_is_zero": "holds"}),
])
def test_every_engine_checks_the_composition(capsys, engine, verdicts):
    r = _json(capsys, PAIR, "--engine", engine, "--depth", "8")
    got = {p["name"]: p for p in r["properties"]}
    assert {k: got[k]["verdict"] for k in verdicts} == verdicts
    assert got["snapshot_is_current"]["trace"]["length"] == 2


def test_reference_interpreter_agrees():
    ex = explore(load_file(PAIR))
    assert len(ex.states) == 60
    assert set(ex.violations) == {"snapshot_is_current"}


def _write(tmp_path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)


@pytest.mark.parametrize("files,main,where,message", [
    ({"a.spec": 'spec a\nimport b from "b.spec"\nvar x: bool = false\n',
      "b.spec": 'spec b\nimport a from "a.spec"\nvar y: bool = false\n'},
     "a.spec", "b.spec:2:15", "import cycle: a.spec -> b.spec -> a.spec"),
    ({"m.spec": 'spec m\nimport p from "nope.spec"\nvar y: bool = false\n'},
     "m.spec", "m.spec:2:15", "cannot read module file"),
    ({"p.spec": "spec p\nconst N: 1..3 = 1\nvar v: 0..N = 0\naction inc { v = 1 }\n",
      "m.spec": 'spec m\nimport p from "p.spec" with { M = 2 }\nvar y: bool = false\n'},
     "m.spec", "m.spec:2:31", "module p.spec has no constant or variable `M`"),
    ({"p.spec": "spec p\nvar v: 0..1 = 0\naction inc { v = 1 }\n",
      "m.spec": 'spec m\nimport p from "p.spec"\nvar y: bool = false\ninvariant i: p.w == 0\n'},
     "m.spec", "m.spec:4:14", "module `p` declares no `w`"),
    ({"p.spec": "spec p\nvar v: 0..1 = 0\naction inc { v = 1 }\n",
      "m.spec": 'spec m\nimport p from "p.spec"\nvar y: bool = false\naction go { p.inc(3) }\n'},
     "m.spec", "m.spec:4:13", "`p.inc` takes 0 argument(s), 1 given"),
    ({"p.spec": "spec p\nenum E { A, B }\nvar v: E = A\naction go { v = B }\n",
      "m.spec": 'spec m\nenum E { A, C }\nimport p from "p.spec"\nvar y: E = A\n'},
     "m.spec", "m.spec:3:8", "enum `E` of module p.spec has members A, B"),
    ({"m.spec": 'spec m\nimport p frm "p.spec"\nvar y: bool = false\n'},
     "m.spec", "m.spec:2:10", "expected `from` here"),
])
def test_errors_point_at_the_import(tmp_path, capsys, files, main, where, message):
    _write(tmp_path, files)
    assert cli.main([str(tmp_path / main)]) == 2
    err = capsys.readouterr().err
    assert where in err and message in err and "^" in err
    with pytest.raises(SpecError):
        load_file(tmp_path / main)
