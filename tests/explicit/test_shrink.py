"""--simulate counterexamples are shrunk: still real traces that end in the
same violation (checked with the reference interpreter, not the engine), never
longer than the walk's, never shorter than the breadth-first search's."""
import glob
import os

import pytest

import checker
from checker.explicit.compile import Program
from checker.explicit.shrink import shrink
from checker.interp import StepError, invariant_failures, is_terminal, run_action, successors
from checker.results import Verdict

from .replaying import assert_traces_replay

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPECS = sorted(glob.glob(os.path.join(ROOT, "spec", "*.spec")))
BREAKER = os.path.join(ROOT, "spec", "breaker.spec")


def _violation_holds_at_the_end(spec, p):
    last = p.trace.steps[-1]
    if p.kind == "invariant":
        assert p.name in {n for n, _ in invariant_failures(spec, last.state)}, p.name
    elif p.kind == "deadlock":
        assert successors(spec, last.state) == [] and not is_terminal(spec, last.state)
    elif p.kind == "typeok" and len(p.trace.steps) > 1:
        before = p.trace.steps[-2].state
        outcomes = run_action(spec, last.action, last.args, before)
        assert any(isinstance(o, StepError) for o in outcomes)


@pytest.mark.parametrize("path", SPECS, ids=[os.path.basename(s) for s in SPECS])
def test_shrunk_traces_are_real_violations_and_no_longer(path):
    spec = checker.load(path)
    kw = dict(simulate=True, seed=5, walks=30, walk_depth=40)
    raw = checker.check(path, shrink=False, **kw)
    small = checker.check(path, **kw)
    assert [(p.name, p.verdict) for p in raw.properties] == [(p.name, p.verdict) for p in small.properties]
    for p in small.properties:
        if p.trace is None:
            continue
        before = raw.get(p.name).trace
        assert len(p.trace) <= len(before), p.name
        assert p.trace.steps[0].state == before.steps[0].state     # same initial state
        _violation_holds_at_the_end(spec, p)
    assert_traces_replay(spec, small, engine="simulate")


def test_breaker_walks_shrink_to_the_shortest_traces():
    r = checker.check(BREAKER, simulate=True, seed=3)
    full = checker.check(BREAKER)
    # seed 3's walk hangs the breaker after 26 steps; shrunk, it is the document's 6-step deadlock
    assert r.stats.extra["simulation"]["shrunk"]["deadlock"] == [26, 6]
    assert [s.label() for s in r.get("deadlock").trace.steps] == \
        [s.label() for s in full.get("deadlock").trace.steps]
    for p in r.properties:
        if p.verdict is Verdict.VIOLATED and p.trace is not None:
            assert len(p.trace) == len(full.get(p.name).trace), p.name
    assert any("traces shrunk" in n for n in r.notes)


def test_shrink_cuts_loops_and_detours():
    spec = checker.load(BREAKER)
    prog = Program(spec)
    names = [a.name for a in spec.actions]

    def step(s, name, branch=0):
        ai = names.index(name)
        out, errs = [], []
        prog.trace_fns[ai](s, out, errs, prog.bindings[ai][0])
        return (ai, prog.bindings[ai][0], out[branch])

    s0 = next(iter(prog.initial_states()))[0]
    path = [(None, None, prog.layout.pack(s0))]
    # succeed, fail, succeed, fail, fail (opens: failures never reset in Closed), tick, tick, trial fails: hung
    for name, branch in [("call_succeeds", 0), ("call_fails", 0), ("call_succeeds", 0), ("call_fails", 0),
                         ("call_fails", 0), ("tick", 0), ("tick", 0), ("call_after_timeout", 1)]:
        path.append(step(path[-1][2], name, branch))
    hung = spec.vars.index(next(v for v in spec.vars if v.name == "hung"))

    def goal(s):
        return prog.layout.unpack(s)[hung] is True

    assert goal(path[-1][2])
    out = shrink(prog, path, goal)
    assert [names[ai] for ai, _, _ in out[1:]] == ["call_fails"] * 3 + ["tick", "tick", "call_after_timeout"]
