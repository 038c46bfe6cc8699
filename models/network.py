"""A network that a test controls: messages are delayed, lost, or held by a
partition, and time moves only when the test (or :class:`Simulation`) says.

Used by the executable models of the order/payment services
(``models/orders.py``) and of the two-replica store (``models/cap.py``).

* ``Network.send(src, dst, msg)`` puts a message in flight with a delivery
  time ``now + delay``; ``loss`` (a predicate on the message, or the method
  ``lose_next``) drops messages; a partition between two nodes holds every
  message between them (``drop_on_partition=True``: drops them instead, like
  a reset connection) until ``heal``.
* ``Simulation`` owns a clock, a network and timers, and delivers messages
  and fires timers in time order: ``run(until=T)`` processes every event up
  to time T; a node is anything with ``on_message(sim, src, msg)``.
"""
from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .clock import Clock


@dataclass(order=True)
class Message:
    deliver_at: float
    seq: int
    src: str = field(compare=False)
    dst: str = field(compare=False)
    body: Any = field(compare=False)


class Network:
    def __init__(self, clock: Clock, delay: float = 1.0, drop_on_partition: bool = False):
        self.clock = clock
        self.delay = delay
        self.drop_on_partition = drop_on_partition
        self.in_flight: list[Message] = []
        self.lost: list[Message] = []
        self.partitions: set[frozenset] = set()
        self.loss: Optional[Callable[[Message], bool]] = None
        self._lose_next = 0
        self._seq = itertools.count()

    def send(self, src: str, dst: str, body: Any, delay: Optional[float] = None) -> Message:
        m = Message(self.clock.now() + (self.delay if delay is None else delay), next(self._seq), src, dst, body)
        if self._lose_next > 0:
            self._lose_next -= 1
            self.lost.append(m)
        elif self.loss is not None and self.loss(m):
            self.lost.append(m)
        elif self.drop_on_partition and self.partitioned(src, dst):
            self.lost.append(m)
        else:
            heapq.heappush(self.in_flight, m)
        return m

    def lose_next(self, n: int = 1) -> None:
        """The next ``n`` messages sent are lost."""
        self._lose_next += n

    def partition(self, a: str, b: str) -> None:
        self.partitions.add(frozenset((a, b)))
        if self.drop_on_partition:
            keep = [m for m in self.in_flight if not self.partitioned(m.src, m.dst)]
            self.lost += [m for m in self.in_flight if self.partitioned(m.src, m.dst)]
            self.in_flight = keep
            heapq.heapify(self.in_flight)

    def heal(self, a: str, b: str) -> None:
        self.partitions.discard(frozenset((a, b)))

    def partitioned(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.partitions

    def next_deliverable(self) -> Optional[Message]:
        """The earliest message not held by a partition."""
        for m in sorted(self.in_flight):
            if not self.partitioned(m.src, m.dst):
                return m
        return None

    def take(self, m: Message) -> None:
        self.in_flight.remove(m)
        heapq.heapify(self.in_flight)


@dataclass(order=True)
class Timer:
    at: float
    seq: int
    fire: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class Simulation:
    """Time-ordered delivery of messages and timers to nodes."""

    def __init__(self, delay: float = 1.0, drop_on_partition: bool = False):
        self.clock = Clock()
        self.net = Network(self.clock, delay, drop_on_partition)
        self.nodes: dict[str, Any] = {}
        self._timers: list[Timer] = []
        self._seq = itertools.count()

    def add(self, name: str, node: Any) -> Any:
        self.nodes[name] = node
        node.name = name
        return node

    def send(self, src: str, dst: str, body: Any, delay: Optional[float] = None) -> Message:
        return self.net.send(src, dst, body, delay)

    def after(self, dt: float, fire: Callable[[], None]) -> Timer:
        t = Timer(self.clock.now() + dt, next(self._seq), fire)
        heapq.heappush(self._timers, t)
        return t

    def _next_event(self):
        while self._timers and self._timers[0].cancelled:
            heapq.heappop(self._timers)
        m = self.net.next_deliverable()
        t = self._timers[0] if self._timers else None
        if m is None and t is None:
            return None
        if t is None or (m is not None and m.deliver_at <= t.at):
            return ("msg", m.deliver_at, m)
        return ("timer", t.at, t)

    def step(self, until: float) -> bool:
        """Process the next event at or before ``until``; False if there is none."""
        ev = self._next_event()
        if ev is None or ev[1] > until:
            return False
        kind, at, x = ev
        if at > self.clock.now():
            self.clock.advance(at - self.clock.now())
        if kind == "msg":
            self.net.take(x)
            self.nodes[x.dst].on_message(self, x.src, x.body)
        else:
            heapq.heappop(self._timers)
            x.fire()
        return True

    def run(self, until: float) -> None:
        """Process every event up to time ``until``, then set the clock to it."""
        while self.step(until):
            pass
        if until > self.clock.now():
            self.clock.advance(until - self.clock.now())
