"""Tests of the service-client models (models/client.py) and the theorem 9.1
composition (models/system.py): the flaws of sections 5.1 and 9.1 of the
design document reproduced, the fix shown, and the explicit engine's
verdicts on spec/client*.spec and spec/system.spec pinned."""
from __future__ import annotations

from pathlib import Path

import pytest

import checker
from models.balancer import LoadBalancer, ServiceInstance
from models.client import FixedServiceClient, ServiceClient, ServiceError, ServiceRequest
from models.registry import ServiceInfo, ServiceRegistry
from models.system import System

SPEC = Path(__file__).resolve().parents[2] / "spec"


def faithful():
    reg = ServiceRegistry()
    lb = LoadBalancer("RoundRobin")
    return reg, lb, ServiceClient(reg, lb)


def test_call_for_one_service_goes_to_another_services_instance():
    reg, lb, c = faithful()
    reg.register(ServiceInfo("1", "Orders"))
    reg.register(ServiceInfo("2", "Payments"))
    lb.add_instance(ServiceInstance("1"))
    c.call_service(ServiceRequest("Payments"))
    assert c.last_target.id == "1"               # Orders' instance answers a Payments request


def test_deregistered_instance_keeps_receiving_requests():
    reg, lb, c = faithful()
    reg.register(ServiceInfo("1", "Orders"))
    reg.register(ServiceInfo("2", "Orders"))
    lb.add_instance(ServiceInstance("1"))
    reg.deregister("1")
    c.call_service(ServiceRequest("Orders"))
    assert c.last_target.id == "1"


def test_registered_service_fails_with_an_empty_pool():
    reg, lb, c = faithful()
    reg.register(ServiceInfo("1", "Orders"))
    with pytest.raises(ServiceError, match="No available service instances"):
        c.call_service(ServiceRequest("Orders"))


def test_unknown_service_is_not_found():
    _, _, c = faithful()
    with pytest.raises(ServiceError, match="Service not found"):
        c.call_service(ServiceRequest("Orders"))


def test_fixed_client_selects_among_discovered_instances_round_robin():
    reg = ServiceRegistry()
    c = FixedServiceClient(reg, sort_key=int)
    reg.register(ServiceInfo("1", "Orders"))
    reg.register(ServiceInfo("2", "Payments"))
    reg.register(ServiceInfo("3", "Orders"))
    targets = []
    for _ in range(3):
        c.call_service(ServiceRequest("Orders"))
        targets.append(c.last_target.id)
    assert targets == ["1", "3", "1"]
    reg.deregister("1")
    c.call_service(ServiceRequest("Orders"))
    assert c.last_target.id == "3"


def test_system_answers_a_payments_request_with_orders():
    s = System()
    assert s.call("Payments") == "Ok" and s.answered_by == "1"


def test_system_one_services_failures_reject_the_other():
    s = System()
    s.crash("1")
    s.crash("2")
    assert [s.call("Orders"), s.call("Orders")] == ["Failed", "Failed"]
    s.recover("2")
    assert s.call("Payments") == "Rejected"      # the one breaker is open for everyone


def test_system_failed_trial_hangs_every_service():
    s = System()
    s.crash("1")
    s.crash("2")
    s.call("Orders")
    s.call("Orders")
    s.tick()
    assert s.call("Orders") == "Hung"
    s.recover("1")
    s.recover("2")
    assert s.call("Payments") == "Hung"


VERDICTS = {
    "client": (1616, {"call_reaches_requested_service": ("violated", 4),
                      "call_reaches_registered_instance": ("violated", 5),
                      "registered_service_is_callable": ("violated", 2),
                      "unknown_service_not_found": ("holds", None),
                      "typeok": ("holds", None), "deadlock": ("holds", None)}),
    "client_fixed": (496, {n: ("holds", None) for n in (
        "call_reaches_requested_service", "call_reaches_registered_instance",
        "registered_service_is_callable", "unknown_service_not_found", "typeok", "deadlock")}),
    "system": (420, {"hyp1_independence": ("violated", 5),
                     "hyp2_reliable_communication": ("violated", 1),
                     "hyp3_fault_isolation": ("violated", 6),
                     "system_correct": ("violated", 1),
                     "typeok": ("holds", None), "deadlock": ("holds", None)}),
}


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_explicit_engine_verdicts(name):
    states, want = VERDICTS[name]
    r = checker.check(str(SPEC / f"{name}.spec"))
    assert r.stats.states == states
    for prop, (verdict, length) in want.items():
        p = r.get(prop)
        assert p.verdict.value == verdict, prop
        assert (len(p.trace) if p.trace else None) == length, prop
