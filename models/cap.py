"""Executable models of the two-replica register of spec/cap_available.spec
and spec/cap_consistent.spec (Theorem 9.2 of the design document, CAP).

Two replicas ``r1`` (the primary of the CP protocol) and ``r2`` on a
:class:`models.network.Simulation`; clients call ``write(replica, value)``
and ``read(replica)``, which return an :class:`Op` that records when it was
answered (``None`` while it waits) and what it returned.

* :class:`APStore` -- every replica answers at once.  Connected: a write is
  replicated synchronously (both copies before the ack; the round trip is
  taken to be instantaneous, as in the spec).  Partitioned: the replica
  applies it alone and sends the replication, which the partition holds
  until it heals (last-writer-wins by version).
* :class:`CPStore` -- the primary serves everything; a request at ``r2`` is
  forwarded to ``r1`` over the network and answered when the reply comes
  back: a partition holds it.

:func:`linearizable` checks a history of one writer and any readers with
increasing versions: no read returns less than the last write completed
before it started, and a reader never goes back.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .network import Simulation


@dataclass
class Op:
    kind: str                 # "write" | "read"
    replica: str
    value: Optional[int]      # written value, or the value read (None until answered)
    started: float
    answered: Optional[float] = None
    client: str = "c"

    @property
    def open(self) -> bool:
        return self.answered is None


class _Replica:
    def __init__(self, store: "_Store"):
        self.store = store
        self.value = 0
        self.name = ""

    def on_message(self, sim: Simulation, src: str, msg) -> None:
        self.store.on_message(self, src, msg)


class _Store:
    def __init__(self, delay: float = 0.5):
        self.sim = Simulation(delay=delay)
        self.r = {n: self.sim.add(n, _Replica(self)) for n in ("r1", "r2")}
        self.history: list[Op] = []

    def other(self, name: str) -> str:
        return "r2" if name == "r1" else "r1"

    def partition(self) -> None:
        self.sim.net.partition("r1", "r2")

    def heal(self) -> None:
        self.sim.net.heal("r1", "r2")

    @property
    def partitioned(self) -> bool:
        return self.sim.net.partitioned("r1", "r2")

    def _op(self, kind, replica, value, client) -> Op:
        op = Op(kind, replica, value, self.sim.clock.now(), client=client)
        self.history.append(op)
        return op

    def _done(self, op: Op, value: Optional[int] = None) -> Op:
        if value is not None:
            op.value = value
        op.answered = self.sim.clock.now()
        return op


class APStore(_Store):
    def write(self, replica: str, value: int, client: str = "w") -> Op:
        op = self._op("write", replica, value, client)
        if self.partitioned:
            r = self.r[replica]
            r.value = max(r.value, value)
            self.sim.send(replica, self.other(replica), ("replicate", value))   # held by the partition
        else:
            for r in self.r.values():
                r.value = max(r.value, value)
        return self._done(op)

    def read(self, replica: str, client: str = "r") -> Op:
        op = self._op("read", replica, None, client)
        return self._done(op, self.r[replica].value)

    def on_message(self, replica, src, msg) -> None:
        _, value = msg
        replica.value = max(replica.value, value)


class CPStore(_Store):
    PRIMARY = "r1"

    def write(self, replica: str, value: int, client: str = "w") -> Op:
        op = self._op("write", replica, value, client)
        if replica == self.PRIMARY:
            self._apply(value)
            return self._done(op)
        self.sim.send(replica, self.PRIMARY, ("fwd", op))
        return op

    def read(self, replica: str, client: str = "r") -> Op:
        op = self._op("read", replica, None, client)
        if replica == self.PRIMARY:
            return self._done(op, self.r[self.PRIMARY].value)
        self.sim.send(replica, self.PRIMARY, ("fwd", op))
        return op

    def _apply(self, value: int) -> None:
        p = self.r[self.PRIMARY]
        p.value = max(p.value, value)
        self.sim.send(self.PRIMARY, "r2", ("backup", p.value))

    def on_message(self, replica, src, msg) -> None:
        kind, x = msg
        if kind == "fwd":                                   # at the primary
            if x.kind == "write":
                self._apply(x.value)
                self.sim.send(self.PRIMARY, src, ("reply", (x, None)))
            else:
                self.sim.send(self.PRIMARY, src, ("reply", (x, replica.value)))
        elif kind == "reply":                               # back at r2
            op, value = x
            self._done(op, value)
        else:                                               # backup copy at r2
            replica.value = max(replica.value, x)


def linearizable(history: list[Op]) -> bool:
    """One writer with increasing versions, any readers: a read that started
    after a write completed returns at least that write's value, and each
    reader's reads never go back."""
    last_read: dict[str, int] = {}
    for op in history:
        if op.kind != "read" or op.open:
            continue
        done_before = [w.value for w in history
                       if w.kind == "write" and not w.open and w.answered <= op.started]
        if done_before and op.value < max(done_before):
            return False
        if op.value < last_read.get(op.client, 0):
            return False
        last_read[op.client] = op.value
    return True


def available(history: list[Op], now: float, deadline: float) -> bool:
    """Every request was answered within ``deadline`` (open ones: so far)."""
    return all(((op.answered if not op.open else now) - op.started) <= deadline for op in history)
