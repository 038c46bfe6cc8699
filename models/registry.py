"""Executable models of the service registry of section 3.1 of the design document.

* :class:`ServiceRegistry` -- FAITHFUL to the Rust code: a map from
  ``ServiceInfo.id`` to ``ServiceInfo``; ``register`` is
  ``services.insert(id, service)`` (it REPLACES an entry with the same id,
  whatever service name that entry had), ``deregister`` is
  ``services.remove(id).is_some()``, ``discover(name)`` filters the values by
  name.  Nothing else: no health, no ownership of ids.
* :class:`FixedServiceRegistry` -- the corrected design of
  ``spec/registry_fixed.spec``: an id registered under one name cannot be
  registered under another (``IdInUse``), and the registry keeps a health
  mark per id that the health checker sets (``set_health``) and ``discover``
  honours.

The Rust methods are async and take a ``tokio::sync::RwLock``; each one is a
single critical section, so each Python method is one atomic step.  The
order of ``discover``'s result is HashMap iteration order in Rust
(unspecified); here it is insertion order -- callers must not rely on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ServiceInfo:
    """``struct ServiceInfo`` (metadata as a frozen tuple of pairs)."""

    id: str
    name: str
    address: str = "127.0.0.1"
    port: int = 80
    health_check_url: str = "/health"
    metadata: tuple = field(default=())


class ServiceRegistry:
    """The document's ``ServiceRegistry``, behaviour for behaviour."""

    def __init__(self) -> None:
        self.services: dict[str, ServiceInfo] = {}

    def register(self, service: ServiceInfo) -> None:
        """``services.insert(service.id.clone(), service); Ok(())`` -- replaces
        any entry with the same id, under whatever name it was."""
        self.services[service.id] = service

    def deregister(self, service_id: str) -> bool:
        """``services.remove(service_id).is_some()``."""
        return self.services.pop(service_id, None) is not None

    def discover(self, service_name: str) -> list[ServiceInfo]:
        """``services.values().filter(|s| s.name == service_name).cloned().collect()``."""
        return [s for s in self.services.values() if s.name == service_name]


class IdInUse(ValueError):
    """FIX 1: the id is registered under another service name."""


class FixedServiceRegistry(ServiceRegistry):
    """The corrected registry of ``spec/registry_fixed.spec``."""

    def __init__(self) -> None:
        super().__init__()
        self.marked_down: dict[str, bool] = {}

    def register(self, service: ServiceInfo) -> None:
        old = self.services.get(service.id)
        if old is not None and old.name != service.name:
            raise IdInUse(f"id {service.id!r} is already registered by service {old.name!r}")
        self.services[service.id] = service

    def set_health(self, service_id: str, healthy: bool) -> None:
        """Called by the health checker with every probe result (FIX 2).
        The mark is kept per id, also across deregister/register."""
        self.marked_down[service_id] = not healthy

    def discover(self, service_name: str) -> list[ServiceInfo]:
        return [s for s in self.services.values()
                if s.name == service_name and not self.marked_down.get(s.id, False)]
