"""Executable models of the health checker of section 3.2 of the design document.

``check_health`` is an HTTP GET with a 5 s timeout; here the network is an
input: a ``probe(service) -> bool`` callable (True: a 2xx answer; False or an
exception: a non-2xx answer, a timeout, a refused connection).  Time is the
manual clock of ``models.clock``: ``monitor_service`` runs one loop iteration
per ``tick()`` instead of ``interval(30 s)``.

* :class:`HealthChecker` -- FAITHFUL: every result is only LOGGED
  (``tracing::warn!`` / ``debug!`` / ``error!``; here appended to ``log``).
  Nobody is told.  ``HealthStatus.UNKNOWN`` exists, but ``check_health`` never
  returns it, so the ``Unknown`` arm of ``monitor_service`` is dead code.
  The monitor keeps probing the ``ServiceInfo`` it was given (a clone) for
  ever: after a deregister, or a re-register with a new address, it still
  probes the old one.
* :class:`FixedHealthChecker` -- also reports every result to the registry
  (``FixedServiceRegistry.set_health``), which hides instances found down.
"""
from __future__ import annotations

import enum
from typing import Callable, Optional

from .registry import ServiceInfo


class HealthStatus(str, enum.Enum):
    HEALTHY = "Healthy"
    UNHEALTHY = "Unhealthy"
    UNKNOWN = "Unknown"


Probe = Callable[[ServiceInfo], bool]


class HealthChecker:
    """The document's ``HealthChecker``; ``probe`` stands for the HTTP client."""

    def __init__(self, probe: Probe):
        self.probe = probe
        self.log: list[tuple[str, str, str]] = []   # (level, service id, message)

    def check_health(self, service: ServiceInfo) -> HealthStatus:
        """GET http://{address}:{port}{health_check_url}: 2xx -> Healthy;
        any other status or any error (timeout included) -> Unhealthy."""
        try:
            ok = self.probe(service)
        except Exception:
            return HealthStatus.UNHEALTHY
        return HealthStatus.HEALTHY if ok else HealthStatus.UNHEALTHY

    def monitor_step(self, service: ServiceInfo) -> HealthStatus:
        """One iteration of ``monitor_service``'s loop, after ``interval.tick()``."""
        status = self.check_health(service)
        if status is HealthStatus.UNHEALTHY:
            self.log.append(("warn", service.id, f"Service {service.id} is unhealthy"))
        elif status is HealthStatus.HEALTHY:
            self.log.append(("debug", service.id, f"Service {service.id} is healthy"))
        else:  # pragma: no cover - check_health never returns Unknown
            self.log.append(("error", service.id, f"Service {service.id} health check failed"))
        self._reported(service, status)
        return status

    def monitor_service(self, service: ServiceInfo, ticks: int) -> None:
        """``monitor_service`` for ``ticks`` intervals (the Rust loop never ends)."""
        for _ in range(ticks):
            self.monitor_step(service)

    def last_logged(self, service_id: str) -> Optional[HealthStatus]:
        """What the last log line for ``service_id`` said (None: nothing yet)."""
        for level, sid, _ in reversed(self.log):
            if sid == service_id:
                return HealthStatus.UNHEALTHY if level == "warn" else HealthStatus.HEALTHY
        return None

    def _reported(self, service: ServiceInfo, status: HealthStatus) -> None:
        """The faithful checker tells nobody."""


class FixedHealthChecker(HealthChecker):
    """Reports every result to the registry (``registry.set_health``)."""

    def __init__(self, probe: Probe, registry) -> None:
        super().__init__(probe)
        self.registry = registry

    def _reported(self, service: ServiceInfo, status: HealthStatus) -> None:
        self.registry.set_health(service.id, status is HealthStatus.HEALTHY)
