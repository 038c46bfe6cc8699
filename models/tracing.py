"""Executable model of the distributed tracing of section 7.1 of the design
document: a miniature of ``tracing`` (per-thread span stack, ``Span``,
``Entered`` guards, ``#[instrument]``'s ``Instrumented`` future) and the
document's process_order / validate_order / process_payment /
update_inventory, split at the one real suspension point (the HTTP call to
the payment service), on ONE worker thread shared by concurrent requests.

* :class:`Tracer` -- spans, trace ids, the thread's stack.  ``new_span``
  takes the thread's current span as parent (a root starts a new trace);
  ``enter``/``exit`` push/remove (removal anywhere in the stack, recording
  an out-of-order exit in ``misnested``, as tracing-subscriber's Registry
  tolerates it); ``events`` records errors.
* :func:`process_order` -- a generator task: the document's code
  (``fixed=False``: ``#[instrument]`` AND a manual ``info_span!`` +
  ``enter()`` guard held across the await, no context in the HTTP request,
  errors not recorded) or the corrected design (``fixed=True``:
  ``#[instrument(err)]`` only, ``traceparent`` injected).
* :class:`PaymentService` -- the remote handler; its span's parent is the
  context extracted from the headers (none: a new trace).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Span:
    id: int
    name: str
    trace_id: int
    parent: Optional[int]
    owner: str                     # the request that created it (test bookkeeping)


class Tracer:
    def __init__(self):
        self.spans: dict[int, Span] = {}
        self.stack: list[int] = []          # the worker thread's entered spans, bottom first
        self.misnested: list[str] = []      # exits of spans that were not the current span
        self.events: list[tuple[int, str]] = []
        self._ids = itertools.count(1)
        self._traces = itertools.count(100)

    def current(self) -> Optional[Span]:
        return self.spans[self.stack[-1]] if self.stack else None

    def new_span(self, name: str, owner: str, parent_ctx: Optional[int] = -1) -> Span:
        """``info_span!`` / ``#[instrument]``: the parent is the thread's current
        span; ``parent_ctx`` (a trace id, or None for "no context") overrides
        it for a span created from extracted headers."""
        if parent_ctx == -1:
            cur = self.current()
            trace, parent = (cur.trace_id, cur.id) if cur else (next(self._traces), None)
        else:
            trace, parent = (parent_ctx if parent_ctx is not None else next(self._traces)), None
        s = Span(next(self._ids), name, trace, parent, owner)
        self.spans[s.id] = s
        return s

    def enter(self, s: Span) -> None:
        self.stack.append(s.id)

    def exit(self, s: Span) -> None:
        if not self.stack or self.stack[-1] != s.id:
            self.misnested.append(s.name)
        self.stack.remove(s.id)

    def record_error(self, s: Span, msg: str) -> None:
        self.events.append((s.id, msg))

    def trace_of(self, owner: str) -> set[int]:
        return {s.trace_id for s in self.spans.values() if s.owner == owner}


class PaymentService:
    def __init__(self, tracer: Tracer):
        self.tracer = tracer
        self.spans: list[Span] = []

    def handle(self, owner: str, headers: dict) -> None:
        # the server span's parent: the context extracted from the headers
        ctx = headers.get("traceparent")
        self.spans.append(self.tracer.new_span("payment_handler", owner, parent_ctx=ctx))


def process_order(t: Tracer, pay: PaymentService, order_id: str, fixed: bool = False,
                  fail_at: Optional[str] = None):
    """One request as a task on the worker thread: a generator that yields
    once, at the payment call's ``.await`` (Pending), and returns
    ``"ok"`` or ``"err"``.  ``fail_at`` makes that step's logic return Err."""
    manual = not fixed
    po = t.new_span("process_order", order_id)          # #[instrument]: created at the call
    t.enter(po)                                         # Instrumented: first poll
    if manual:
        po_m = t.new_span("process_order", order_id)    # info_span!(..); span.enter()
        t.enter(po_m)

    def leaf(name: str) -> bool:
        s = t.new_span(name, order_id)
        t.enter(s)
        m = None
        if manual:
            m = t.new_span(name, order_id)
            t.enter(m)
        ok = fail_at != name
        if not ok and fixed:
            t.record_error(s, f"{name} failed")         # #[instrument(err)]
        if m:
            t.exit(m)
        t.exit(s)
        return ok

    def finish(result: str) -> str:
        if manual:
            t.exit(po_m)                                # `_enter` dropped at return
        t.exit(po)                                      # Instrumented: poll returns Ready
        return result

    if not leaf("validate_order"):                      # `validate_order(..).await?`
        return finish("err")
    # process_payment: spans, then the HTTP call -> Pending
    p = t.new_span("process_payment", order_id)
    t.enter(p)
    p_m = None
    if manual:
        p_m = t.new_span("process_payment", order_id)
        t.enter(p_m)
    headers = {"traceparent": p.trace_id} if fixed else {}
    t.exit(p)                                           # Instrumented(process_payment): Pending
    t.exit(po)                                          # Instrumented(process_order): Pending
    yield ("http", lambda: pay.handle(order_id, headers))
    t.enter(po)                                         # polled again
    t.enter(p)
    ok = fail_at != "process_payment"
    if not ok and fixed:
        t.record_error(p, "payment failed")
    if p_m:
        t.exit(p_m)
    t.exit(p)
    if not ok:
        return finish("err")
    if not leaf("update_inventory"):
        return finish("err")
    return finish("ok")


class Worker:
    """One worker thread polling request tasks; the test says which runs."""

    def __init__(self, fixed: bool = False):
        self.tracer = Tracer()
        self.payment = PaymentService(self.tracer)
        self.fixed = fixed
        self.tasks: dict[str, object] = {}
        self.results: dict[str, str] = {}
        self._pending: dict[str, object] = {}

    def spawn(self, order_id: str, fail_at: Optional[str] = None) -> None:
        self.tasks[order_id] = process_order(self.tracer, self.payment, order_id, self.fixed, fail_at)

    def poll(self, order_id: str) -> bool:
        """Poll the task until it is Pending (False) or Ready (True)."""
        try:
            _, deliver = next(self.tasks[order_id])
            self._pending[order_id] = deliver
            return False
        except StopIteration as stop:
            self.results[order_id] = stop.value
            return True

    def deliver(self, order_id: str) -> None:
        """The payment service handles the request (its answer wakes the task)."""
        self._pending.pop(order_id)()
