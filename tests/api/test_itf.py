"""ITF traces: written as Apalache/Quint write them, read back, read by itf-py."""
import json

import pytest

import checker
from checker.report.itf import ITFError, itf_to_trace, trace_to_itf

SPEC = """spec rich
enum Phase { Closed, Open }
var phase: Phase = Closed
var n: 0..3 = 0
var s: set<1..3> = {}
var m: map<Phase, 0..3> = [p in Phase -> 0]
var q: seq<0..3, 2> = []
action go(k: 1..3) {
  require n < 3
  n = n + 1; s.add(k); m[Open] = n; q = if len(q) < 2 then push(q, n) else q
  if n == 3 { phase = Open }
}
invariant closed: phase == Closed
"""


def _violation():
    spec = checker.load(SPEC)
    result = checker.check(SPEC)
    p = result.get("closed")
    return spec, result, p


def test_itf_encoding_of_every_kind_of_value():
    spec, result, p = _violation()
    doc = trace_to_itf(p.trace, spec, p, engine="explicit", source="rich.spec")
    assert doc["vars"] == ["phase", "n", "s", "m", "q"]
    assert doc["#meta"]["property"] == "closed" and doc["#meta"]["verdict"] == "violated"
    last = doc["states"][-1]
    assert last["#meta"]["index"] == 3 and last["#meta"]["action"] == "go(1)"
    assert last["phase"] == "Open" and last["n"] == {"#bigint": "3"}
    assert last["s"] == {"#set": [{"#bigint": "1"}]}
    assert last["m"] == {"#map": [["Closed", {"#bigint": "0"}], ["Open", {"#bigint": "3"}]]}
    assert last["q"] == [{"#bigint": "1"}, {"#bigint": "2"}]
    assert "loop" not in doc


def test_round_trip_through_json_and_itf_py():
    itf_py = pytest.importorskip("itf_py")
    spec, result, p = _violation()
    text = json.dumps(trace_to_itf(p.trace, spec, p))
    back = itf_to_trace(json.loads(text), spec)
    assert [s.state for s in back.steps] == [s.state for s in p.trace.steps]
    parsed = itf_py.trace_from_json(json.loads(text))
    assert parsed.vars == ["phase", "n", "s", "m", "q"] and len(parsed.states) == 4
    assert parsed.states[-1].values["n"] == 3


def test_reading_reports_what_does_not_fit():
    spec = checker.load(SPEC)
    good = trace_to_itf(_violation()[2].trace, spec)
    bad = json.loads(json.dumps(good))
    bad["states"][1]["n"] = {"#bigint": "9"}
    with pytest.raises(ITFError, match="state 1, n: 9 is outside 0..3"):
        itf_to_trace(bad, spec)
    bad = json.loads(json.dumps(good))
    del bad["states"][0]["m"]
    with pytest.raises(ITFError, match="state 0: no value for variable m"):
        itf_to_trace(bad, spec)
    with pytest.raises(ITFError, match="not an ITF trace"):
        itf_to_trace([1, 2], spec)
