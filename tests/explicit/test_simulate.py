"""--simulate: seeded random walks.  A violation is a real (replayable) trace;
no violation is unknown, never holds; the same seed gives the same walks."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

import checker
from checker.results import Verdict

from .replaying import assert_traces_replay

ROOT = Path(__file__).resolve().parents[2]
TICKET = ROOT / "tests" / "explicit" / "specs" / "ticket_sym.spec"
BREAKER = ROOT / "spec" / "breaker.spec"


def _sim(path, **kw):
    return checker.check(path, simulate=True, **kw)


def test_fixed_seed_finds_this_trace():
    # the walk as found (shrink=False); shrinking is tested in test_shrink.py
    r = _sim(TICKET, seed=1, walks=50, walk_depth=20, shrink=False)
    p = r.get("at_most_one_critical")
    assert p.verdict is Verdict.VIOLATED
    assert [s.label() for s in p.trace.steps] == [
        "init", "join(3)", "join(1)", "enter(3)", "join(2)", "leave(3)", "enter(1)", "enter(2)"]
    assert p.trace.steps[-1].state == {"phase": ("Critical", "Critical", "Idle"), "queue": (),
                                       "last": 2, "entries": 3}
    assert "not necessarily the shortest" in p.method
    # the exhaustive search finds a shorter one: simulation is not shortest
    assert len(checker.check(TICKET).get("at_most_one_critical").trace) == 4
    w = r.get("two_entered")
    assert w.verdict is Verdict.HOLDS and w.trace.kind == "witness" and len(w.trace) == 8
    assert r.stats.extra["simulation"] == {
        "seed": 1, "walks": 50, "walks_asked": 50, "walk_depth": 20, "steps": 1000,
        "steps_per_second": r.stats.extra["simulation"]["steps_per_second"], "distinct_states": 237}
    assert r.stats.states == 237 and not r.exhaustive and r.engine == "simulate"


def test_same_seed_same_result_other_seed_other_walks():
    def labels(res):
        return {p.name: [s.label() for s in p.trace.steps] if p.trace else None for p in res.properties}
    a, b = _sim(BREAKER, seed=3), _sim(BREAKER, seed=3)
    assert labels(a) == labels(b) and a.stats.states == b.stats.states
    assert a.stats.transitions == b.stats.transitions
    c = _sim(BREAKER, seed=4)
    assert labels(c) != labels(a) or c.stats.states != a.stats.states


def test_no_violation_is_unknown_never_holds():
    r = _sim(ROOT / "bench" / "breaker_n.spec", seed=0, walks=20, walk_depth=30, check_deadlock=False)
    for p in r.properties:
        assert p.verdict is Verdict.UNKNOWN
        assert p.method.startswith("simulation: 20 walks of depth 30 (seed 0), no violation")
    assert r.verdict is Verdict.UNKNOWN


@pytest.mark.parametrize("path", [BREAKER, TICKET, ROOT / "spec" / "config.spec"])
def test_simulation_traces_replay_and_verdicts_agree_with_the_search(path):
    spec = checker.load(path)
    sim = _sim(path, seed=5, walks=200, walk_depth=60)
    full = checker.check(path)
    for p in sim.properties:
        ref = full.get(p.name)
        if p.verdict is Verdict.VIOLATED:
            assert ref.verdict is Verdict.VIOLATED, p.name
            assert len(p.trace) >= len(ref.trace)              # BFS's is the shortest
        if p.verdict is Verdict.HOLDS:                          # a witness: reachable, so found by the search
            assert p.kind == "reachable" and ref.verdict is Verdict.HOLDS
    assert_traces_replay(spec, sim, engine="simulate")
    assert any(p.verdict is Verdict.VIOLATED for p in sim.properties)


def test_temporal_properties_are_not_checked():
    r = _sim(BREAKER, seed=0, walks=5, walk_depth=5)
    rec = r.get("recovers")
    assert rec.verdict is Verdict.UNKNOWN and rec.method.startswith("not checked")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "checker.cli", *map(str, args)], capture_output=True, text=True)


def test_cli_json_carries_the_simulation():
    r = _cli(TICKET, "--simulate", "--seed", 1, "--walks", 50, "--depth", 20, "--json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    res = doc["results"][0] if "results" in doc else doc
    assert res["engine"] == "simulate" and res["exhaustive"] is False
    assert res["stats"]["extra"]["simulation"]["walks"] == 50
    from schema_check import validate
    assert validate(doc) == []
    props = {p["name"]: p for p in res["properties"]}
    assert props["at_most_one_critical"]["verdict"] == "violated"
    assert props["typeok"]["verdict"] == "unknown"


@pytest.mark.parametrize("args,msg", [
    (["--simulate", "--engine", "bmc"], "--simulate"),
    (["--walks", "3"], "only with --simulate"),
    (["--simulate", "--max-states", "10"], "not with --simulate"),
])
def test_cli_rejects_impossible_combinations(args, msg):
    r = _cli(TICKET, *args)
    assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr
