"""Sets used as values (checker/lang/records_sets.py): sets of sets, record
and tuple fields holding sets, maps keyed by sets, set parameters.  Each of
these was rejected before ("a set's elements must be a finite scalar
type"); the counts below were checked by hand for the small specs (a set of
singletons over 3 nodes: 2**3 states; a record whose voters grow one node at
a time: 4; a queue of up to two of 2 * 2 tuples: 1 + 4 + 16; the groups
marked so far, a non-empty subset X of the 4 groups, with the last one in X,
plus the initial state: 1 + 4 + 12 + 12 + 4 = 33) and the engines are compared on the larger ones in
tests/catalog/catalog_compound.py and tests/fuzz/test_fuzz_compound.py."""
from __future__ import annotations

import json

import pytest

import checker
from checker import ir
from checker.lang import SpecError
from checker.report.itf import from_itf, to_itf
from checker.report.json_report import value_to_json

SET_OF_SETS = """spec a
type Node = 1..3
var S: set<set<Node>> = {}
action add(n: Node) { S = S union {{n}} }
invariant small: size(S) <= 3
"""

RECORD_WITH_SET = """spec b
enum Kind { A, B }
type Node = 1..2
type Vote = { kind: Kind, voters: set<Node> }
var v: Vote = { kind: A, voters: {} }
action add(n: Node) { v = v with { voters: v.voters union {n} } }
invariant ok: size(v.voters) <= 2
"""

SEQ_OF_TUPLES = """spec c
enum Kind { A, B }
type Node = 1..2
var q: seq<(Kind, set<Node>), 2> = []
action send(k: Kind, n: Node) {
  require len(q) < 2
  q = push(q, (k, {n}))
}
action drop {
  require len(q) > 0
  let (k, s) = head(q)
  q = tail(q)
}
"""

KEYS_AND_PARAMS = """spec d
type Node = 1..2
type Group = set<Node>
var seen: map<set<Node>, bool> = [g in Group -> false]
var last: set<Node> = {}
action mark(g: set<Node>) {
  require not seen[g]
  seen[g] = true
  last = g
}
invariant marked: seen[last] or last == {}
reachable all: forall g in Group: seen[g]
"""


# sequences used as values (ir.PackedSeqT): a record field, a set's element;
# 777 states, the enum engine finds the same (checked by hand once with
# `verify --engine enum`: a minute)
SEQ_VALUES = """spec h
enum Kind { Req, Ack }
type Node = 1..2
type Mailbox = { owner: Node, inbox: seq<Kind, 2> }
var last: Mailbox = { owner: 1, inbox: [] }
var hist: set<seq<Kind, 2>> = {}
var m: map<Node, Mailbox> = [n in Node -> { owner: n, inbox: [] }]
action deliver(n: Node, k: Kind) {
  require len(m[n].inbox) < 2
  m[n] = m[n] with { inbox: push(m[n].inbox, k) }
}
action take(n: Node) {
  require len(m[n].inbox) > 0 and size(hist) < 2
  last = m[n]
  m[n] = m[n] with { inbox: tail(m[n].inbox) }
  hist = hist union {[head(last.inbox)]}
}
invariant owners: forall n in Node: m[n].owner == n
invariant hist_ok: forall h in hist: len(h) == 1
invariant no_two: not (exists h in hist: h == [Ack])
reachable full: last.inbox == [Ack, Req]
"""


@pytest.mark.parametrize("text, states", [(SEQ_VALUES, 777), (SET_OF_SETS, 8), (RECORD_WITH_SET, 4), (SEQ_OF_TUPLES, 1 + 4 + 16),
                                          (KEYS_AND_PARAMS, 33)])
def test_compound_values_are_checked(text, states):
    r = checker.check(text)
    assert r.exhaustive and r.stats.states == states
    ref = checker.check(text, store="compact")
    assert ref.stats.states == states


def test_a_set_of_sets_trace_shows_sets():
    r = checker.check(KEYS_AND_PARAMS)
    (goal,) = [p for p in r.properties if p.name == "all"]
    assert len(goal.trace) == 4  # {} is marked too: 4 steps, one per group
    labels = [s.label() for s in goal.trace.steps[1:]]
    assert labels == ["mark({})", "mark({1})", "mark({2})", "mark({1, 2})"]


def test_a_packed_set_outside_its_element_type_violates_typeok():
    text = """spec f
type Node = 1..2
var wide: set<0..3> = {3}
var S: set<set<Node>> = {}
action b { S = S union {wide} }
"""
    r = checker.check(text)
    (typeok,) = [p for p in r.properties if p.name == "typeok"]
    assert typeok.verdict.value == "violated" and len(typeok.trace) == 1


@pytest.mark.parametrize("decl, where", [
    ("var S: set<set<0..16>> = {}", "2:12"),
    ("type V = { voters: set<0..20> }\nvar v: V = { voters: {} }", "2:20"),
    ("var m: map<set<int>, bool> = []", "2:16"),
    ("type M = { q: seq<0..15, 4> }\nvar m: M = { q: [] }", "2:15"),
])
def test_the_bound_on_a_set_used_as_a_value(decl, where):
    with pytest.raises(SpecError) as e:
        checker.load("spec s\n" + decl + "\n")
    text = e.value.render()
    assert f"<spec>:{where}: error" in text, text
    assert "used as a value" in text or "unbounded" in text


def test_itf_and_json_show_packed_sets_as_sets():
    node = ir.IntT(ir.Lit(1, ir.INT), ir.Lit(3, ir.INT))
    packed = ir.packed_set_type(node)
    value = frozenset({ir.packed_set_number(packed, {1, 3}), ir.packed_set_number(packed, set())})
    t = ir.SetT(packed)
    itf = to_itf(value, t)
    assert itf == {"#set": [{"#set": []}, {"#set": [{"#bigint": "1"}, {"#bigint": "3"}]}]}
    assert from_itf(json.loads(json.dumps(itf)), t, "S") == value
    assert value_to_json(value, t) == [[], [1, 3]]
    rt = ir.record_type([("ok", ir.BOOL), ("voters", packed)])
    r = ir.record_number(rt, [True, ir.packed_set_number(packed, {2})])
    assert to_itf(r, rt) == {"ok": True, "voters": {"#set": [{"#bigint": "2"}]}}
    assert from_itf(to_itf(r, rt), rt, "v") == r
    assert ir.show_typed_value(r, rt) == "{ok: true, voters: {2}}"


def test_itf_traces_with_compound_values_replay(tmp_path):
    from checker.cli import main
    path = tmp_path / "c.spec"
    path.write_text(SEQ_OF_TUPLES.replace("action drop", "invariant short: len(q) < 2\naction drop"))
    out = tmp_path / "itf"
    out.mkdir()
    assert main([str(path), "--itf", str(out)]) == 1
    (trace,) = list(out.iterdir())
    doc = json.loads(trace.read_text())
    assert doc["states"][-1]["q"] == [{"#tup": ["A", {"#set": [{"#bigint": "1"}]}]}] * 2
    # exit 1: a legal trace that ends in the violation it was written for
    assert main(["replay", str(path), str(trace)]) == 1


def test_sequences_used_as_values_show_and_travel_as_sequences():
    r = checker.check(SEQ_VALUES)
    (goal,) = [p for p in r.properties if p.name == "full"]
    assert [s.label() for s in goal.trace.steps[1:]] == ["deliver(1, Ack)", "deliver(1, Req)", "take(1)"]
    kinds = ir.EnumT("Kind", ("Req", "Ack"))
    pt = ir.packed_seq_type(kinds, 2)
    assert [ir.packed_seq_value(pt, v) for v in range(7)] == [
        (), ("Req",), ("Ack",), ("Req", "Req"), ("Req", "Ack"), ("Ack", "Req"), ("Ack", "Ack")]
    v = ir.packed_seq_number(pt, ("Ack", "Req"))
    assert to_itf(v, pt) == ["Ack", "Req"] and from_itf(["Ack", "Req"], pt, "q") == v
    assert value_to_json(v, pt) == ["Ack", "Req"]
