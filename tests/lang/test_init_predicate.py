"""``init: e``: an initial-state predicate over several variables; every
engine takes only the combinations of initial values where it holds."""
from __future__ import annotations

import json

import pytest

from checker import cli
from checker.interp import explore, initial_states
from checker.lang import load_text

HANDSHAKE = """
spec h
var rdy: 0..1 in 0..1
var ack: 0..1 in 0..1
var sent: 0..3 = 0
init: ack == rdy
action send { require rdy == ack and sent < 3; rdy = 1 - rdy; sent = sent + 1 }
action rcv { require rdy != ack; ack = 1 - ack }
invariant at_most_one_pending: (rdy != ack) => sent >= 1
invariant never_both_one_at_start: sent == 0 => rdy == ack
"""


def test_the_interpreter_filters_the_initial_states():
    spec = load_text(HANDSHAKE, "h.spec")
    assert initial_states(spec) == [{"rdy": 0, "ack": 0, "sent": 0}, {"rdy": 1, "ack": 1, "sent": 0}]
    assert len(explore(spec).states) == 14


@pytest.mark.parametrize("engine", ["explicit", "kind", "pdr", "enum"])
def test_every_engine_proves_what_only_the_predicate_makes_true(tmp_path, capsys, engine):
    path = tmp_path / "h.spec"
    path.write_text(HANDSHAKE)
    cli.main([str(path), "--json", "--engine", engine, "--no-deadlock"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    verdicts = {p["name"]: p["verdict"] for p in r["properties"]}
    assert verdicts["never_both_one_at_start"] == verdicts["at_most_one_pending"] == "holds"
    if engine == "explicit":
        assert r["stats"]["states"] == 14


def test_without_the_predicate_the_invariant_fails_in_an_initial_state(tmp_path, capsys):
    path = tmp_path / "h.spec"
    path.write_text(HANDSHAKE.replace("init: ack == rdy\n", ""))
    cli.main([str(path), "--json", "--engine", "bmc", "--depth", "2"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    p = next(p for p in r["properties"] if p["name"] == "never_both_one_at_start")
    assert p["verdict"] == "violated" and p["trace"]["length"] == 0


def test_the_predicate_must_be_boolean(tmp_path, capsys):
    path = tmp_path / "h.spec"
    path.write_text("spec h\nvar x: 0..1 in 0..1\ninit: x + 1\naction a { x = 0 }\n")
    assert cli.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "h.spec:3:7" in err and "an initial-state predicate must be" in err


RING = """
spec r
type Node = 0..2
var active: map<Node, bool> = [n in Node -> false]
var tpos: Node in Node
init {
  for n in Node { either { active[n] = true } or { active[n] = false } }
  require tpos != 0
}
action deact(i: Node) { require active[i]; active[i] = false }
invariant never_at_zero: tpos != 0
invariant some_active: exists n in Node: active[n]
"""


def test_an_init_block_makes_every_outcome_an_initial_state():
    spec = load_text(RING, "r.spec")
    inits = initial_states(spec)
    assert len(inits) == 16                                       # 2^3 activity maps x tpos in {1, 2}
    assert {s["tpos"] for s in inits} == {1, 2}
    assert len(explore(spec).states) == 16


@pytest.mark.parametrize("engine", ["explicit", "bmc", "kind", "pdr", "enum"])
def test_every_engine_agrees_on_an_init_block(tmp_path, capsys, engine):
    path = tmp_path / "r.spec"
    path.write_text(RING)
    cli.main([str(path), "--json", "--engine", engine, "--no-deadlock", "--depth", "3"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    verdicts = {p["name"]: p for p in r["properties"]}
    assert verdicts["some_active"]["verdict"] == "violated"
    assert verdicts["some_active"]["trace"]["length"] == 0      # all inactive is an initial state
    if engine != "bmc":
        assert verdicts["never_at_zero"]["verdict"] == "holds"


@pytest.mark.parametrize("engine", ["explicit", "bmc", "enum"])
def test_an_error_in_the_init_block_is_typeok_initially(tmp_path, capsys, engine):
    path = tmp_path / "r.spec"
    path.write_text("spec r\nvar x: 0..2 in 0..1\ninit { either { x = x + 1 } or { x = x + 2 } }\n"
                    "action a { x = 0 }\n")
    cli.main([str(path), "--json", "--engine", engine, "--depth", "2"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    typeok = next(p for p in r["properties"] if p["name"] == "typeok")
    assert typeok["verdict"] == "violated" and typeok["trace"]["length"] == 0   # x = 1 + 2


def test_an_init_block_that_cannot_err_is_no_violation(tmp_path, capsys):
    # the block's error conditions hold only where the start is a declared initial state
    path = tmp_path / "r.spec"
    path.write_text("spec r\nvar x: 0..1 in 0..0\ninit { either { x = x + 1 } or { x = x + 1 } }\n"
                    "action a { require x == 1; x = 0 }\naction b { require x == 0; x = 1 }\n")
    for engine in ("explicit", "bmc", "kind", "pdr"):
        cli.main([str(path), "--json", "--engine", engine, "--depth", "3"])
        [r] = json.loads(capsys.readouterr().out)["results"]
        typeok = next(p for p in r["properties"] if p["name"] == "typeok")
        assert typeok["verdict"] in ("holds", "unknown") and typeok["verdict"] != "violated", engine


def test_several_init_predicates_and_a_block_together():
    spec = load_text(RING.replace("init {", "init: tpos != 1\ninit: true\ninit {"), "r.spec")
    assert {s["tpos"] for s in initial_states(spec)} == {2}
