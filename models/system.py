"""The composition of spec/system.spec (theorem 9.1): the document's own
registry, round-robin load balancer, ServiceClient and CircuitBreaker.

Two services, one instance each (``"1"``: Orders, ``"2"``: Payments), both in
the client's one load balancer; every call goes through one circuit breaker
(``breaker.call(|| client.call_service(req))``).  The network is an input:
``up[id]`` says whether an instance answers.  ``call(name)`` returns the
outcome as in the spec: ``"Ok"``, ``"Failed"``, ``"Rejected"`` or ``"Hung"``
(the breaker's self-deadlock), and ``answered_by`` the instance that served.
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
