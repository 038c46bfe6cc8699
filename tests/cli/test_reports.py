"""The text report, the evaluator behind the invariant explanation, the progress line."""
from __future__ import annotations

import io

import pytest

import fakes
from checker import ir
from checker.options import Progress
from checker import evaluate as E
from checker.report.json_report import value_to_json
from checker.report.progress import ProgressLine
from checker.report.text import render, render_trace, show_typed
from checker.results import (DEADLOCK, INVARIANT, TYPEOK, CheckResult, PropertyResult, Stats, Step,
                             Trace, Verdict)

I = ir.INT
B = ir.BOOL


def lit(v):
    return fakes.lit(v)


def test_trace_shows_only_changes_and_map_entries():
    lines = render_trace(fakes.violation_trace(), fakes.breaker_spec())
    assert lines[1].split() == ["0", "init", "phase", "=", "Closed,", "failures", "=", "0,",
                                "calls", "=", "[a", "->", "0,", "b", "->", "0],", "seen", "=", "{}"]
    assert lines[2].endswith("fail(a)  failures = 1, calls[a] = 1, seen = {2}")
    assert lines[4].endswith("fail(b)  failures = 3")


def test_lasso_marks_loop():
    t = fakes.violation_trace()
    t.loop_start = 1
    text = "\n".join(render_trace(t, fakes.breaker_spec()))
    assert "-- loop starts here: steps 1..3 repeat forever --" in text
    assert "-- back to step 1 --" in text


def test_long_changes_are_wrapped():
    st = {f"v{i}": i * 1000000 for i in range(12)}
    lines = render_trace(Trace([Step(None, (), st)]))
    assert len(lines) == 4
    assert all(len(x) < 100 for x in lines)
    assert lines[1].rstrip().endswith(",")


def _single(p: PropertyResult, engine="explicit", exhaustive=True) -> CheckResult:
    return CheckResult("breaker", "spec/breaker.spec", engine, {"THRESHOLD": 3}, [p],
                       Stats(states=5, transitions=9, depth=2, seconds=0.1), exhaustive)


def test_cti_label():
    t = fakes.violation_trace()
    t.kind = "cti"
    r = _single(PropertyResult("closed_below_threshold", INVARIANT, Verdict.UNKNOWN, "induction", trace=t),
                engine="induct", exhaustive=False)
    out = render(r, fakes.breaker_spec(), timing=False)
    assert "counterexample to induction" in out
    assert "(the first state may be unreachable); the invariant may need strengthening" in out
    assert "(any state)" in out


def test_found_invariant_and_doc():
    r = _single(PropertyResult("closed_below_threshold", INVARIANT, Verdict.HOLDS, "PDR (Spacer)",
                               found_invariant="failures <= 2", doc="Closed means below."), engine="pdr",
                exhaustive=False)
    out = render(r, fakes.breaker_spec(), timing=False)
    assert "inductive invariant: failures <= 2" in out
    assert "Closed means below." in out
    assert "result: the property holds" in out


def test_typeok_and_deadlock_detail():
    t = fakes.violation_trace()
    r = _single(PropertyResult("typeok", TYPEOK, Verdict.VIOLATED, "exhaustive search", trace=t,
                               detail="failures = 4 is outside 0..3 (line 17)"))
    out = render(r, fakes.breaker_spec(), timing=False)
    assert out.count("failures = 4 is outside 0..3 (line 17)") == 1
    assert out.index("typeok VIOLATED: trace of 3 steps") < out.index("failures = 4 is outside")
    r = _single(PropertyResult("deadlock", DEADLOCK, Verdict.VIOLATED, "exhaustive search", trace=t))
    out = render(r, fakes.breaker_spec(), timing=False)
    assert "no action can take a step in the last state (step 3)" in out


def test_bounded_unknown_wording():
    r = _single(PropertyResult("closed_below_threshold", INVARIANT, Verdict.UNKNOWN,
                               "bounded model checking to depth 20"), engine="bmc", exhaustive=False)
    out = render(r, fakes.breaker_spec(), timing=False)
    assert "unknown   closed_below_threshold  bounded (not exhaustive): bounded model checking" in out
    assert "result: unknown (1 unknown), bounded (not exhaustive)" in out


def test_colour_only_when_asked():
    r = fakes.violated_result()
    assert "\x1b[" not in render(r, fakes.breaker_spec())
    assert "\x1b[1;31mVIOLATED" in render(r, fakes.breaker_spec(), color=True)


def test_timing_shown_and_hidden():
    r = fakes.violated_result()
    assert "0.50 s, 84 states/s" in render(r, fakes.breaker_spec())
    assert "states/s" not in render(r, fakes.breaker_spec(), timing=False)


def test_render_without_spec():
    out = render(fakes.violated_result(), None, timing=False)
    assert "calls = [1, 0]" in out     # no types: a map prints as its values


def test_malformed_trace_does_not_crash():
    t = Trace([Step(None, (), {"phase": "Closed"}), Step("x", (), {})])
    r = _single(PropertyResult("closed_below_threshold", INVARIANT, Verdict.VIOLATED, "m", trace=t))
    out = render(r, fakes.breaker_spec(), timing=False)
    assert "variable failures is not in the state" in out


# ---------------------------------------------------------------- evaluator


def test_evaluator_semantics():
    st = {"x": -7, "q": (1, 2), "s": frozenset({1}), "m": (5, 6)}
    x = ir.Var("x", I)
    assert E.evaluate(ir.Binary("div", x, lit(2), I), st) == -4
    assert E.evaluate(ir.Binary("mod", x, lit(2), I), st) == 1
    with pytest.raises(E.EvalError, match="division by zero"):
        E.evaluate(ir.Binary("div", x, lit(0), I), st)
    q = ir.Var("q", ir.SeqT(I, 2))
    with pytest.raises(E.EvalError, match="full"):
        E.evaluate(ir.Call("push", (q, lit(3)), q.type), st)
    assert E.evaluate(ir.Call("head", (q,), I), st) == 1
    m = ir.Var("m", ir.MapT(B, I))
    assert E.evaluate(ir.Index(m, lit(True), I), st) == 6
    # short circuit: false and <error>
    err = ir.Binary("eq", ir.Binary("div", x, lit(0), I), lit(1), B)
    assert E.evaluate(ir.Binary("and", lit(False), err, B), st) is False
    q0 = ir.Quant("forall", "i", fakes.rng(0, 3), ir.Binary("lt", ir.Local("i", I), lit(3), B))
    assert E.evaluate(q0, st) is False
    rows = E.explain(ir.Binary("and", lit(True), q0, B), st)
    assert rows[1][2] == "false  (fails for i = 3)"


def test_evaluator_depth_guard():
    e = lit(0)
    for _ in range(5000):
        e = ir.Binary("add", e, lit(1), I)
    with pytest.raises(E.EvalError, match="too deeply"):
        E.evaluate(e, {})


def test_json_values():
    t = ir.MapT(fakes.PHASE, ir.SetT(I))
    v = (frozenset({3, 1}), frozenset(), frozenset({2}))
    assert value_to_json(v, t) == {"Closed": [1, 3], "Open": [], "HalfOpen": [2]}
    assert value_to_json((True, False)) == [True, False]
    assert show_typed(v, t) == "[Closed -> {1, 3}, Open -> {}, HalfOpen -> {2}]"


# ---------------------------------------------------------------- progress


class TTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_waits_a_second_then_draws_and_clears():
    now = [0.0]
    s = TTY()
    p = ProgressLine(s, clock=lambda: now[0])
    p(Progress(states=10, transitions=20, depth=1, seconds=0.5))
    assert s.getvalue() == ""
    now[0] = 2.0
    p(Progress(states=2000, transitions=5000, depth=7, seconds=2.0))
    assert "\r" in s.getvalue() and "2,000 states" in s.getvalue() and "1,000 states/s" in s.getvalue()
    p.close()
    assert s.getvalue().endswith("\r")


def test_progress_silent_when_not_a_tty():
    s = io.StringIO()
    p = ProgressLine(s, clock=lambda: 100.0)
    p(Progress(states=1, transitions=1, depth=1, seconds=50.0))
    p.close()
    assert s.getvalue() == ""


@pytest.mark.skipif(not hasattr(ir, "Temporal"), reason="no temporal properties in the IR yet")
def test_lasso_for_temporal_property():
    from dataclasses import replace

    from checker.results import PROPERTY

    phase = ir.Var("phase", fakes.PHASE)
    prop = ir.Temporal("recovers", "leads_to", ir.Binary("eq", phase, lit("Open"), B),
                       ir.Binary("eq", phase, lit("Closed"), B))
    spec = replace(fakes.breaker_spec(), properties=(prop,))
    t = fakes.violation_trace()
    t.loop_start = 2
    r = _single(PropertyResult("recovers", PROPERTY, Verdict.VIOLATED, "exhaustive search (fair cycles)",
                               trace=t))
    out = render(r, spec, timing=False)
    assert "property recovers: phase == Open ~> phase == Closed" in out
    assert "a lasso: it ends in a loop" in out
    assert "the behaviour above runs forever: steps 2..3 repeat" in out


def test_progress_heartbeat_shows_elapsed_time():
    import time as _time

    s = TTY()
    p = ProgressLine(s, delay=0.0)
    p.set_label("pdr")
    p.heartbeat(interval=0.02)
    # wait for the condition (the heartbeat thread has drawn), not for a duration
    end = _time.monotonic() + 120
    while "verify: pdr, " not in s.getvalue() and _time.monotonic() < end:
        _time.sleep(0.01)
    p.close()
    assert "verify: pdr, " in s.getvalue()
    assert s.getvalue().endswith("\r")
