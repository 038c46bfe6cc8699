"""pdr's counterexamples from Spacer's own path (horn_clauses.py): a real
path (Z3 replays it through the transition relation; the reference
interpreter replays its ITF export), ending in a violation; and the fallback
to bmc when Spacer's path is unusable."""
import json
from pathlib import Path

import pytest

from checker.cli import main
from checker.interp import StepError, invariant_failures, run_action, successors
from checker.lang import load_text
from checker.options import Options
from checker.replay import read_trace, replay
from checker.report.itf import trace_to_itf
from checker.results import DEADLOCK, INVARIANT, TYPEOK, Verdict
from checker.symbolic import horn_clauses, pdr
from checker.symbolic.common import Clock, build_props, configure, wanted
from checker.symbolic.encode import Encoder

import specs

ROOT = Path(__file__).resolve().parents[2]
SPACER = "not necessarily shortest"

# x climbs to 10 one step at a time; `small` fails once x exceeds N + 2, so
# the path Spacer finds fixes a value of the symbolic N (any N <= 7)
SYMBOLIC = """spec climb
const N: int where N >= 1 = 3
var x: 0..10 = 0
action inc {
  require x < 10
  x = x + 1
}
invariant small: x <= N + 2
"""


def _prop(spec, name):
    configure(0)
    enc = Encoder(spec)
    props = build_props(enc, wanted(spec, Options()))
    return enc, next(p for p in props if p.name == name)


def _replays_to_violation(spec, prop, trace):
    """Through ITF and back, every recorded step (action, arguments, state)
    is one the reference interpreter allows, and the last state violates the
    property."""
    doc = trace_to_itf(trace, spec)
    steps = trace.steps
    if prop.kind == TYPEOK:  # the last state holds a value outside its type
        doc["states"] = doc["states"][:-1]
    records = read_trace(json.dumps(doc), spec)
    r = replay(spec, records, check_invariants=False)
    assert r.ok, f"{prop.name}: {r.problem}"
    if prop.kind == INVARIANT:
        assert prop.name in [n for n, _ in invariant_failures(spec, steps[-1].state)]
    elif prop.kind == TYPEOK:
        last = steps[-1]
        assert any(isinstance(o, StepError) for o in run_action(spec, last.action, tuple(last.args), steps[-2].state))
    elif prop.kind == DEADLOCK:
        assert successors(spec, steps[-1].state) == []


@pytest.mark.parametrize("text, names", [
    (specs.COUNTER, {"small": 4, "typeok": 6}),
    ((ROOT / "spec" / "breaker.spec").read_text(),
     {"open_only_after_consecutive_failures": 4, "failure_count_within_threshold": 6,
      "calls_always_return": 6, "deadlock": 6}),
])
def test_spacer_traces_are_real_paths_to_the_violation(text, names):
    spec = load_text(text)
    r = pdr.check(spec, Options(timeout=60))
    for name, shortest in names.items():
        p = r.get(name)
        assert p.verdict is Verdict.VIOLATED, (name, p.method, p.detail)
        assert SPACER in p.method and f"({len(p.trace)} steps, {SPACER})" in p.method
        assert len(p.trace) >= shortest
        assert p.trace.kind == "counterexample"
        _replays_to_violation(spec, p, p.trace)


def test_spacer_path_states_are_the_trace_states():
    spec = load_text(specs.COUNTER)
    enc, p = _prop(spec, "small")
    path, why = horn_clauses.ground_path(enc, p.bad, 0, Clock(60))
    assert why == "" and path.consts == []
    assert [[v.as_long() for v in st] for st in path.states] == [[0], [1], [2], [3], [4]]
    found = pdr.prove(enc, p, Options(timeout=60), Clock(60))[1]
    assert [s.state["x"] for s in found.trace.steps] == [0, 1, 2, 3, 4]
    assert not found.shortest


def test_symbolic_constant_is_fixed_by_spacer_and_the_trace_replays_with_it():
    r = pdr.check(load_text(SYMBOLIC, generalize=True), Options(timeout=60))
    p = r.get("small")
    assert p.verdict is Verdict.VIOLATED and SPACER in p.method
    n = r.consts["N"]
    assert 1 <= n <= 7 and f"N = {n}" in p.detail
    assert len(p.trace) == n + 3 and p.trace.steps[-1].state == {"x": n + 3}
    concrete = load_text(SYMBOLIC, consts={"N": n})
    _replays_to_violation(concrete, p, p.trace)


def test_replay_model_checks_the_path_against_the_transition_relation():
    """The generic replay (any encoder-like object): Spacer's path has a
    model; the same path with its last state moved back to a safe one has none."""
    spec = load_text(specs.COUNTER)
    enc, p = _prop(spec, "small")
    path, _ = horn_clauses.ground_path(enc, p.bad, 0, Clock(60))
    m, u = horn_clauses.replay_model(enc, path, p.bad, 0, Clock(60))
    assert [m.eval(u.state(t).values["x"]).as_long() for t in range(5)] == [0, 1, 2, 3, 4]
    safe = horn_clauses.GroundPath(path.consts, path.states[:-1] + [path.states[-2]])
    m, why = horn_clauses.replay_model(enc, safe, p.bad, 0, Clock(60))
    assert m is None and "not a path" in why


def _corrupted(enc, bad, seed, clock, assume=None):
    """Spacer's real path with the step 1 -> 2 made impossible (x jumps to 3)."""
    path, why = horn_clauses.ground_path(enc, bad, seed, clock, assume)
    assert path is not None, why
    states = [list(s) for s in path.states]
    states[2] = list(states[3])
    return horn_clauses.GroundPath(path.consts, states), ""


def _no_answer(enc, bad, seed, clock, assume=None):
    return None, "no ground answer (test)"


@pytest.mark.parametrize("ground, why", [
    (_corrupted, "it is not a path of the transition relation to a bad state"),
    (_no_answer, "no ground answer (test)"),
])
def test_unusable_spacer_path_falls_back_to_bmc(ground, why):
    spec = load_text(specs.COUNTER)
    enc, p = _prop(spec, "small")
    what, found, _ = pdr.prove(enc, p, Options(timeout=60), Clock(60), ground_path=ground)
    assert what == "violated"
    assert found.shortest and found.unused_spacer_path == why
    assert [s.state["x"] for s in found.trace.steps] == [0, 1, 2, 3, 4]
    method = pdr._trace_method(found)
    assert method == ("PDR (Spacer); trace by bounded model checking (4 steps; "
                      f"Spacer's own path was unusable: {why})")
    assert SPACER not in method


def test_cli_exports_the_spacer_trace_and_replay_accepts_it(tmp_path, capsys):
    path = tmp_path / "counter.spec"
    path.write_text(specs.COUNTER)
    out = tmp_path / "itf"
    assert main([str(path), "--engine", "pdr", "--itf", str(out), "--json"]) == 1
    res = json.loads(capsys.readouterr().out)["results"][0]
    small = next(p for p in res["properties"] if p["name"] == "small")
    assert SPACER in small["method"]
    f = out / "counter.small.itf.json"
    code = main(["replay", str(path), str(f)])
    text = capsys.readouterr().out
    # every step is allowed; the last state reached (ITF index 4) violates the invariant
    assert code == 1, text
    assert text.startswith(f"{f}: state 4: a legal trace of spec counter that violates invariant small")
    assert "the first 5 of 5 records are all steps the spec allows" in text
