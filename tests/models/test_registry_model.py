"""Tests of the registry and health-checker models (models/registry.py,
models/health.py): each flaw of sections 3.1/3.2 of the design document
reproduced on the faithful model, the same scenario on the fixed one, and the
explicit engine's verdicts on spec/registry*.spec pinned."""
from __future__ import annotations

from pathlib import Path

import pytest

import checker
from models.health import FixedHealthChecker, HealthChecker, HealthStatus
from models.registry import FixedServiceRegistry, IdInUse, ServiceInfo, ServiceRegistry

SPEC = Path(__file__).resolve().parents[2] / "spec"


def test_discover_returns_registered_instances_of_that_name_only():
    r = ServiceRegistry()
    r.register(ServiceInfo("1", "Orders"))
    r.register(ServiceInfo("2", "Payments"))
    assert [s.id for s in r.discover("Orders")] == ["1"]
    assert r.discover("Nothing") == []


def test_deregister_removes_and_reports_presence():
    r = ServiceRegistry()
    r.register(ServiceInfo("1", "Orders"))
    assert r.deregister("1") is True
    assert r.discover("Orders") == []
    assert r.deregister("1") is False


def test_faithful_reregistration_under_another_name_silently_moves_the_id():
    r = ServiceRegistry()
    r.register(ServiceInfo("1", "Orders"))
    r.register(ServiceInfo("1", "Payments"))   # `services.insert(id, ..)` replaces
    assert r.discover("Orders") == []           # Orders lost its instance; nobody deregistered it
    assert [s.id for s in r.discover("Payments")] == ["1"]


def test_fixed_rejects_an_id_registered_under_another_name():
    r = FixedServiceRegistry()
    r.register(ServiceInfo("1", "Orders"))
    with pytest.raises(IdInUse):
        r.register(ServiceInfo("1", "Payments"))
    assert [s.id for s in r.discover("Orders")] == ["1"]
    r.register(ServiceInfo("1", "Orders", port=81))   # same name: replaces (a restart)
    assert r.discover("Orders")[0].port == 81


def test_faithful_health_checker_only_logs_and_dead_instance_stays_discoverable():
    r = ServiceRegistry()
    up = {"1": True}
    hc = HealthChecker(lambda s: up[s.id])
    svc = ServiceInfo("1", "Orders")
    r.register(svc)
    up["1"] = False
    assert hc.monitor_step(svc) is HealthStatus.UNHEALTHY
    assert hc.log[-1] == ("warn", "1", "Service 1 is unhealthy")
    assert [s.id for s in r.discover("Orders")] == ["1"]     # still handed out


def test_check_health_never_returns_unknown_errors_are_unhealthy():
    def boom(_):
        raise TimeoutError()
    assert HealthChecker(boom).check_health(ServiceInfo("1", "x")) is HealthStatus.UNHEALTHY


def test_fixed_health_checker_hides_and_restores():
    r = FixedServiceRegistry()
    up = {"1": True}
    hc = FixedHealthChecker(lambda s: up[s.id], r)
    svc = ServiceInfo("1", "Orders")
    r.register(svc)
    up["1"] = False
    hc.monitor_step(svc)
    assert r.discover("Orders") == []
    up["1"] = True
    hc.monitor_step(svc)
    assert [s.id for s in r.discover("Orders")] == ["1"]


# ---------------------------------------------------------------- the specs' verdicts

VERDICTS = {
    "registry": (3492, {"discover_returns_exactly_registered": ("violated", 2),
                        "deregister_removes": ("holds", None),
                        "reregistration_replaces": ("holds", None),
                        "deregister_reports_presence": ("holds", None),
                        "unhealthy_not_discoverable": ("violated", 3),
                        "typeok": ("holds", None), "deadlock": ("holds", None)}),
    "registry_fixed": (1764, {"discover_returns_exactly_registered": ("holds", None),
                              "deregister_removes": ("holds", None),
                              "reregistration_replaces": ("holds", None),
                              "deregister_reports_presence": ("holds", None),
                              "unhealthy_not_discoverable": ("holds", None),
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


def test_registry_counterexample_is_the_silent_move():
    tr = checker.check(str(SPEC / "registry.spec")).trace("discover_returns_exactly_registered")
    assert [s.label() for s in tr.steps] == ["init", "register(1, Orders)", "register(1, Payments)"]
