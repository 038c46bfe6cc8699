"""Tests of the executable order/payment models (models/orders.py) and
pinned verdicts of spec/orders.spec and spec/orders_breaker.spec.

Theorem 2.1 of the design document says independent services are fault
isolated.  Each test puts the payment service in a fault (failing, hung, or
a lossy network) and looks at the order service: the document's literal
code (no call at all), the call its comment asks for (no timeout), that call
through the document's own breaker, and the corrected design (timeout +
breaker + fallback).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from models.orders import (ACCEPTED, CREATED, SERVER_ERROR, CallingOrderService,
                           DocumentBreakerOrderService, DocumentOrderService,
                           GuardedOrderService, Order, available, setup)

SPEC = Path(__file__).resolve().parents[2] / "spec"


def orders_at(sim, svc, times):
    """Place one order at each of ``times``; returns the requests."""
    out = []
    for i, t in enumerate(times):
        sim.run(until=t)
        out.append(svc.create_order(Order(f"o{i}")))
    return out


# ---------------------------------------------------------------- the document as written


def test_document_create_order_never_calls_payment_so_isolation_is_trivial():
    sim, svc, pay = setup(DocumentOrderService)
    pay.mode = "hung"
    reqs = orders_at(sim, svc, [0, 1, 2])
    sim.run(until=10)
    assert [r.status for r in reqs] == [CREATED] * 3
    assert pay.received == []                  # "发送支付请求" is a comment
    assert available(svc, sim.clock.now(), deadline=0)


# ---------------------------------------------------------------- the call, without a breaker


def test_calling_service_works_while_payment_is_up():
    sim, svc, pay = setup(CallingOrderService)
    (r,) = orders_at(sim, svc, [0])
    sim.run(until=5)
    assert (r.status, r.answered) == (CREATED, 1.0)   # two network hops of 0.5


def test_calling_service_hangs_forever_with_a_hung_payment_service():
    sim, svc, pay = setup(CallingOrderService)
    pay.mode = "hung"
    reqs = orders_at(sim, svc, [0, 1, 2])
    sim.run(until=1000)
    assert all(r.open for r in reqs)           # no timeout: every order waits forever
    assert not available(svc, sim.clock.now(), deadline=3)


def test_calling_service_fails_orders_when_payment_fails():
    sim, svc, pay = setup(CallingOrderService)
    pay.mode = "failing"
    reqs = orders_at(sim, svc, [0, 1])
    sim.run(until=5)
    assert [r.status for r in reqs] == [SERVER_ERROR] * 2
    assert not available(svc, sim.clock.now(), deadline=3)


def test_calling_service_waits_forever_for_a_lost_message():
    sim, svc, pay = setup(CallingOrderService)
    sim.net.lose_next(1)                       # the request to payment is lost
    (r, r2) = orders_at(sim, svc, [0, 0.1])
    sim.run(until=1000)
    assert r.open and r2.status == CREATED


def test_calling_service_requests_fail_when_a_hung_payment_restarts():
    sim, svc, pay = setup(CallingOrderService)
    pay.mode = "hung"
    (r,) = orders_at(sim, svc, [0])
    sim.run(until=50)
    pay.restart(sim)
    sim.run(until=51)
    assert (r.status, r.answered) == (SERVER_ERROR, 50.5)   # 50 time units late, and failed


# ---------------------------------------------------------------- through the document's breaker (8.1)


def test_document_breaker_cannot_isolate_a_hang():
    sim, svc, pay = setup(DocumentBreakerOrderService, threshold=2, open_time=2.0)
    pay.mode = "hung"
    reqs = orders_at(sim, svc, [0, 1, 2, 3])
    sim.run(until=1000)
    assert all(r.open for r in reqs)           # no call timeout: it never counts a failure
    assert svc.breaker.failure_count == 0


def test_document_breaker_deadlocks_on_a_failed_trial_and_the_order_service_with_it():
    sim, svc, pay = setup(DocumentBreakerOrderService, threshold=2, open_time=2.0)
    pay.mode = "failing"
    first = orders_at(sim, svc, [0, 0.1])      # two failures open the breaker (at 1.1)
    sim.run(until=1.2)
    assert [r.status for r in first] == [SERVER_ERROR] * 2
    (rejected,) = orders_at(sim, svc, [1.5])
    assert rejected.status == SERVER_ERROR and rejected.note == "Circuit breaker is open"
    (trial,) = orders_at(sim, svc, [3.5])      # timeout over: the trial call
    sim.run(until=5)
    assert trial.open and "blocked forever" in trial.note
    pay.mode = "up"                            # payment recovers: too late
    later = orders_at(sim, svc, [10, 20])
    sim.run(until=100)
    assert all(r.open and "blocked forever" in r.note for r in later)


# ---------------------------------------------------------------- the corrected design


@pytest.mark.parametrize("fault", ["hung", "failing", "lossy"])
def test_guarded_service_stays_available_under_every_fault(fault):
    sim, svc, pay = setup(GuardedOrderService, call_timeout=2.0, threshold=2, open_time=2.0)
    if fault == "lossy":
        sim.net.loss = lambda m: m.dst == "payment"
    else:
        pay.mode = fault
    reqs = orders_at(sim, svc, [0, 0.5, 1, 4, 4.5, 9])
    sim.run(until=20)
    assert all(r.status == ACCEPTED for r in reqs)
    assert available(svc, sim.clock.now(), deadline=2.0)
    assert len(svc.outbox) == len(reqs)        # every payment kept for a retry


def test_guarded_breaker_answers_at_once_and_spares_the_hung_service():
    sim, svc, pay = setup(GuardedOrderService, call_timeout=2.0, threshold=2, open_time=5.0)
    pay.mode = "hung"
    reqs = orders_at(sim, svc, [0, 0.25, 3, 3.25, 3.5, 3.75])
    sim.run(until=4)
    assert [r.latency(4) for r in reqs[:2]] == [2.0, 2.0]    # the two calls time out
    assert [r.latency(4) for r in reqs[2:]] == [0.0] * 4     # then: fallback at once
    assert len(pay.received) == 2


def test_without_the_breaker_every_request_pays_the_timeout_and_hits_payment():
    sim, svc, pay = setup(GuardedOrderService, call_timeout=2.0, use_breaker=False)
    pay.mode = "hung"
    reqs = orders_at(sim, svc, [0, 0.25, 3, 3.25, 3.5, 3.75])
    sim.run(until=10)
    assert [r.latency(10) for r in reqs] == [2.0] * 6
    assert len(pay.received) == 6 and len(pay.stuck) == 6


def test_guarded_service_closes_again_after_a_successful_trial():
    sim, svc, pay = setup(GuardedOrderService, call_timeout=2.0, threshold=2, open_time=2.0)
    pay.mode = "failing"
    orders_at(sim, svc, [0, 0.1])
    sim.run(until=1)
    pay.mode = "up"
    (short,) = orders_at(sim, svc, [1.5])    # opened at 1.1 (the second 503 arrived)
    (trial,) = orders_at(sim, svc, [3.5])
    sim.run(until=5)
    assert short.status == ACCEPTED and short.note.startswith("short-circuited")
    assert trial.status == CREATED
    (after,) = orders_at(sim, svc, [6])
    sim.run(until=8)
    assert after.status == CREATED


def test_guarded_service_ignores_a_late_answer_after_its_timeout():
    sim, svc, pay = setup(GuardedOrderService, call_timeout=1.0, delay=0.8)
    (r,) = orders_at(sim, svc, [0])            # the answer comes at 1.6, the timeout fires at 1.0
    sim.run(until=5)
    assert (r.status, r.answered) == (ACCEPTED, 1.0)


# ---------------------------------------------------------------- the specs' verdicts (explicit engine)


checker = pytest.importorskip("checker")


@pytest.mark.parametrize("spec, consts, states, verdicts", [
    ("orders", {}, 1548, {"order_service_available": 7, "payment_failure_contained": 5}),
    ("orders", {"LOSSY": 0}, 923, {"order_service_available": 7, "payment_failure_contained": 5}),
    ("orders", {"CALLS_PAYMENT": 0}, 75, {}),
    ("orders_breaker", {}, 3823, {}),
    ("orders_breaker", {"CALL_TIMEOUT": 4}, 7217, {"order_service_available": 7}),
])
def test_spec_verdicts_states_and_trace_lengths(spec, consts, states, verdicts):
    r = checker.check(str(SPEC / f"{spec}.spec"), consts=consts)
    assert r.stats.states == states
    for name in ("order_service_available", "payment_failure_contained", "typeok", "deadlock"):
        if name in verdicts:
            assert r.get(name).verdict.value == "violated", name
            assert len(r.trace(name)) == verdicts[name], name
        else:
            assert r.holds(name), name


def test_orders_availability_counterexamples_are_the_loss_and_the_hang():
    lossy = checker.check(str(SPEC / "orders.spec")).trace("order_service_available")
    assert [s.label() for s in lossy.steps][1:4] == ["order(1).arrive", "order(1).call", "lose(1)"]
    hang = checker.check(str(SPEC / "orders.spec"), consts={"LOSSY": 0}).trace("order_service_available")
    assert [s.label() for s in hang.steps][3] == "payment_fault"
    assert hang.steps[3].state["pay"] == "Hung"
    assert [s.action for s in hang.steps[4:]] == ["tick"] * 4
