"""Executable models of ``ServiceClient::call_service`` (section 5.1 of the
design document).

The HTTP client is an input: ``transport(url, data) -> ServiceResponse`` (or
raises).  ``last_target`` records the instance a request was POSTed to.

* :class:`ServiceClient` -- FAITHFUL: discovers the requested service only to
  test that it is non-empty, then takes the instance from its ONE load
  balancer, whose pool is unrelated to the registry and to the service name.
* :class:`FixedServiceClient` -- ``spec/client_fixed.spec``: selects among
  the discovered instances, one round-robin cursor per service name (next
  id after the one served last, in id order, wrapping).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional


@dataclass
class ServiceRequest:
    service_name: str
    endpoint: str = "/"
    data: Any = None


@dataclass
class ServiceResponse:
    success: bool
    data: Any = None
    error: Optional[str] = None


class ServiceError(Exception):
    """``Err(Box<dyn Error>)`` from call_service."""


def _ok_transport(url: str, data: Any) -> ServiceResponse:
    return ServiceResponse(True, {"url": url})


@dataclass
class Target:
    """Where a request was sent."""

    id: str
    url: str


class ServiceClient:
    """The document's ``ServiceClient``."""

    def __init__(self, registry, load_balancer, transport: Callable[[str, Any], ServiceResponse] = _ok_transport):
        self.registry = registry
        self.load_balancer = load_balancer
        self.transport = transport
        self.last_target: Optional[Target] = None

    def call_service(self, request: ServiceRequest) -> ServiceResponse:
        services = self.registry.discover(request.service_name)
        if not services:
            raise ServiceError("Service not found")
        instance = self.load_balancer.select_instance()
        if instance is None:
            raise ServiceError("No available service instances")
        return self._send(instance.id, instance.address, instance.port, request)

    def _send(self, id_: str, address: str, port: int, request: ServiceRequest) -> ServiceResponse:
        url = f"http://{address}:{port}{request.endpoint}"
        self.last_target = Target(id_, url)
        return self.transport(url, request.data)


class FixedServiceClient(ServiceClient):
    """Selects among the discovered instances (no separate pool)."""

    def __init__(self, registry, transport: Callable[[str, Any], ServiceResponse] = _ok_transport,
                 sort_key: Callable[[str], Any] = lambda i: i):
        super().__init__(registry, None, transport)
        self.cursor: dict[str, Any] = {}
        self.sort_key = sort_key

    def call_service(self, request: ServiceRequest) -> ServiceResponse:
        services = sorted(self.registry.discover(request.service_name), key=lambda s: self.sort_key(s.id))
        if not services:
            raise ServiceError("Service not found")
        last = self.cursor.get(request.service_name)
        after = [s for s in services if last is None or self.sort_key(s.id) > self.sort_key(last)]
        chosen = after[0] if after else services[0]
        self.cursor[request.service_name] = chosen.id
        return self._send(chosen.id, chosen.address, chosen.port, request)
