"""The composition of spec/system.spec (theorem 9.1): the document's own
registry, round-robin load balancer, ServiceClient and CircuitBreaker.

Two services, one instance each (``"1"``: Orders, ``"2"``: Payments), both in
the client's one load balancer; every call goes through one circuit breaker
(``breaker.call(|| client.call_service(req))``).  The network is an input:
``up[id]`` says whether an instance answers.  ``call(name)`` returns the
outcome as in the spec: ``"Ok"``, ``"Failed"``, ``"Rejected"`` or ``"Hung"``
(the breaker's self-deadlock), and ``answered_by`` the instance that served.

:class:`FixedSystem` is the composition of spec/system_fixed.spec: the same
theorem on the corrected components (health-aware registry and health
checker, a client selecting among the discovered instances, one corrected
circuit breaker per service).
"""
from __future__ import annotations

from typing import Optional

from .balancer import LoadBalancer, LoadBalancingAlgorithm, ServiceInstance
from .breaker import BreakerDeadlock, CircuitBreaker, CircuitOpenError
from .client import ServiceClient, ServiceRequest, ServiceResponse
from .clock import Clock
from .registry import ServiceInfo, ServiceRegistry


class InstanceDown(Exception):
    """The HTTP request failed (connection refused, timeout, 5xx)."""


class System:
    SERVICES = {"1": "Orders", "2": "Payments"}

    def __init__(self, threshold: int = 2, timeout: float = 1.0):
        self.clock = Clock()
        self.registry = ServiceRegistry()
        self.balancer = LoadBalancer(LoadBalancingAlgorithm.ROUND_ROBIN)
        self.up = {i: True for i in self.SERVICES}
        for i, name in self.SERVICES.items():
            self.registry.register(ServiceInfo(i, name, port=3000 + int(i)))
            self.balancer.add_instance(ServiceInstance(i, port=3000 + int(i)))
        self.client = ServiceClient(self.registry, self.balancer, self._transport)
        self.breaker = CircuitBreaker(threshold, timeout, self.clock)
        self.answered_by: Optional[str] = None

    def _transport(self, url: str, data) -> ServiceResponse:
        target = self.client.last_target.id
        if not self.up[target]:
            raise InstanceDown(url)
        return ServiceResponse(True, {"from": target})

    def crash(self, i: str) -> None:
        self.up[i] = False

    def recover(self, i: str) -> None:
        self.up[i] = True

    def tick(self, dt: float = 1.0) -> None:
        self.clock.advance(dt)

    def call(self, service_name: str) -> str:
        self.answered_by = None
        try:
            resp = self.breaker.call(lambda: self.client.call_service(ServiceRequest(service_name)))
        except CircuitOpenError:
            return "Rejected"
        except BreakerDeadlock:
            return "Hung"
        except InstanceDown:
            return "Failed"
        self.answered_by = resp.data["from"]
        return "Ok"


class FixedSystem:
    """The composition of spec/system_fixed.spec: theorem 9.1 on the
    corrected components.

    * :class:`~models.registry.FixedServiceRegistry` with one
      :class:`~models.health.FixedHealthChecker` probing every instance
      (``probe(id)`` is one monitor iteration; it reports to the registry,
      whose ``discover`` hides instances found down);
    * :class:`~models.client.FixedServiceClient`: selects among the
      discovered instances, one round-robin cursor per service (in id order);
    * one :class:`~models.breaker.FixedCircuitBreaker` PER SERVICE
      (``breakers[name]``), all on one clock.

    ``instances`` maps id -> service name (default ``"1"``: Orders,
    ``"2"``: Payments; the spec's INSTANCES = 3 adds ``"3"``: Orders).
    ``call(name)`` returns ``"Ok"``, ``"Failed"`` (the request failed),
    ``"NotFound"`` (every instance of the service is marked down: call_service
    returns "Service not found", a failure for the breaker) or ``"Rejected"``
    (the service's breaker is open).  It never hangs.
    """

    SERVICES = {"1": "Orders", "2": "Payments"}

    def __init__(self, threshold: int = 2, timeout: float = 1.0,
                 instances: Optional[dict[str, str]] = None):
        from .breaker import FixedCircuitBreaker
        from .client import FixedServiceClient, ServiceError
        from .health import FixedHealthChecker
        from .registry import FixedServiceRegistry

        self._service_error = ServiceError
        self.instances = dict(instances or self.SERVICES)
        self.clock = Clock()
        self.registry = FixedServiceRegistry()
        self.up = {i: True for i in self.instances}
        self.infos = {i: ServiceInfo(i, name, port=3000 + int(i)) for i, name in self.instances.items()}
        for info in self.infos.values():
            self.registry.register(info)
        self.health = FixedHealthChecker(lambda s: self.up[s.id], self.registry)
        self.client = FixedServiceClient(self.registry, self._transport, sort_key=int)
        self.breakers = {name: FixedCircuitBreaker(threshold, timeout, self.clock)
                         for name in sorted(set(self.instances.values()))}
        self.answered_by: Optional[str] = None

    def _transport(self, url: str, data) -> ServiceResponse:
        target = self.client.last_target.id
        if not self.up[target]:
            raise InstanceDown(url)
        return ServiceResponse(True, {"from": target})

    def crash(self, i: str) -> None:
        self.up[i] = False

    def recover(self, i: str) -> None:
        self.up[i] = True

    def probe(self, i: str) -> None:
        """One iteration of instance i's health monitor."""
        self.health.monitor_step(self.infos[i])

    def tick(self, dt: float = 1.0) -> None:
        self.clock.advance(dt)

    def call(self, service_name: str) -> str:
        self.answered_by = None
        self.client.last_target = None
        breaker = self.breakers[service_name]
        try:
            resp = breaker.call(lambda: self.client.call_service(ServiceRequest(service_name)))
        except CircuitOpenError:
            return "Rejected"
        except InstanceDown:
            return "Failed"
        except self._service_error:
            return "NotFound"
        self.answered_by = resp.data["from"]
        return "Ok"
