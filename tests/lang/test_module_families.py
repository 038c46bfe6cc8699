"""Instance families: ``import alias from "part.spec" for n in D`` (and the
unprefixed ``import "part.spec" for n in D``) repeat a part once per index
value, as TLA+'s ``B(n) == INSTANCE M WITH v <- v[n]``.  Pinned: the
expansion, its equivalence with the hand-written maps (every engine that
explores), the system composition's figures, and every misuse at
file:line:col."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import cli
from checker.interp import explore
from checker.lang import SpecError, load_file
from checker.lang.parser import parse
from checker.lang.modules_syntax import ImportDecl

ROOT = Path(__file__).resolve().parents[2]

COUNTER = """spec counter
const MAX: 1..5 = 2
enum Mode { Idle, Busy }
var v: 0..MAX = 0
var mode: Mode = Idle
action bump(k: 1..2) {
  require v + k <= MAX
  v = v + k
  mode = Busy
}
action reset {
  v = 0
  mode = Idle
}
invariant bounded: v <= MAX
reachable full: v == MAX
property settles: always eventually v == 0
"""

FAMILY = """spec fam
enum Node { A, B, C }
import cs from "counter.spec" for n in Node with { MAX = 2 }
var last: 0..2 = 0
action both(n: Node) {
  cs[n].bump(1)
  last = cs[n].v
}
invariant idle_zero: forall n in Node: (cs[n].mode == Idle) == (cs[n].v == 0)
"""

# FAMILY written by hand: what the expansion must mean
BY_HAND = """spec by_hand
enum Node { A, B, C }
enum Mode { Idle, Busy }
var v: map<Node, 0..2> = [n in Node -> 0]
var mode: map<Node, Mode> = [n in Node -> Idle]
var last: 0..2 = 0
action bump(n: Node, k: 1..2) {
  require v[n] + k <= 2
  v[n] = v[n] + k
  mode[n] = Busy
}
action reset(n: Node) {
  v[n] = 0
  mode[n] = Idle
}
action both(n: Node) {
  require v[n] + 1 <= 2
  v[n] = v[n] + 1
  mode[n] = Busy
  last = v[n]
}
invariant bounded: forall n in Node: v[n] <= 2
reachable full: exists n in Node: v[n] == 2
property settles_A: always eventually v[A] == 0
property settles_B: always eventually v[B] == 0
property settles_C: always eventually v[C] == 0
invariant idle_zero: forall n in Node: (mode[n] == Idle) == (v[n] == 0)
"""


def _write(tmp_path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)


def _json(capsys, *argv) -> dict:
    cli.main([*map(str, argv), "--json", "--no-deadlock"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    return r


@pytest.fixture
def family(tmp_path) -> Path:
    _write(tmp_path, {"counter.spec": COUNTER, "fam.spec": FAMILY, "by_hand.spec": BY_HAND})
    return tmp_path


def test_a_family_repeats_the_part_per_index_value(family):
    spec = load_file(family / "fam.spec")
    assert [v.name for v in spec.vars] == ["cs.v", "cs.mode", "last"]
    assert str(spec.var("cs.v").type).startswith("map<")          # one copy per Node
    assert [a.name for a in spec.actions] == ["cs.bump", "cs.reset", "both"]
    assert [len(a.params) for a in spec.actions] == [2, 1, 1]      # the index comes first
    assert [i.name for i in spec.invariants] == ["cs.bounded", "idle_zero"]
    assert [p.name for p in spec.properties] == ["cs.settles(A)", "cs.settles(B)", "cs.settles(C)"]
    assert spec.const_values() == {}                               # MAX instantiated by `with`


@pytest.mark.parametrize("engine", ["explicit", pytest.param("enum", marks=pytest.mark.slow)])  # enum: Z3, 10 s
def test_the_family_means_the_hand_written_maps(family, capsys, engine):
    a = _json(capsys, family / "fam.spec", "--engine", engine)
    b = _json(capsys, family / "by_hand.spec", "--engine", engine)
    assert a["stats"]["states"] == b["stats"]["states"] == 81
    if engine == "explicit":
        assert (a["stats"]["depth"], a["stats"]["transitions"]) == (b["stats"]["depth"], b["stats"]["transitions"])
    rename = {"cs.bounded": "bounded", "cs.full": "full", "cs.settles(A)": "settles_A",
              "cs.settles(B)": "settles_B", "cs.settles(C)": "settles_C"}
    got = {rename.get(p["name"], p["name"]): p["verdict"] for p in a["properties"]}
    assert got == {p["name"]: p["verdict"] for p in b["properties"]}
    assert got["bounded"] == "holds" and got["full"] == "holds"


def test_the_reference_interpreter_agrees(family):
    assert len(explore(load_file(family / "fam.spec")).states) == len(explore(load_file(family / "by_hand.spec")).states)


def test_an_unprefixed_family_keeps_the_parts_names(tmp_path, capsys):
    _write(tmp_path, {"counter.spec": COUNTER, "m.spec": (
        'spec m\nenum Node { A, B }\nimport "counter.spec" for n in Node with { MAX = 2 } only { v, mode, bump }\n'
        "invariant idle_zero: forall n in Node: (mode[n] == Idle) == (v[n] == 0)\n")})
    spec = load_file(tmp_path / "m.spec")
    assert [v.name for v in spec.vars] == ["v", "mode"] and [a.name for a in spec.actions] == ["bump"]
    r = _json(capsys, tmp_path / "m.spec")
    assert r["stats"]["states"] == 9
    assert {p["name"]: p["verdict"] for p in r["properties"]} == {"idle_zero": "holds", "typeok": "holds"}


def test_with_may_give_each_instance_its_index(tmp_path, capsys):
    """``with { ID = n }``: each instance knows its index (TLA+'s ``INSTANCE M WITH self <- n``)."""
    part = "spec p\nconst ID: 0..3 = 0\nvar seen: 0..3 = 0\naction note { seen = ID }\ninvariant own: seen == 0 or seen == ID\n"
    _write(tmp_path, {"p.spec": part,
                      "m.spec": 'spec m\ntype Slot = 1..3\nimport ps from "p.spec" for i in Slot with { ID = i }\n'})
    r = _json(capsys, tmp_path / "m.spec")
    assert r["stats"]["states"] == 8
    assert {p["name"]: p["verdict"] for p in r["properties"]}["ps.own"] == "holds"


def test_the_system_composes_its_components_by_import():
    """spec/system_fixed.spec: the registry, the client's cursor and one
    breaker per service are imported (their figures pinned in
    tests/models/test_system_fixed.py and the catalog)."""
    imports = [x for x in parse((ROOT / "spec" / "system_fixed.spec").read_text()).decls if isinstance(x, ImportDecl)]
    assert [(x.path, x.index) for x in imports] == [
        ("registry_fixed.spec", ""), ("client_fixed.spec", ""), ("breaker_fixed.spec", "n")]
    spec = load_file(ROOT / "spec" / "system_fixed.spec")
    assert [v.name for v in spec.vars][:7] == ["name_of", "up", "marked_down", "cursor", "phase", "failures", "waited"]
    assert str(spec.var("phase").type) == "map<Svc, Phase>"        # one breaker per service
    document = [x for x in parse((ROOT / "spec" / "system.spec").read_text()).decls if isinstance(x, ImportDecl)]
    assert [x.path for x in document] == ["registry.spec", "balancer.spec", "breaker.spec"]


@pytest.mark.parametrize("files,where,message", [
    ({"m.spec": 'spec m\nenum N { A, B }\nimport c from "counter.spec"\nimport c from "counter.spec" for n in N\n'},
     "m.spec:4:8", "`c` is already imported"),
    ({"m.spec": 'spec m\nenum N { A, B }\nimport c from "nope.spec" for n in N\n'},
     "m.spec:3:15", "cannot read module file"),
    ({"m.spec": 'spec m\nenum N { A, B }\nimport c from "m.spec" for n in N\n'},
     "m.spec:3:15", "import cycle: m.spec -> m.spec"),
    ({"m.spec": 'spec m\nenum N { A, B }\nimport c from "counter.spec" for n in N\naction go { c.reset() }\n'},
     "m.spec:4:13", "`c` is a family of instances: call `c[i].reset(...)`"),
    ({"m.spec": 'spec m\nimport c from "counter.spec"\naction go { c[1].reset() }\n'},
     "m.spec:3:13", "`c` is one instance: call `c.reset(...)`"),
    ({"m.spec": 'spec m\nimport c from "counter.spec"\ninvariant i: c[1].v == 0\n'},
     "m.spec:3:14", "`c` is one instance, not a family"),
    ({"m.spec": 'spec m\nenum N { A, B }\nimport c from "counter.spec" for n in N\ninvariant i: c[A].w == 0\n'},
     "m.spec:4:14", "module `c` declares no `w`"),
    ({"m.spec": 'spec m\nenum N { A, B }\nimport c from "counter.spec" for n in N\naction go { c[A].bump(1, 2) }\n'},
     "m.spec:4:13", "`c.bump` takes 1 argument(s), 2 given"),
    ({"m.spec": 'spec m\nimport c from "counter.spec" for n in 1..3\n'},
     "m.spec:2:39", "expected a name"),
    ({"m.spec": 'spec m\nimport c from "counter.spec" for n in Nodes\n'},
     "m.spec:2:39", "unknown type `Nodes`"),
    ({"p.spec": "spec p\nvar v: 0..1 in 0..1\n", "m.spec": 'spec m\nenum N { A, B }\nimport c from "p.spec" for n in N\n'},
     "m.spec:3:8", "starts from a choice"),
    ({"p.spec": "spec p\nvar v: 0..1 = 0\nprocess w(self: 1..2) { loop { s: { v = 1 } } }\n",
      "m.spec": 'spec m\nenum N { A, B }\nimport c from "p.spec" for n in N\n'},
     "m.spec:3:8", "`c.w` of module p.spec reads the part's variables"),
])
def test_misuse_is_an_error_at_the_import(tmp_path, capsys, files, where, message):
    _write(tmp_path, {"counter.spec": COUNTER, **files})
    assert cli.main([str(tmp_path / "m.spec")]) == 2
    err = capsys.readouterr().err
    assert where in err and message in err and "^" in err, err
    with pytest.raises(SpecError):
        load_file(tmp_path / "m.spec")


def test_with_may_start_each_instance_elsewhere(tmp_path):
    """``with { v = e }`` on a family: ``e`` may name the index, each instance starts from its own value."""
    part = "spec p\nvar v: 0..3 = 0\naction inc { require v < 3\n v = v + 1 }\n"
    _write(tmp_path, {"p.spec": part,
                      "m.spec": 'spec m\ntype Slot = 1..3\nimport ps from "p.spec" for i in Slot with { v = i - 1 }\n'})
    spec = load_file(tmp_path / "m.spec")
    assert len(explore(spec).states) == 4 * 3 * 2   # v[1] in 0..3, v[2] in 1..3, v[3] in 2..3


@pytest.mark.parametrize("files,where,message", [
    # a constant sizing a type (`0..MAX`) is the same for every instance
    ({"m.spec": 'spec m\nenum N { A, B }\nimport "counter.spec" for n in N with { MAX = n }\n'},
     "m.spec:3:41", "`MAX` sizes a type of module counter.spec, so it cannot depend on the index `n`"),
    # the same names twice without a prefix: reported at the import, not inside the part
    ({"m.spec": 'spec m\nenum N { A, B }\nimport "counter.spec" for n in N\nimport "counter.spec" for n in N\n'},
     "m.spec:4:8", "module counter.spec declares `v`, which this spec already has"),
    ({"m.spec": 'spec m\nvar v: bool = false\nimport "counter.spec"\n'},
     "m.spec:3:8", "module counter.spec declares `v`, which this spec already has"),
])
def test_clashes_are_errors_at_the_import(tmp_path, capsys, files, where, message):
    _write(tmp_path, {"counter.spec": COUNTER, **files})
    assert cli.main([str(tmp_path / "m.spec")]) == 2
    err = capsys.readouterr().err
    assert where in err and message in err and "^" in err, err
