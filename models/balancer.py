"""Executable models of the load balancer of section 4.1 of the design document.

* :class:`LoadBalancer` -- FAITHFUL to the Rust code, flaws included:
  - ``WeightedRoundRobin`` has no match arm and falls into ``_ => None``:
    ``select_instance`` returns None with instances in the pool;
  - ``connections`` is never incremented or decremented by anybody, so
    ``LeastConnections`` (``min_by_key``, which returns the FIRST minimum)
    always returns the first instance of the pool;
  - round robin reduces the index modulo the CURRENT length; there is no
    ``remove_instance`` (an instance, once added, is selected forever).
  ``Random`` takes an ``rng(n) -> index`` callable (``rng.gen_range(0..n)``)
  so that tests can choose.
* :class:`FixedLoadBalancer` -- ``spec/balancer_fixed.spec`` and
  ``spec/balancer_remove_fixed.spec``: smooth weighted round robin,
  connections counted by ``select_instance`` and released by ``release``,
  and a ``remove_instance`` that keeps round robin fair (new instances are
  inserted at the end of the current rotation, the index follows removals).

The Rust methods lock ``instances`` (and then ``current_index``) for the whole
selection, so each method here is one atomic step.
"""
from __future__ import annotations

import enum
import random
from dataclasses import dataclass, replace
from typing import Callable, Optional


@dataclass(frozen=True)
class ServiceInstance:
    """``struct ServiceInstance`` (``#[derive(Clone)]``: selections return copies)."""

    id: str
    address: str = "127.0.0.1"
    port: int = 80
    weight: int = 1
    connections: int = 0


class LoadBalancingAlgorithm(str, enum.Enum):
    ROUND_ROBIN = "RoundRobin"
    WEIGHTED_ROUND_ROBIN = "WeightedRoundRobin"
    LEAST_CONNECTIONS = "LeastConnections"
    RANDOM = "Random"


def _default_rng(n: int) -> int:
    return random.randrange(n)


class LoadBalancer:
    """The document's ``LoadBalancer``, behaviour for behaviour."""

    def __init__(self, algorithm: LoadBalancingAlgorithm, rng: Callable[[int], int] = _default_rng):
        self.algorithm = LoadBalancingAlgorithm(algorithm)
        self.instances: list[ServiceInstance] = []   # VecDeque, push_back order
        self.current_index = 0
        self.rng = rng

    def add_instance(self, instance: ServiceInstance) -> None:
        """``instances.push_back(instance)`` (duplicates are accepted)."""
        self.instances.append(instance)

    def select_instance(self) -> Optional[ServiceInstance]:
        instances = self.instances
        if not instances:
            return None
        a = self.algorithm
        if a is LoadBalancingAlgorithm.ROUND_ROBIN:
            inst = instances[self.current_index % len(instances)]
            self.current_index = (self.current_index + 1) % len(instances)
            return replace(inst)
        if a is LoadBalancingAlgorithm.LEAST_CONNECTIONS:
            # Iterator::min_by_key returns the first minimal element
            return replace(min(instances, key=lambda i: i.connections))
        if a is LoadBalancingAlgorithm.RANDOM:
            index = self.rng(len(instances))
            return replace(instances[index]) if 0 <= index < len(instances) else None
        return None  # `_ => None`: WeightedRoundRobin

    def connections(self, instance_id: str) -> int:
        """The ``connections`` field of the instance in the pool (always 0 here)."""
        return next(i.connections for i in self.instances if i.id == instance_id)


class FixedLoadBalancer(LoadBalancer):
    """The corrected balancer (smooth WRR, counted connections, fair removal)."""

    def __init__(self, algorithm: LoadBalancingAlgorithm, rng: Callable[[int], int] = _default_rng):
        super().__init__(algorithm, rng)
        self.current_weight: dict[str, int] = {}

    def add_instance(self, instance: ServiceInstance) -> None:
        """Inserted at the end of the current rotation (just before the index);
        an id already in the pool is rejected."""
        if any(i.id == instance.id for i in self.instances):
            raise ValueError(f"instance {instance.id!r} is already in the pool")
        if not self.instances:
            self.instances.append(instance)
        else:
            self.instances.insert(self.current_index, instance)
            self.current_index += 1
        self.current_weight = {i.id: 0 for i in self.instances}

    def remove_instance(self, instance_id: str) -> bool:
        for pos, inst in enumerate(self.instances):
            if inst.id == instance_id:
                del self.instances[pos]
                if pos < self.current_index:
                    self.current_index -= 1
                if self.current_index >= len(self.instances):
                    self.current_index = 0
                self.current_weight = {i.id: 0 for i in self.instances}
                return True
        return False

    def select_instance(self) -> Optional[ServiceInstance]:
        instances = self.instances
        if not instances:
            return None
        a = self.algorithm
        if a is LoadBalancingAlgorithm.WEIGHTED_ROUND_ROBIN:
            total = sum(i.weight for i in instances)
            for i in instances:
                self.current_weight[i.id] = self.current_weight.get(i.id, 0) + i.weight
            best = max(range(len(instances)), key=lambda k: (self.current_weight[instances[k].id], -k))
            self.current_weight[instances[best].id] -= total
            pos = best
        elif a is LoadBalancingAlgorithm.ROUND_ROBIN:
            pos = self.current_index % len(instances)
            self.current_index = (self.current_index + 1) % len(instances)
        elif a is LoadBalancingAlgorithm.LEAST_CONNECTIONS:
            pos = min(range(len(instances)), key=lambda k: (instances[k].connections, k))
        else:
            pos = self.rng(len(instances))
        inst = instances[pos]
        instances[pos] = replace(inst, connections=inst.connections + 1)
        return replace(instances[pos])

    def release(self, instance_id: str) -> None:
        """The selection guard dropped (the request finished): one connection less."""
        for pos, inst in enumerate(self.instances):
            if inst.id == instance_id:
                self.instances[pos] = replace(inst, connections=inst.connections - 1)
                return
