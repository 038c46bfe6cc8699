"""Theorem 9.1 on the corrected components: spec/system_fixed.spec and
models/system.py FixedSystem.  The explicit engine's state counts and
verdicts pinned; the counterexamples of spec/system.spec replayed on the
fixed model; the model checked against the spec with checker.conformance."""
from __future__ import annotations

from pathlib import Path

import pytest

import checker
from models.breaker import CircuitState
from models.system import FixedSystem, System

SPEC = Path(__file__).resolve().parents[2] / "spec"
FIXED = SPEC / "system_fixed.spec"

HYPS = ("hyp1_independence", "hyp2_reliable_communication", "hyp3_fault_isolation", "system_correct")
REACH = ("correct_answer", "other_service_served_while_one_is_open", "rejected_by_own_failures",
         "failed_trial_reopens", "recovered_but_hidden")


def _verdicts(r) -> dict:
    return {p: (r.get(p).verdict.value, len(r.get(p).trace) if r.get(p).trace else None)
            for p in HYPS + REACH + ("typeok", "deadlock")}


def _steps(trace) -> list[str]:
    return [s.action + (f"({', '.join(str(a) for a in s.args)})" if s.args else "")
            for s in trace.steps if s.action]


HOLD = {p: ("holds", None) for p in HYPS + ("typeok", "deadlock")}

# consts -> (states, shortest witness length (steps) of each reachable goal)
CASES = {
    "defaults": ({}, 16784, dict(zip(REACH, (1, 4, 4, 5, 4)))),
    "T1": ({"THRESHOLD": 1}, 11920, dict(zip(REACH, (1, 3, 3, 4, 4)))),
    "T3_TO2": ({"THRESHOLD": 3, "TIMEOUT": 2}, 39568, dict(zip(REACH, (1, 5, 5, 7, 4)))),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_explicit_every_hypothesis_and_the_conclusion_hold(case):
    consts, states, reach = CASES[case]
    r = checker.check(str(FIXED), consts or None)
    assert r.stats.states == states
    want = dict(HOLD)
    want.update({g: ("holds", n) for g, n in reach.items()})
    assert _verdicts(r) == want


def test_witnesses_read_as_the_fixes_say():
    r = checker.check(str(FIXED))
    # independence: Orders' breaker open, Payments served
    assert _steps(r.get("other_service_served_while_one_is_open").trace) == [
        "crash(1)", "call(Orders, 1)", "call(Orders, 1)", "call(Payments, 2)"]
    # fault isolation: the failed trial re-opens, the call returns
    assert _steps(r.get("failed_trial_reopens").trace) == [
        "crash(1)", "call(Orders, 1)", "call(Orders, 1)", "tick", "call(Orders, 1)"]
    # the health checker's lag: recovered, not yet re-probed, "not found"
    assert _steps(r.get("recovered_but_hidden").trace) == [
        "crash(1)", "monitor.probe(1)", "recover(1)", "call_unknown(Orders)"]


def test_two_orders_instances_conclusion_needs_failover():
    """INSTANCES = 3 (a second Orders instance): the hypotheses hold, the
    conclusion does not -- a request goes to a crashed instance the health
    checker has not caught yet, although the other Orders instance is up;
    the corrected client does not retry on another instance."""
    r = checker.check(str(FIXED), {"INSTANCES": 3})
    assert r.stats.states == 127168
    v = _verdicts(r)
    assert {p: v[p] for p in HYPS} == {"hyp1_independence": ("holds", None),
                                       "hyp2_reliable_communication": ("holds", None),
                                       "hyp3_fault_isolation": ("holds", None),
                                       "system_correct": ("violated", 2)}
    assert _steps(r.get("system_correct").trace) == ["crash(1)", "call(Orders, 1)"]


def test_system_spec_conclusion_cannot_hold_with_a_health_aware_registry():
    """With system.spec's requested_up ("some instance of n is up"), ignoring
    what the health checker has seen, system_correct fails on the detection
    lag: the recovered instance is still hidden."""
    text = FIXED.read_text()
    old = "requested_up = exists j in Id: name_of[j] == n and up[j] and not marked_down[j]"
    assert text.count(old) == 3
    r = checker.check(text.replace(old, "requested_up = exists j in Id: name_of[j] == n and up[j]"),
                      filename=str(SPEC / "system_fixed_mutant.spec"))  # its imports are found next to it
    p = r.get("system_correct")
    assert p.verdict.value == "violated"
    assert _steps(p.trace) == ["crash(1)", "monitor.probe(1)", "recover(1)", "call_unknown(Orders)"]


def test_system_spec_verdicts_unchanged():
    """The document's composition, for contrast (pinned in test_client_model.py too)."""
    r = checker.check(str(SPEC / "system.spec"))
    assert r.stats.states == 420
    assert {p: r.get(p).verdict.value for p in HYPS} == {p: "violated" for p in HYPS}


# ---------------------------------------------------------------- the model


def test_model_payments_request_answered_by_payments():
    s, f = System(), FixedSystem()
    assert s.call("Payments") == "Ok" and s.answered_by == "1"   # the document: Orders answers
    assert f.call("Payments") == "Ok" and f.answered_by == "2"


def test_model_orders_failures_do_not_reject_payments():
    f = FixedSystem()
    f.crash("1")
    f.crash("2")
    assert [f.call("Orders"), f.call("Orders")] == ["Failed", "Failed"]
    assert f.breakers["Orders"].state is CircuitState.OPEN
    assert f.call("Orders") == "Rejected"
    f.recover("2")
    assert f.call("Payments") == "Ok"                            # its own breaker is closed


def test_model_failed_trial_reopens_and_returns():
    f = FixedSystem()
    f.crash("1")
    f.call("Orders")
    f.call("Orders")
    f.tick()
    assert f.call("Orders") == "Failed"                          # the trial: no hang
    assert f.breakers["Orders"].state is CircuitState.OPEN
    assert f.call("Orders") == "Rejected"                        # timeout restarted
    f.recover("1")
    f.tick()
    assert f.call("Orders") == "Ok"                              # the next trial closes it
    assert f.breakers["Orders"].state is CircuitState.CLOSED


def test_model_health_checker_hides_a_dead_instance():
    f = FixedSystem(instances={"1": "Orders", "2": "Payments", "3": "Orders"})
    f.crash("1")
    assert f.call("Orders") == "Failed"                          # not probed yet: the lag
    f.probe("1")
    assert [f.call("Orders"), f.answered_by] == ["Ok", "3"]
    assert [f.call("Orders"), f.answered_by] == ["Ok", "3"]     # 1 stays hidden
    f.recover("1")
    f.probe("1")
    assert [f.call("Orders"), f.answered_by] == ["Ok", "1"]     # back in the rotation


# ---------------------------------------------------------------- conformance


class _World:
    """FixedSystem plus the spec's record of the last call."""

    def __init__(self, instances: int):
        names = {"1": "Orders", "2": "Payments", "3": "Orders"}
        self.ids = [str(i) for i in range(1, instances + 1)]
        self.s = FixedSystem(instances={i: names[i] for i in self.ids})
        self.last_service, self.outcome, self.target = "Orders", "NoCall", 0

    def call(self, n: str, *_chosen) -> None:
        # the spec's call(n, i) names the instance it selects; the model
        # selects by itself -- `target` must then agree
        self.last_service = n
        self.outcome = self.s.call(n)
        t = self.s.client.last_target
        self.target = int(t.id) if self.outcome in ("Ok", "Failed") else 0

    def state(self) -> dict:
        s = self.s
        waited = []
        for n in ("Orders", "Payments"):
            b = s.breakers[n]
            waited.append(min(int(s.clock.now() - b.last_failure_time), 1)
                          if b.state is CircuitState.OPEN else 0)
        return {"name_of": tuple(s.instances[i] for i in self.ids),
                "up": tuple(s.up[i] for i in self.ids),
                "marked_down": tuple(s.registry.marked_down.get(i, False) for i in self.ids),
                "cursor": tuple(int(s.client.cursor.get(n, 0)) for n in ("Orders", "Payments")),
                "phase": tuple(s.breakers[n].state.value for n in ("Orders", "Payments")),
                "failures": tuple(s.breakers[n].failure_count for n in ("Orders", "Payments")),
                "waited": tuple(waited), "hung": False,
                "last_service": self.last_service, "outcome": self.outcome, "target": self.target}


@pytest.mark.parametrize("instances", [2, 3])
def test_model_conforms_to_system_fixed_spec(instances):
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test
    from checker.conformance import conformance_machine

    m = conformance_machine(
        str(FIXED), consts={"INSTANCES": instances}, factory=lambda: _World(instances),
        state_of=_World.state,
        actions={"crash": lambda w, i: w.s.crash(str(i)), "recover": lambda w, i: w.s.recover(str(i)),
                 "monitor.probe": lambda w, i: w.s.probe(str(i)), "tick": lambda w: w.s.tick(1),
                 "call_rejected": _World.call, "call_unknown": _World.call, "call": _World.call},
        # system_correct is violated with INSTANCES = 3 (see above): check the rest
        invariants=HYPS if instances == 2 else HYPS[:3],
        name=f"SystemFixed{instances}Conformance")
    run_state_machine_as_test(m, settings=settings(max_examples=60, stateful_step_count=25, deadline=None,
                                                   derandomize=True, database=None,
                                                   suppress_health_check=list(HealthCheck)))


def test_conformance_catches_a_shared_breaker():
    """Not vacuous: the same model with ONE breaker shared by both services
    (the document's wiring) fails the check."""
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test
    from checker.conformance import ConformanceError, conformance_machine

    def shared():
        w = _World(2)
        one = w.s.breakers["Orders"]
        w.s.breakers = {"Orders": one, "Payments": one}
        return w

    m = conformance_machine(
        str(FIXED), factory=shared, state_of=_World.state,
        actions={"crash": lambda w, i: w.s.crash(str(i)), "recover": lambda w, i: w.s.recover(str(i)),
                 "monitor.probe": lambda w, i: w.s.probe(str(i)), "tick": lambda w: w.s.tick(1),
                 "call_rejected": _World.call, "call_unknown": _World.call, "call": _World.call})
    with pytest.raises(ConformanceError, match="the object's new state is not a successor"):
        run_state_machine_as_test(m, settings=settings(max_examples=100, stateful_step_count=25,
                                                       deadline=None, derandomize=True, database=None,
                                                       suppress_health_check=list(HealthCheck)))
