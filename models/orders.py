"""Executable models of the order and payment services of section 10.1 of the
design document, and of Theorem 2.1 (independence => fault isolation).

Everything runs on :class:`models.network.Simulation`: explicit time, a
network that delays, loses or partitions messages.  Nodes:

* :class:`PaymentService` -- ``process_payment``; its ``mode`` is ``"up"``
  (200), ``"failing"`` (5xx at once) or ``"hung"`` (takes the request and
  never answers); ``restart()`` resets the connections it sits on.
* order services, one class per design, all with ``create_order(order)``
  returning an :class:`OrderRequest` that records when and how it was
  answered:

  - :class:`DocumentOrderService` -- the document's code AS WRITTEN: three
    comments and ``(StatusCode::CREATED, Json(order))``; it never calls the
    payment service.
  - :class:`CallingOrderService` -- what the comment ``// 发送支付请求``
    asks for, the obvious way: ``reqwest`` POST to the payment service,
    ``.send().await?`` with reqwest's default (no timeout), payment error ->
    500.  spec/orders.spec.
  - :class:`DocumentBreakerOrderService` -- the same call wrapped in the
    document's own circuit breaker (section 8.1, ``models.breaker.
    CircuitBreaker``): no call timeout (its ``call`` takes a synchronous
    ``FnOnce``), and a failed trial call deadlocks it.
  - :class:`GuardedOrderService` -- the corrected design of
    spec/orders_breaker.spec: call timeout + circuit breaker (the corrected
    ``FixedCircuitBreaker``) + fallback (202 Accepted, payment retried
    later).  ``use_breaker=False`` keeps timeout + fallback only, to show
    what the breaker adds.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Optional

from .breaker import BreakerDeadlock, CircuitBreaker, FixedCircuitBreaker
from .network import Simulation

CREATED, ACCEPTED, SERVER_ERROR = 201, 202, 500


@dataclass
class Order:
    id: str
    user_id: str = "u1"
    items: tuple = ("book",)
    total: float = 10.0


@dataclass
class Payment:
    order_id: str
    amount: float
    method: str = "card"


@dataclass
class OrderRequest:
    """One POST /orders: when it arrived, when and how it was answered."""

    order: Order
    arrived: float
    answered: Optional[float] = None
    status: Optional[int] = None
    note: str = ""

    @property
    def open(self) -> bool:
        return self.status is None

    def latency(self, now: float) -> float:
        return (self.answered if self.answered is not None else now) - self.arrived


class PaymentService:
    """``process_payment``: answers ``("paid", id, status)``."""

    def __init__(self):
        self.mode = "up"
        self.received: list[tuple[float, Any]] = []   # every request that reached it
        self.stuck: list[tuple[str, Any]] = []        # requests a hung service sits on
        self.name = "payment"

    def on_message(self, sim: Simulation, src: str, msg) -> None:
        kind, rid, payment = msg
        self.received.append((sim.clock.now(), rid))
        if self.mode == "up":
            sim.send(self.name, src, ("paid", rid, 200))
        elif self.mode == "failing":
            sim.send(self.name, src, ("paid", rid, 503))
        else:
            self.stuck.append((src, rid))             # never answers

    def restart(self, sim: Simulation) -> None:
        """The service comes back; the connections it sat on are reset."""
        for src, rid in self.stuck:
            sim.send(self.name, src, ("paid", rid, None))   # connection reset: an error
        self.stuck.clear()
        self.mode = "up"


class _OrderServiceBase:
    def __init__(self, sim: Simulation, payment: str = "payment"):
        self.sim = sim
        self.payment = payment
        self.requests: list[OrderRequest] = []
        self._ids = itertools.count(1)
        self._pending: dict[int, OrderRequest] = {}
        self.name = "orders"

    def _answer(self, r: OrderRequest, status: int, note: str = "") -> None:
        if r.open:
            r.status, r.answered, r.note = status, self.sim.clock.now(), note

    def _new(self, order: Order) -> OrderRequest:
        r = OrderRequest(order, self.sim.clock.now())
        self.requests.append(r)
        return r

    def _call_payment(self, r: OrderRequest) -> int:
        rid = next(self._ids)
        self._pending[rid] = r
        self.sim.send(self.name, self.payment, ("pay", rid, Payment(r.order.id, r.order.total)))
        return rid

    def open_requests(self) -> list[OrderRequest]:
        return [r for r in self.requests if r.open]


class DocumentOrderService(_OrderServiceBase):
    """``create_order`` exactly as written: it never calls payment."""

    def create_order(self, order: Order) -> OrderRequest:
        r = self._new(order)
        # 验证订单 / 保存到数据库 / 发送支付请求 -- comments only
        self._answer(r, CREATED)
        return r

    def on_message(self, sim, src, msg) -> None:  # nothing is ever sent to it
        raise AssertionError("the document's order service receives no messages")


class CallingOrderService(_OrderServiceBase):
    """The comment ``// 发送支付请求`` implemented with reqwest, no timeout."""

    def create_order(self, order: Order) -> OrderRequest:
        r = self._new(order)
        self._call_payment(r)                  # .send().await -- waits, however long
        return r

    def on_message(self, sim, src, msg) -> None:
        _, rid, status = msg
        r = self._pending.pop(rid, None)
        if r is None:
            return
        if status == 200:
            self._answer(r, CREATED)
        else:
            self._answer(r, SERVER_ERROR, "payment failed: `?` returns the error")


class DocumentBreakerOrderService(_OrderServiceBase):
    """The payment call through the document's CircuitBreaker (section 8.1).

    Its ``call(f)`` runs a synchronous ``f`` and waits for it: there is no
    call timeout, so a hung payment call is never counted as a failure.  The
    split API of the faithful breaker model stands for ``call``: begin when
    the request arrives, finish when the payment answer comes back.  Once the
    breaker deadlocks (a failed trial call), every later call blocks forever:
    those requests are never answered (``note`` says why).
    """

    def __init__(self, sim: Simulation, threshold: int = 2, open_time: float = 2.0, **kw):
        super().__init__(sim, **kw)
        self.breaker = CircuitBreaker(threshold, open_time, sim.clock)
        self._permits: dict[int, Any] = {}

    def create_order(self, order: Order) -> OrderRequest:
        r = self._new(order)
        try:
            permit = self.breaker.begin_call()
        except BreakerDeadlock as e:
            r.note = f"blocked forever: {e.reason}"
            return r
        if permit is None:
            self._answer(r, SERVER_ERROR, "Circuit breaker is open")   # the breaker's Err
            return r
        self._permits[self._call_payment(r)] = permit
        return r

    def on_message(self, sim, src, msg) -> None:
        _, rid, status = msg
        r = self._pending.pop(rid, None)
        permit = self._permits.pop(rid, None)
        if r is None:
            return
        try:
            self.breaker.finish_call(status == 200, permit)
        except BreakerDeadlock as e:
            r.note = f"blocked forever: {e.reason}"
            return
        self._answer(r, CREATED if status == 200 else SERVER_ERROR)


class GuardedOrderService(_OrderServiceBase):
    """The corrected design: timeout + circuit breaker + fallback.

    ``call_timeout``: time the payment call may take; ``threshold`` /
    ``open_time``: the breaker's.  A call that fails or times out, and a call
    the breaker rejects, get the fallback: the order is kept, its payment
    goes to ``outbox`` to be retried later, the client gets 202 Accepted.
    """

    def __init__(self, sim: Simulation, call_timeout: float = 2.0, threshold: int = 2,
                 open_time: float = 2.0, use_breaker: bool = True, **kw):
        super().__init__(sim, **kw)
        self.call_timeout = call_timeout
        self.breaker = FixedCircuitBreaker(threshold, open_time, sim.clock) if use_breaker else None
        self.outbox: list[Payment] = []
        self._calls: dict[int, tuple[Any, Any]] = {}

    def create_order(self, order: Order) -> OrderRequest:
        r = self._new(order)
        permit = self.breaker.begin_call() if self.breaker else True
        if permit is None:
            self._fallback(r, "short-circuited by the open breaker")
            return r
        rid = self._call_payment(r)
        timer = self.sim.after(self.call_timeout, lambda: self._timeout(rid))
        self._calls[rid] = (permit, timer)
        return r

    def _finish(self, rid: int, ok: bool):
        r = self._pending.pop(rid, None)
        permit, timer = self._calls.pop(rid)
        timer.cancel()
        if self.breaker:
            self.breaker.finish_call(ok, permit)
        return r

    def _timeout(self, rid: int) -> None:
        if rid in self._pending:
            r = self._finish(rid, False)
            self._fallback(r, "payment call timed out")

    def _fallback(self, r: OrderRequest, why: str) -> None:
        self.outbox.append(Payment(r.order.id, r.order.total))
        self._answer(r, ACCEPTED, why)

    def on_message(self, sim, src, msg) -> None:
        _, rid, status = msg
        if rid not in self._pending:
            return                              # a late answer to a timed-out call
        r = self._finish(rid, status == 200)
        if status == 200:
            self._answer(r, CREATED)
        else:
            self._fallback(r, f"payment answered {status}")


def setup(order_cls, delay: float = 0.5, **kw):
    """A simulation with a payment service and an order service of ``order_cls``."""
    sim = Simulation(delay=delay)
    pay = sim.add("payment", PaymentService())
    orders = sim.add("orders", order_cls(sim, **kw))
    return sim, orders, pay


def available(orders, now: float, deadline: float) -> bool:
    """Every request that arrived by ``now - deadline`` was answered within
    ``deadline``, and not with a 5xx: the order service's availability."""
    for r in orders.requests:
        if r.open and now - r.arrived > deadline:
            return False
        if not r.open and (r.answered - r.arrived > deadline or r.status >= 500):
            return False
    return True
