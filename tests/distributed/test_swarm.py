"""Swarm simulation finds the document's breaker deadlock, locally (processes)
and under mpiexec (ranks), with the same shrunk trace; a clean run is unknown."""
from __future__ import annotations

import os

import checker
from checker import load
from checker.results import Verdict
from checker.interp import successors

from .mpi_run import ROOT, local_verify, mpi_verify, require_mpi

DEADLOCK = ["spec/breaker.spec", "--simulate", "--swarm", "4", "--property", "deadlock"]


def _trace(doc):
    (p,) = doc["results"][0]["properties"]
    assert p["name"] == "deadlock" and p["verdict"] == "violated"
    return [(s["action"], s["args"], s["state"]) for s in p["trace"]["steps"]]


def assert_real_deadlock(steps) -> None:
    """every step is a step of the spec (reference interpreter), the last state has none"""
    spec = load(os.path.join(ROOT, "spec/breaker.spec"))
    for (_a, _x, before), (action, args, after) in zip(steps, steps[1:]):
        assert any(a == action and tuple(x) == tuple(args) and nxt == after
                   for a, x, nxt in successors(spec, before)), (action, args)
    assert list(successors(spec, steps[-1][2])) == []


def test_swarm_finds_the_breaker_deadlock_locally():
    code, doc = local_verify(DEADLOCK)
    assert code == 1
    steps = _trace(doc)
    assert_real_deadlock(steps)
    # shrunk from the walk's 7 steps to 6, the shortest (the exhaustive search's length)
    assert len(steps) - 1 == 6
    assert [a for a, _x, _s in steps[1:]] == ["call_fails"] * 3 + ["tick"] * 2 + ["call_after_timeout"]
    swarm = doc["results"][0]["notes"][0]
    assert swarm.startswith("swarm simulation: 4 walkers")


def test_swarm_under_mpiexec_gives_the_same_trace():
    require_mpi()
    code, doc, err = mpi_verify(2, DEADLOCK + ["--distributed"])
    assert code == 1, err
    _c, local = local_verify(DEADLOCK)
    assert _trace(doc) == _trace(local)
    facts = doc["results"][0]["stats"]["extra"]["swarm"]
    assert facts["where"] == "2 MPI ranks" and facts["walkers"] == 4
    assert facts["steps"] > 0 and facts["distinct_states"] > 0


def test_swarm_on_config_goes_past_witnesses_to_a_violation():
    """A reachability witness does not stop the swarm (it is no violation);
    the first invariant violation does.  Every property of the spec is
    reported, temporal ones as not checked (unknown), as with --simulate."""
    r = checker.check(os.path.join(ROOT, "spec/config.spec"), simulate=True, swarm=4, seed=3)
    plain = checker.check(os.path.join(ROOT, "spec/config.spec"), simulate=True, walks=1, walk_depth=1)
    assert [p.name for p in r.properties] == [p.name for p in plain.properties]
    props = {p.name: p for p in r.properties}
    blocked = props["no_writer_blocked_forever"]
    assert blocked.verdict == Verdict.VIOLATED
    assert len(blocked.trace) == 9          # shrunk to the shortest (README: 9)
    spec = load(os.path.join(ROOT, "spec/config.spec"))
    steps = blocked.trace.steps
    for before, step in zip(steps, steps[1:]):
        assert any(a == step.action and tuple(x) == tuple(step.args) and nxt == step.state
                   for a, x, nxt in successors(spec, before.state)), step.action
    assert props["change_delivered"].verdict == Verdict.HOLDS       # a witness on the way
    for name in ("watchers_get_latest", "writers_finish"):
        assert props[name].verdict == Verdict.UNKNOWN and "not checked" in props[name].method


def test_clean_swarm_stays_unknown():
    code, doc = local_verify(["spec/breaker_fixed.spec", "--simulate", "--swarm", "3",
                              "--walks", "4", "--depth", "15"])
    assert code == 3
    verdicts = {p["verdict"] for p in doc["results"][0]["properties"]}
    assert verdicts == {"unknown"}
