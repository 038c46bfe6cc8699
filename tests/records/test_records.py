"""Records, tuples, ``def``, comprehensions, ``choose``, state-dependent
parameters and sequence membership (checker/lang/records.py, defs.py,
comprehensions.py): pinned counts and traces, every engine against the
explicit one, the reference interpreter, ITF/JSON, and the errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import checker
from checker import engines, interp
from checker.options import Options
from checker.report.itf import itf_to_trace, trace_to_itf
from checker.lang.diagnostics import SpecError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TWOPHASE = os.path.join(ROOT, "examples", "tlaplus", "twophase.spec")
RECORDS = os.path.join(ROOT, "tests", "catalog", "specs", "records.spec")


def _load(path, **consts):
    with open(path, encoding="utf-8") as f:
        return checker.load(f.read(), consts or None, filename=path)


def _check(spec):
    from checker.run import run_spec
    if isinstance(spec, str):
        spec = checker.load(spec)
    return run_spec(spec, "explicit", Options())


def _verdicts(result):
    return {p.name: p.verdict.value for p in result.properties}


# ---------------------------------------------------------------- pinned counts

def test_twophase_has_tlcs_288_states_and_depth_11():
    # TLC on tlaplus/Examples TwoPhase.tla with RM = {r1, r2, r3}: 288 distinct
    # states, depth 11 (TLC counts the initial state as depth 1).
    spec = _load(TWOPHASE)
    r = _check(spec)
    assert (r.stats.states, r.stats.depth, r.stats.transitions) == (288, 10, 1145)
    assert r.exhaustive and r.verdict.value == "holds"
    assert "20 bits per state" in " ".join(r.notes)  # msgs: 5 of 9 record numbers used... one bit per number


def test_twophase_interpreter_and_enum_agree_with_explicit():
    spec = _load(TWOPHASE, RM_COUNT=2)
    ex = _check(spec)
    ref = interp.explore(spec)
    assert len(ref.states) == ex.stats.states == 56 and ref.transitions == ex.stats.transitions
    en = engines.get("enum")(spec, Options())
    assert (en.stats.states, en.stats.transitions) == (ex.stats.states, ex.stats.transitions)
    assert _verdicts(en) == _verdicts(ex)


def test_records_spec_shortest_counterexample_is_pinned():
    r = _check(_load(RECORDS))
    assert r.stats.states == 121
    p = r.get("one_outstanding")
    assert p.verdict.value == "violated"
    assert [s.label() for s in p.trace.steps] == ["init", "send(1)", "send(1)"]
    spec = _load(RECORDS)
    msg = spec.var("net").type.elem
    net = p.trace.steps[-1].state["net"]
    from checker import ir
    assert sorted(ir.show_record(msg, m) for m in net) == ["{kind: Req, src: 1, num: 0}",
                                                           "{kind: Req, src: 1, num: 1}"]


def test_record_parameters_are_labelled_by_field_in_reports():
    r = _check(_load(RECORDS))
    labels = [s.label() for s in r.get("all_served").trace.steps]
    assert labels[-1] == "reply({kind: Req, src: 2, num: 1})"
    assert labels[1:5] == ["send(1)", "send(1)", "send(2)", "send(2)"]


def test_records_spec_interpreter_agrees():
    spec = _load(RECORDS)
    ex = _check(spec)
    ref = interp.explore(spec)
    assert len(ref.states) == ex.stats.states and ref.transitions == ex.stats.transitions
    assert set(ref.violations) == {"one_outstanding"}


# ---------------------------------------------------------------- semantics, every engine

SMALL = """spec small
enum Kind { A, B }
type Msg = { kind: Kind, n: 0..2 }
type T = (bool, 0..1)
var box: set<Msg> = {}
var last: T = (false, 0)
var q: seq<T, 2> = []
def big(m: Msg): bool = m.n >= 1
def bigs: set<Msg> = { m in box | big(m) }
action put(k: Kind, n: 0..2) {
  require size(box) < 2
  box = box union {{ kind: k, n: n }}
}
action flip(m in box) {
  require (m with { kind: B }) not in box
  box = (box minus {m}) union {m with { kind: B }}
  last = (big(m), last.1)
  if len(q) < 2 { q = push(q, last) }
}
action pick {
  require exists m in box: big(m)
  let m = choose m in box: big(m)
  let (b, i) = (m.kind == A, m.n)
  last = (b, i)
}
invariant kinds: { m.kind | m in box } subset {A, B}
invariant seen: last in q or len(q) < 2 or true
invariant not_both: not (size(bigs) == 2 and (true, 1) in q)
"""


@pytest.mark.parametrize("engine", ["enum", "bmc", "kind", "pdr"])
def test_every_engine_agrees_with_explicit(engine):
    spec = checker.load(SMALL)
    ex = _check(spec)
    assert ex.stats.states == 95
    want = _verdicts(ex)
    assert want["not_both"] == "violated"
    r = engines.get(engine)(spec, Options(depth=6, max_k=3, solver_rlimit=5_000_000))
    got = _verdicts(r)
    for name, v in got.items():
        if engine == "enum":
            assert v == want[name], name
        elif v != "unknown":  # a symbolic verdict, when given, is the true one
            assert v == want[name], (name, v, want[name])
    if engine in ("enum", "bmc"):
        assert len(r.get("not_both").trace) == len(ex.get("not_both").trace) == 4


def test_interpreter_agrees_on_small():
    spec = checker.load(SMALL)
    ex = _check(spec)
    ref = interp.explore(spec)
    # `pick` can build (true, 2) for a (bool, 0..1): an erroneous step (typeok),
    # which the interpreter counts as a transition and the explicit engine does not
    assert len(ref.errors) == 21
    assert (len(ref.states), ref.transitions - len(ref.errors)) == (ex.stats.states, ex.stats.transitions)
    assert ex.get("typeok").verdict.value == "violated"
    assert [s.label() for s in ex.get("typeok").trace.steps] == ["init", "put(A, 2)", "pick"]


def test_choose_is_the_least_in_the_types_order_and_an_error_when_none():
    text = """spec c
type P = (0..2, 0..2)
var s: set<P> = {(2, 0), (1, 2), (1, 1)}
var got: P = (0, 0)
var none: bool = false
action first { got = choose p in s: p.0 >= 1 }
action missing { require not none; none = true; got = choose p in s: p.0 == 0 }
"""
    r = _check(text)
    steps = {tuple(s.label() for s in p.trace.steps[1:]): p for p in r.properties if p.trace}
    spec = checker.load(text)
    from checker import ir
    pt = spec.var("got").type
    states = interp.explore(spec, check_invariants=False)
    gots = {ir.show_record(pt, interp.thaw(spec, f)["got"]) for f in states.states}
    assert gots == {"(0, 0)", "(1, 1)"}  # (1, 1) < (1, 2) < (2, 0): lexicographic
    assert r.get("typeok").verdict.value == "violated"
    assert [s.label() for s in r.get("typeok").trace.steps] == ["init", "missing"]
    assert steps


def test_def_arguments_are_not_captured_by_the_bodys_quantifier():
    text = """spec d
type N = 0..2
var x: N = 0
def above(k: N): bool = exists x in N: x > k
def all_above(k: N): bool = forall y in N: y > k or y <= k
action inc { require above(x) and all_above(x); x = x + 1 }
reachable top: x == 2
invariant never3: not above(2)
"""
    r = _check(text)
    assert r.stats.states == 3
    assert r.get("top").verdict.value == "holds" and r.get("never3").verdict.value == "holds"


def test_sequence_membership():
    text = """spec q
var q: seq<0..3, 3> = []
action put(v: 0..3) { require len(q) < 3 and v not in q; q = push(q, v) }
invariant distinct: len(q) < 2 or head(q) != q[1]
reachable three: len(q) == 3 and 3 in q and 0 in q
"""
    r = _check(text)
    assert r.stats.states == 1 + 4 + 12 + 24
    assert r.get("distinct").verdict.value == "holds" and r.get("three").verdict.value == "holds"


# ---------------------------------------------------------------- ITF and JSON

def test_itf_records_and_tuples_round_trip():
    spec = checker.load(SMALL)
    r = _check(spec)
    p = r.get("not_both")
    doc = json.loads(json.dumps(trace_to_itf(p.trace, spec, p)))
    last = doc["states"][-1]
    assert all(set(m) == {"kind", "n"} for m in last["box"]["#set"])
    assert last["last"] == {"#tup": [True, {"#bigint": "1"}]}
    assert all("#tup" in x for x in last["q"])
    flips = [s["#meta"]["args"] for s in doc["states"] if s["#meta"]["action-name"] == "flip"]
    assert flips and all(a[0].startswith("{kind: ") for a in flips)
    back = itf_to_trace(doc, spec)
    assert [s.state for s in back.steps] == [s.state for s in p.trace.steps]


def test_json_report_shows_records_as_objects_and_tuples_as_lists():
    out = subprocess.run([sys.executable, "-m", "checker.cli", "--json", RECORDS], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    p = next(p for p in doc["results"][0]["properties"] if p["name"] == "all_served")
    last = p["trace"]["steps"][-1]
    assert last["label"] == "reply({kind: Req, src: 2, num: 1})"
    assert {"kind": "Rep", "src": 2, "num": 1} in last["state"]["net"]
    assert [2, 1] in last["state"]["served"]
    sys.path.insert(0, os.path.join(ROOT, "tests", "cli"))
    from schema_check import validate
    assert validate(doc) == []


# ---------------------------------------------------------------- errors

ERRORS = [
    ("type M = { a: bool }\nvar m: M = { a: true }\ninvariant i: m.b", "3:14", "M has no field `b`"),
    ("var x: 0..2 = 0\ninvariant i: x.a == 1", "2:14", "reads a process's variable (`proc[i].x`) or a record's field"),
    ("type M = { a: bool }\ntype T = (bool, bool)\nvar m: M = { a: true }\nvar t: T = (true, false)\n"
     "invariant i: m == t", "5:14", "cannot compare a M with a T"),
    ("var x: 0..2 = 0\ndef a: bool = b\ndef b: bool = a\ninvariant i: a", "3:15",
     "`a` is defined in terms of itself: a -> b -> a"),
    ("var x: 0..2 = 0\ndef f(k: 0..2): bool = k > x\ninvariant i: f(1, 2)", "3:14", "`f` takes 1 argument, not 2"),
    ("var x: 0..2 = 0\ndef f(k: 0..2): bool = k > x\ninvariant i: f(true)", "3:16", "parameter `k` of `f` is"),
    ("type T = (bool, 0..1)\nvar t: T = (true, 0)\ninvariant i: t.2 == 0", "3:14", "has 2 elements: `.0` to `.1`"),
    ("type M = { a: bool }\nvar m: M = { a: true }\ninvariant i: m + 1 == 2", "3:14", "`+` needs integers"),
    ("type M = { a: bool }\nvar m: M = { a: true, c: false }", "2:12", "no record type has exactly the fields {a, c}"),
    # a field may be of a symmetric type now (issue #16); a literal still cannot stand for one of its values
    ("symmetric type P = 1..2\ntype M = { p: P }\nvar m: M = { p: 1 }", "3:17",
     "the values of the symmetric type P meet only values of P"),
    ("type M = { a: bool, a: bool }\nvar x: bool = true", "1:21", "field `a` is declared twice"),
    ("symmetric type C = 1..3\nvar s: set<C> = {}\nvar f: C in C\naction a { f = choose c in s: true }", "4:16",
     "`choose` picks the least value in the type's order"),
    ("symmetric type C = 1..3\nvar f: C in C\nvar y: 0..3 = 0\naction a { y = band(f, 1) }", "4:21",
     "`band` would tell apart the interchangeable values of the symmetric type C"),
    ("var x: 0..2 = 0\ndef f: 0..2 = x == 1\ninvariant i: f == 1", "2:15", "`f` is declared an integer (0..2)"),
]


@pytest.mark.parametrize("body,where,message", ERRORS, ids=[m for _, _, m in ERRORS])
def test_errors_name_the_place(body, where, message):
    with pytest.raises(SpecError) as e:
        checker.load(f"spec e\n{body}\n", filename="e.spec")
    text = str(e.value)
    line, col = where.split(":")
    assert f"e.spec:{int(line) + 1}:{col}: error:" in text, text
    assert message in text, text
    assert "^" in text


def test_cli_error_exits_2_with_a_caret(tmp_path):
    f = tmp_path / "bad.spec"
    f.write_text("spec bad\ntype M = { a: bool }\nvar m: M = { a: true }\ninvariant i: m.b\n")
    out = subprocess.run([sys.executable, "-m", "checker.cli", str(f)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    assert f"{f}:4:14: error: M has no field `b`" in out.stdout + out.stderr
    assert "Traceback" not in out.stderr


# ---------------------------------------------------------------- proof pages, pytest plugin, replay

def test_proof_page_shows_records_by_field(tmp_path):
    out = subprocess.run([sys.executable, "-m", "checker.cli", "docs", RECORDS, "-o", str(tmp_path),
                          "--engines", "explicit", "--rlimit", "1000000"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode in (0, 1), out.stderr
    page = (tmp_path / "records.md").read_text()
    assert "`reply({kind: Req, src: 1, num: 0})`" in page
    assert "served = {(1, 0)}" in page


def test_pytest_plugin_collects_a_records_spec(tmp_path):
    (tmp_path / "twophase.spec").write_text(open(TWOPHASE, encoding="utf-8").read())
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-2000:]
    assert "5 passed" in out.stdout


def test_replay_reads_an_itf_trace_with_records_back(tmp_path):
    from checker.replay import read_trace, replay
    spec = _load(RECORDS)
    r = _check(spec)
    p = r.get("all_served")
    text = json.dumps(trace_to_itf(p.trace, spec, p))
    records = read_trace(text, spec)
    res = replay(spec, records, check_invariants=False)  # the witness passes one_outstanding's violation
    assert res.ok and res.checked == len(records) == 9, res
    bad = json.loads(text)
    bad["states"][5]["net"]["#set"][0] = {"kind": "Req", "src": 2}
    with pytest.raises(Exception, match="a record with the fields kind, src, num"):
        replay(spec, read_trace(json.dumps(bad), spec))


# ---------------------------------------------------------------- bitwise functions

BITS = """spec b
var x: 0..7 = 0
var y: 0..7 = 5
action step(k: 0..7) {
  let h = shr(shl(k, 1), 1)
  require h == k
  x = band(bor(x, k), 7)
  y = bxor(y, k)
}
invariant and_ok: band(x, y) <= x and band(x, y) <= y
invariant or_ok: bor(x, y) >= x and bor(x, y) >= y and bor(x, y) <= 7
invariant xor_ok: bxor(x, x) == 0 and bxor(x, 0) == x and bxor(x, y) == bxor(y, x)
invariant not_all: not (x == 7 and y == 0)
"""


def test_bitwise_functions_agree_with_python_and_across_engines():
    spec = checker.load(BITS)
    ex = _check(spec)
    assert ex.stats.states == 27
    ref = interp.explore(spec)
    seen = {(s["x"], s["y"]) for s in (interp.thaw(spec, f) for f in ref.states)}
    assert len(seen) == 27 and all(x in (0, 1, 2, 3, 4, 5, 6, 7) for x, _ in seen)
    assert _verdicts(ex) == {"and_ok": "holds", "or_ok": "holds", "xor_ok": "holds", "not_all": "violated",
                             "typeok": "holds", "deadlock": "holds"}
    en = engines.get("enum")(spec, Options())
    assert _verdicts(en) == _verdicts(ex)
    kind = engines.get("kind")(spec, Options(max_k=2, solver_rlimit=5_000_000))
    assert _verdicts(kind)["and_ok"] == _verdicts(kind)["xor_ok"] == "holds"
    from checker.evaluate import evaluate
    bx = next(i for i in spec.invariants if i.name == "xor_ok").expr
    for x, y in [(5, 3), (7, 0), (6, 6)]:
        assert evaluate(bx, {"x": x, "y": y}) is True
    band = next(i for i in spec.invariants if i.name == "and_ok").expr.left.left
    assert [evaluate(band, {"x": x, "y": y}) for x, y in [(5, 3), (6, 3), (7, 7)]] == [5 & 3, 6 & 3, 7]


# ---------------------------------------------------------------- remove_at, slice

SEQS = """spec sq
var q: seq<0..3, 4> = []
var i: 0..4 = 0
var j: 0..4 = 0
invariant rm: remove_at(q, i) == q
invariant sl: slice(q, i, j) == q
"""


def test_remove_at_and_slice_are_pythons():
    from checker.evaluate import EvalError, evaluate
    spec = checker.load(SEQS)
    rm = next(x for x in spec.invariants if x.name == "rm").expr.left
    sl = next(x for x in spec.invariants if x.name == "sl").expr.left
    for q in [(), (3,), (1, 2), (0, 1, 2, 3)]:
        for i in range(5):
            st = {"q": q, "i": i, "j": 0}
            if i < len(q):
                assert evaluate(rm, st) == q[:i] + q[i + 1:]
            else:
                with pytest.raises(EvalError):
                    evaluate(rm, st)
            for j in range(5):
                st = {"q": q, "i": i, "j": j}
                if i <= j <= len(q):
                    assert evaluate(sl, st) == q[i:j]
                else:
                    with pytest.raises(EvalError):
                        evaluate(sl, st)


def test_remove_at_and_slice_agree_across_engines():
    text = """spec sf
var q: seq<0..2, 3> = []
var r: seq<0..2, 3> = []
action put(v: 0..2) { require len(q) < 3; q = push(q, v) }
action rm(i: 0..3) { require len(q) > 0; q = remove_at(q, i) }
action cut(a: 0..1, b: 1..2) { r = slice(q, a, b) }
invariant short: len(r) <= 2
"""
    spec = checker.load(text)
    ex = _check(spec)
    ref = interp.explore(spec)
    assert len(ref.states) == ex.stats.states and ref.transitions - len(ref.errors) == ex.stats.transitions
    assert ex.get("typeok").verdict.value == "violated"  # rm(3) on a shorter queue, cut(1, 2) on a short one
    bmc = engines.get("bmc")(spec, Options(depth=3, solver_rlimit=5_000_000))
    assert len(bmc.get("typeok").trace) == len(ex.get("typeok").trace)
