"""Conformance of the executable models (models/*.py) to their specs, with
checker.conformance: Hypothesis drives each model with the spec's enabled
actions and checks every step against the spec's successors."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("hypothesis")
from hypothesis import settings  # noqa: E402

from checker.conformance import conformance_machine  # noqa: E402
from models.balancer import FixedLoadBalancer, LoadBalancer, ServiceInstance  # noqa: E402
from models.breaker import BreakerDeadlock, CircuitBreaker, CircuitOpenError  # noqa: E402
from models.client import FixedServiceClient, ServiceClient, ServiceError, ServiceRequest  # noqa: E402
from models.clock import Clock  # noqa: E402
from models.health import FixedHealthChecker, HealthChecker, HealthStatus  # noqa: E402
from models.registry import FixedServiceRegistry, ServiceInfo, ServiceRegistry  # noqa: E402
from models.system import System  # noqa: E402

SPEC = Path(__file__).resolve().parents[2] / "spec"
FAST = settings(max_examples=60, stateful_step_count=25, deadline=None)


# ---------------------------------------------------------------- breaker


class Boom(Exception):
    pass


def _boom():
    raise Boom()


def _breaker_state(b: CircuitBreaker) -> dict:
    waited = 0 if b.last_failure_time is None else min(int(b.clock.now() - b.last_failure_time), 2)
    return {"phase": b.state.value, "failures": b.failure_count, "waited": waited,
            "hung": b.wedged is not None}


def _fail(b):
    with pytest.raises(Boom):
        b.call(_boom)


def _trial_fails(b):
    with pytest.raises(BreakerDeadlock):
        b.call(_boom)


BreakerMachine = conformance_machine(
    str(SPEC / "breaker.spec"),
    factory=lambda: CircuitBreaker(3, 2, Clock()),
    state_of=_breaker_state,
    actions={"call_succeeds": lambda b: b.call(lambda: "ok"),
             "call_fails": _fail,
             "call_after_timeout": {"ok": lambda b: b.call(lambda: "ok"), "fails": _trial_fails},
             "tick": lambda b: b.clock.advance(1)},
    name="BreakerConformance")
TestBreakerConformance = FAST(BreakerMachine).TestCase


# ---------------------------------------------------------------- registry + health


class _RegistryWorld:
    """registry + one health checker + the network's up/down, as registry.spec."""

    def __init__(self, fixed: bool):
        self.reg = FixedServiceRegistry() if fixed else ServiceRegistry()
        self.up = {1: True, 2: True}
        probe = lambda s: self.up[int(s.id)]  # noqa: E731
        self.hc = FixedHealthChecker(probe, self.reg) if fixed else HealthChecker(probe)
        self.dereg_result = False
        self.dereg_was_present = False

    def state(self) -> dict:
        reg = self.reg
        log = {None: "Nothing", HealthStatus.HEALTHY: "LoggedHealthy",
               HealthStatus.UNHEALTHY: "LoggedUnhealthy"}
        out = {"registered": frozenset(int(i) for i in reg.services),
               "up": (self.up[1], self.up[2]),
               "logged": tuple(log[self.hc.last_logged(str(i))] for i in (1, 2)),
               "dereg_result": self.dereg_result, "dereg_was_present": self.dereg_was_present}
        if isinstance(reg, FixedServiceRegistry):
            out["marked_down"] = tuple(reg.marked_down.get(str(i), False) for i in (1, 2))
        return out

    def register(self, i, n):
        try:
            self.reg.register(ServiceInfo(str(i), n))
        except ValueError:
            pass  # FixedServiceRegistry: IdInUse -- no state change

    def deregister(self, i):
        self.dereg_was_present = str(i) in self.reg.services
        self.dereg_result = self.reg.deregister(str(i))


def _registry_machine(spec_file: str, fixed: bool):
    return conformance_machine(
        str(SPEC / spec_file),
        factory=lambda: _RegistryWorld(fixed),
        state_of=_RegistryWorld.state,
        actions={"register": _RegistryWorld.register,
                 "deregister": _RegistryWorld.deregister,
                 "crash": lambda w, i: w.up.__setitem__(i, False),
                 "recover": lambda w, i: w.up.__setitem__(i, True),
                 "monitor.probe": lambda w, i: w.hc.monitor_step(ServiceInfo(str(i), "?"))})


TestRegistryConformance = FAST(_registry_machine("registry.spec", False)).TestCase
TestRegistryFixedConformance = FAST(_registry_machine("registry_fixed.spec", True)).TestCase


def test_registry_rejection_is_not_a_spec_step():
    """In registry_fixed.spec a rejected register is no step at all; the
    conformance machine only offers enabled bindings, so the mapping's
    `except ValueError` above is never exercised by it.  Check it directly."""
    w = _RegistryWorld(True)
    w.register(1, "Orders")
    w.register(1, "Payments")
    assert w.reg.services["1"].name == "Orders"


# ---------------------------------------------------------------- balancer


WEIGHTS = {1: 1, 2: 2, 3: 1}


class _BalancerWorld:
    """A load balancer and the callers' requests in flight, as balancer*.spec."""

    def __init__(self, algo: str, fixed: bool):
        self.k = 0
        cls = FixedLoadBalancer if fixed else LoadBalancer
        self.lb = cls(algo, rng=lambda n: self.k)
        self.algo = algo

    def state(self) -> dict:
        lb = self.lb
        conns = {int(i.id): i.connections for i in lb.instances}
        out = {"algo": self.algo, "pool": tuple(int(i.id) for i in lb.instances),
               "current_index": lb.current_index,
               "connections": tuple(conns.get(i, 0) for i in (1, 2, 3))}
        return out

    def add(self, i):
        self.lb.add_instance(ServiceInstance(str(i), weight=WEIGHTS[i]))

    def request(self, k):
        self.k = k
        self.lb.select_instance()

    def finish(self, i):
        if isinstance(self.lb, FixedLoadBalancer):
            self.lb.release(str(i))


def _balancer_machine(spec_file: str, algo: str, fixed: bool):
    def factory():
        return _BalancerWorld(algo, fixed)

    return conformance_machine(
        str(SPEC / spec_file), factory=factory, state_of=_BalancerWorld.state,
        actions={"add_instance": _BalancerWorld.add, "request": _BalancerWorld.request,
                 "finish": _BalancerWorld.finish},
        name=f"Balancer{algo}{'Fixed' if fixed else ''}Conformance")


ALGOS = ("RoundRobin", "WeightedRoundRobin", "LeastConnections", "Random")


@pytest.mark.parametrize("fixed", [False, True], ids=["faithful", "fixed"])
@pytest.mark.parametrize("algo", ALGOS)
def test_balancer_conformance(algo, fixed):
    from hypothesis.stateful import run_state_machine_as_test
    m = _balancer_machine("balancer_fixed.spec" if fixed else "balancer.spec", algo, fixed)
    run_state_machine_as_test(m, settings=FAST)


class _RemoveWorld(_BalancerWorld):
    def state(self) -> dict:
        return {"pool": tuple(int(i.id) for i in self.lb.instances), "current_index": self.lb.current_index}


def test_balancer_remove_fixed_conformance():
    from hypothesis.stateful import run_state_machine_as_test
    m = conformance_machine(
        str(SPEC / "balancer_remove_fixed.spec"),
        factory=lambda: _RemoveWorld("RoundRobin", True), state_of=_RemoveWorld.state,
        actions={"add_instance": _BalancerWorld.add, "select": lambda w: w.lb.select_instance(),
                 "remove_instance": lambda w, i: w.lb.remove_instance(str(i))})
    run_state_machine_as_test(m, settings=FAST)


# ---------------------------------------------------------------- client


class _ClientWorld:
    def __init__(self, fixed: bool):
        self.reg = ServiceRegistry()
        self.fixed = fixed
        if fixed:
            self.client = FixedServiceClient(self.reg, sort_key=int)
        else:
            self.lb = LoadBalancer("RoundRobin")
            self.client = ServiceClient(self.reg, self.lb)
        self.last_service = "Orders"
        self.outcome = "NoCall"

    def state(self) -> dict:
        t = self.client.last_target
        out = {"registered": frozenset(int(i) for i in self.reg.services),
               "last_service": self.last_service, "outcome": self.outcome,
               "target": int(t.id) if (t and self.outcome == "Sent") else 0}
        if self.fixed:
            out["cursor"] = tuple(int(self.client.cursor.get(n, 0)) for n in ("Orders", "Payments"))
        else:
            out["pool"] = tuple(int(i.id) for i in self.lb.instances)
            out["current_index"] = self.lb.current_index
        return out

    def call(self, n, *_i):
        self.last_service = n
        try:
            self.client.call_service(ServiceRequest(n))
            self.outcome = "Sent"
        except ServiceError as e:
            self.outcome = "NotFound" if "not found" in str(e) else "NoInstance"


def test_client_conformance():
    from hypothesis.stateful import run_state_machine_as_test
    m = conformance_machine(
        str(SPEC / "client.spec"), factory=lambda: _ClientWorld(False), state_of=_ClientWorld.state,
        actions={"register": lambda w, i, n: w.reg.register(ServiceInfo(str(i), n)),
                 "deregister": lambda w, i: w.reg.deregister(str(i)),
                 "wire": lambda w, i: w.lb.add_instance(ServiceInstance(str(i))),
                 "call": _ClientWorld.call})
    run_state_machine_as_test(m, settings=FAST)


def test_client_fixed_conformance():
    from hypothesis.stateful import run_state_machine_as_test
    m = conformance_machine(
        str(SPEC / "client_fixed.spec"), factory=lambda: _ClientWorld(True), state_of=_ClientWorld.state,
        actions={"register": lambda w, i, n: w.reg.register(ServiceInfo(str(i), n)),
                 "deregister": lambda w, i: w.reg.deregister(str(i)),
                 "call_unknown": _ClientWorld.call,
                 "call": _ClientWorld.call})
    run_state_machine_as_test(m, settings=FAST)


# ---------------------------------------------------------------- system


def _system_state(s: System) -> dict:
    b = s.breaker
    waited = 0 if b.last_failure_time is None else min(int(s.clock.now() - b.last_failure_time), 1)
    return {"up": (s.up["1"], s.up["2"]), "current_index": s.balancer.current_index,
            "phase": b.state.value, "failures": b.failure_count, "waited": waited,
            "hung": b.wedged is not None}


def test_system_conformance():
    from hypothesis.stateful import run_state_machine_as_test
    m = conformance_machine(
        str(SPEC / "system.spec"), factory=System, state_of=_system_state,
        actions={"crash": lambda s, i: s.crash(str(i)), "recover": lambda s, i: s.recover(str(i)),
                 "tick": lambda s: s.tick(1), "call": lambda s, n: s.call(n)})
    run_state_machine_as_test(m, settings=FAST)


# ---------------------------------------------------------------- the check can fail


class _ResettingBreaker(CircuitBreaker):
    """A breaker that (sensibly, but unlike the document) resets the counter
    on a success in Closed: breaker.spec must reject it."""

    def on_success(self):
        super().on_success()
        self.failure_count = 0


def test_conformance_catches_a_deviation_and_prints_a_replay():
    from hypothesis import HealthCheck
    from hypothesis.stateful import run_state_machine_as_test
    from checker.conformance import ConformanceError
    m = conformance_machine(
        str(SPEC / "breaker.spec"),
        factory=lambda: _ResettingBreaker(3, 2, Clock()),
        state_of=_breaker_state,
        actions={"call_succeeds": lambda b: b.call(lambda: "ok"), "call_fails": _fail,
                 "call_after_timeout": {"ok": lambda b: b.call(lambda: "ok"), "fails": _trial_fails},
                 "tick": lambda b: b.clock.advance(1)})
    with pytest.raises(ConformanceError) as e:
        run_state_machine_as_test(m, settings=settings(FAST, max_examples=200,
                                                       suppress_health_check=list(HealthCheck)))
    assert "call_succeeds: the object's new state is not a successor" in str(e.value)
