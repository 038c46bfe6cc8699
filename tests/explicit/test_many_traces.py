"""--traces K: up to K counterexamples per property, shortest first, distinct
by their final state; each a real trace ending in the violation."""
import glob
import os
import subprocess
import sys
from dataclasses import replace

import pytest

import checker
from checker.interp import explore, invariant_failures, successors, thaw
from checker.results import Verdict

from .replaying import assert_traces_replay

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPECS = sorted(glob.glob(os.path.join(ROOT, "spec", "*.spec")))
BREAKER = os.path.join(ROOT, "spec", "breaker.spec")

TYPEOK = """spec t
var x: 0..2 = 0
action a { x = x + 1 }
action b { x = x + 2 }
"""


def _all_traces(p):
    return [p.trace] + list(p.more_traces) if p.trace is not None else []


def test_breaker_pinned():
    r = checker.check(BREAKER, traces=3)
    got = {p.name: [len(t) for t in _all_traces(p)] for p in r.properties if p.trace is not None}
    assert got == {"open_only_after_consecutive_failures": [4, 4, 5], "failure_count_within_threshold": [6, 7],
                   "calls_always_return": [6, 7], "deadlock": [6, 7], "recovers": [6]}
    dl = r.get("deadlock").more_traces[0]
    assert [s.label() for s in dl.steps] == ["init", "call_fails", "call_fails", "call_succeeds", "call_fails",
                                             "tick", "tick", "call_after_timeout"]
    assert any("distinct by their final state" in n for n in r.notes)
    assert any("one lasso only for temporal properties (recovers)" in n for n in r.notes)


def test_counts_agree_with_the_reference_interpreter():
    """K large: one trace per violating reachable state, as many as the
    interpreter's exploration finds."""
    spec = checker.load(BREAKER)
    ex = explore(spec)
    r = checker.check(BREAKER, traces=1000)
    for inv in spec.invariants:
        bad = sum(1 for f in ex.states if inv.name in {n for n, _ in invariant_failures(spec, thaw(spec, f))})
        assert len(_all_traces(r.get(inv.name))) == bad, inv.name
    dead = sum(1 for f in ex.states if not successors(spec, thaw(spec, f)))
    assert len(_all_traces(r.get("deadlock"))) == dead == 2


def test_typeok_traces_are_distinct_erroneous_steps():
    r = checker.check(TYPEOK, traces=5, check_deadlock=False)
    p = r.get("typeok")
    ends = [(t.steps[-2].state["x"], t.steps[-1].label()) for t in _all_traces(p)]
    assert ends == [(1, "b"), (2, "a"), (2, "b")]


@pytest.mark.parametrize("path", SPECS, ids=[os.path.basename(s) for s in SPECS])
def test_every_spec(path):
    spec = checker.load(path)
    r = checker.check(path, traces=3)
    for p in r.properties:
        traces = _all_traces(p)
        assert len(traces) <= 3
        if len(traces) > 1:
            lengths = [len(t) for t in traces]
            assert lengths == sorted(lengths), p.name           # shortest first
            finals = [repr(sorted(t.steps[-1].state.items())) + (t.steps[-1].label() if p.kind == "typeok"
                                                                  else "") for t in traces]
            assert len(set(finals)) == len(finals), p.name      # distinct final states
        for t in traces[1:]:
            one = replace(r, properties=[replace(p, trace=t, more_traces=[])])
            assert_traces_replay(spec, one)
            if p.kind == "invariant":
                assert p.name in {n for n, _ in invariant_failures(spec, t.steps[-1].state)}
            elif p.kind == "deadlock":
                assert successors(spec, t.steps[-1].state) == []


def test_first_trace_is_the_default_one():
    for name in ("breaker", "registry", "client"):
        path = os.path.join(ROOT, "spec", f"{name}.spec")
        one, three = checker.check(path), checker.check(path, traces=3)
        for p in one.properties:
            if p.trace is not None and p.verdict is Verdict.VIOLATED:
                q = three.get(p.name)
                assert [s.label() for s in q.trace.steps] == [s.label() for s in p.trace.steps], (name, p.name)


def test_cli_usage_errors_and_reports():
    def run(*args):
        return subprocess.run([sys.executable, "-m", "checker.cli", BREAKER, *args], capture_output=True,
                              text=True, cwd=ROOT)
    for args, words in [(("--traces", "2", "--engine", "bmc"), "only for the explicit engine"),
                        (("--traces", "2", "--simulate"), "not --simulate"),
                        (("--traces", "2", "--store", "compact"), "needs the default --store dict"),
                        (("--traces", "0"), "must be at least 1")]:
        out = run(*args)
        assert out.returncode == 2 and words in out.stderr, args
    out = run("--traces", "2", "--property", "deadlock", "--no-timing")
    assert out.returncode == 1 and "deadlock: trace 2 of 2, 7 steps" in out.stdout
    import json
    doc = json.loads(run("--traces", "2", "--property", "deadlock", "--json").stdout)
    p = doc["results"][0]["properties"][0]
    from schema_check import validate
    assert validate(doc) == []
    assert p["trace"]["length"] == 6 and [t["length"] for t in p["more_traces"]] == [7]
