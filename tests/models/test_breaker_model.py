"""Tests of the executable circuit-breaker models (models/breaker.py).

Each flaw of the design document's breaker (section 8.1) is reproduced on the
faithful model ``CircuitBreaker``, and the same scenario is run on
``FixedCircuitBreaker`` to show the fix.  At the end, a small exhaustive
exploration of both models with two callers checks the properties of
spec/breaker*.spec on the Python models, and -- when the explicit engine is
available -- the specs' verdicts themselves are checked.
"""
from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest

from models.breaker import (U32_MAX, BreakerDeadlock, CircuitBreaker, CircuitOpenError,
                            CircuitState, FixedCircuitBreaker)
from models.clock import Clock

CLOSED, OPEN, HALF_OPEN = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN
SPEC_DIR = Path(__file__).resolve().parents[2] / "spec"


class Boom(Exception):
    """The downstream service failed."""


def ok():
    return "ok"


def boom():
    raise Boom()


def succeed(b):
    assert b.call(ok) == "ok"


def fail(b):
    with pytest.raises(Boom):
        b.call(boom)


def make(cls, threshold=3, timeout=2.0):
    clock = Clock()
    return cls(threshold, timeout, clock), clock


BOTH = pytest.mark.parametrize("cls", [CircuitBreaker, FixedCircuitBreaker])


# ---------------------------------------------------------------- shared behaviour


@BOTH
def test_threshold_failures_open_and_open_breaker_does_not_run_f(cls):
    b, clock = make(cls)
    clock.advance(5)
    for _ in range(3):
        fail(b)
    assert b.state is OPEN
    assert b.last_failure_time == 5
    ran = []
    with pytest.raises(CircuitOpenError):
        b.call(lambda: ran.append(1))
    assert ran == []
    clock.advance(1.9)  # timeout 2 not yet over
    with pytest.raises(CircuitOpenError):
        b.call(ok)
    assert b.state is OPEN


@BOTH
def test_successful_trial_after_timeout_closes_and_resets(cls):
    b, clock = make(cls)
    for _ in range(3):
        fail(b)
    clock.advance(2)
    succeed(b)
    assert b.state is CLOSED
    assert b.failure_count == 0


@BOTH
def test_below_threshold_stays_closed_and_sets_no_failure_time(cls):
    b, _ = make(cls)
    fail(b)
    fail(b)
    assert b.state is CLOSED
    assert b.last_failure_time is None  # only written when opening


# ---------------------------------------------------------------- flaw 1: not consecutive


def test_faithful_success_in_closed_does_not_reset_counter():
    b, _ = make(CircuitBreaker)
    fail(b)
    succeed(b)
    assert b.failure_count == 1  # on_success: `Closed => { // 保持关闭状态 }`


def test_faithful_non_consecutive_failures_open_the_breaker():
    b, _ = make(CircuitBreaker)
    fail(b)
    succeed(b)
    fail(b)
    fail(b)
    assert b.state is OPEN  # 3 failures, but never 3 in a row


def test_fixed_counts_consecutive_failures_only():
    b, _ = make(FixedCircuitBreaker)
    fail(b)
    succeed(b)
    assert b.failure_count == 0
    fail(b)
    fail(b)
    assert b.state is CLOSED
    fail(b)
    assert b.state is OPEN


# ---------------------------------------------------------------- flaw 2+3: failed trial


def test_faithful_failed_trial_grows_counter_and_hangs_forever():
    b, clock = make(CircuitBreaker)
    for _ in range(3):
        fail(b)
    opened_at = b.last_failure_time
    clock.advance(2)
    with pytest.raises(BreakerDeadlock) as e:
        b.call(boom)
    assert "last_failure" in e.value.reason
    assert b.state is OPEN
    assert b.failure_count == 4              # THRESHOLD + 1: `*failure_count += 1` in HalfOpen
    assert b.last_failure_time == opened_at  # the write never happened
    assert b.wedged
    clock.advance(100)
    with pytest.raises(BreakerDeadlock):     # every later call blocks on state.read()
        b.call(ok)


def test_fixed_failed_trial_reopens_and_restarts_timeout():
    b, clock = make(FixedCircuitBreaker)
    for _ in range(3):
        fail(b)
    clock.advance(2)
    fail(b)                                   # the trial fails: f's own error comes back
    assert b.state is OPEN
    assert b.failure_count <= 3
    assert b.last_failure_time == 2           # timeout restarts
    clock.advance(1)
    with pytest.raises(CircuitOpenError):
        b.call(ok)
    clock.advance(1)
    succeed(b)
    assert b.state is CLOSED


# ---------------------------------------------------------------- flaw 4: many trial calls


def _open_and_time_out(cls, threshold=3, timeout=2.0):
    b, clock = make(cls, threshold, timeout)
    for _ in range(threshold):
        fail(b)
    clock.advance(timeout)
    return b, clock


def test_faithful_half_open_lets_every_caller_through():
    b, _ = _open_and_time_out(CircuitBreaker)
    first = b.begin_call()                    # timeout path: HalfOpen + trial
    assert first and b.state is HALF_OPEN
    others = [b.begin_call() for _ in range(5)]
    assert all(p is not None and p.is_trial for p in others)  # `HalfOpen | Closed =>` runs f


def test_fixed_half_open_admits_exactly_one_trial():
    b, _ = _open_and_time_out(FixedCircuitBreaker)
    first = b.begin_call()
    assert first and first.is_trial and b.state is HALF_OPEN
    assert [b.begin_call() for _ in range(5)] == [None] * 5
    b.finish_call(True, first)
    assert b.state is CLOSED
    assert b.begin_call() is not None


def test_faithful_failure_of_a_second_trial_deadlocks():
    b, _ = _open_and_time_out(CircuitBreaker)
    first = b.begin_call()                    # holds `last_failure` across its recursive call
    second = b.begin_call()                   # read HalfOpen directly
    with pytest.raises(BreakerDeadlock):
        b.finish_call(False, second)          # last_failure_time.write() waits for `first`
    with pytest.raises(BreakerDeadlock):
        b.finish_call(True, first)            # ... whose on_success waits for the state lock


# ---------------------------------------------------------------- flaw 5: late results


def test_faithful_late_success_closes_half_open_breaker_without_trial():
    b, clock = make(CircuitBreaker, threshold=2)
    old = b.begin_call()                      # admitted while Closed, still running
    fail(b)
    fail(b)
    assert b.state is OPEN
    clock.advance(2)
    trial = b.begin_call()
    assert b.state is HALF_OPEN
    b.finish_call(True, old)                  # on_success applies to the state NOW
    assert b.state is CLOSED and b.failure_count == 0
    assert trial in b.in_flight()             # the trial has not reported


def test_fixed_late_success_does_not_close_half_open_breaker():
    b, clock = make(FixedCircuitBreaker, threshold=2)
    old = b.begin_call()
    fail(b)
    fail(b)
    clock.advance(2)
    trial = b.begin_call()
    assert trial.is_trial
    b.finish_call(True, old)
    assert b.state is HALF_OPEN
    b.finish_call(False, trial)
    assert b.state is OPEN


def test_faithful_late_failures_grow_counter_and_prolong_open_period():
    b, clock = make(CircuitBreaker, threshold=2, timeout=1.0)
    p = [b.begin_call() for _ in range(4)]
    b.finish_call(False, p[0])
    b.finish_call(False, p[1])
    assert b.state is OPEN and b.last_failure_time == 0
    clock.advance(0.5)
    b.finish_call(False, p[2])
    b.finish_call(False, p[3])
    assert b.failure_count == 4               # counts past the threshold while Open
    assert b.last_failure_time == 0.5         # re-stamped: the Open period restarts
    clock.advance(0.6)                        # 1.1 after opening, only 0.6 after the re-stamp
    assert b.begin_call() is None


def test_fixed_late_failures_are_not_counted_while_open():
    b, clock = make(FixedCircuitBreaker, threshold=2, timeout=1.0)
    p = [b.begin_call() for _ in range(4)]
    b.finish_call(False, p[0])
    b.finish_call(False, p[1])
    clock.advance(0.5)
    b.finish_call(False, p[2])
    b.finish_call(False, p[3])
    assert b.failure_count == 2 and b.last_failure_time == 0
    clock.advance(0.6)
    assert b.begin_call() is not None         # trial after the original timeout


def test_faithful_success_while_open_does_nothing():
    b, _ = make(CircuitBreaker)
    for _ in range(3):
        fail(b)
    b.on_success()
    assert b.state is OPEN and b.failure_count == 3


# ---------------------------------------------------------------- u32 overflow


def test_faithful_counter_wraps_in_release_build_and_then_half_open_failure_does_not_reopen():
    b, _ = make(CircuitBreaker)
    b.state = HALF_OPEN        # HalfOpen reached through a concurrent direct reader
    b.failure_count = U32_MAX
    b.on_failure()
    assert b.failure_count == 0
    assert b.state is HALF_OPEN


def test_faithful_counter_overflow_panics_in_debug_build():
    b = CircuitBreaker(3, 2.0, Clock(), overflow="panic")
    b.failure_count = U32_MAX
    with pytest.raises(OverflowError):
        b.on_failure()


# ---------------------------------------------------------------- split-API hygiene


@BOTH
def test_finish_needs_a_permit_in_flight(cls):
    b, _ = make(cls)
    p = b.begin_call()
    b.finish_call(True)
    with pytest.raises(ValueError):
        b.finish_call(True, p)
    q, r = b.begin_call(), b.begin_call()
    with pytest.raises(ValueError):
        b.finish_call(True)  # ambiguous with two in flight
    b.finish_call(True, q)
    b.finish_call(True, r)


def test_clock_cannot_go_backwards():
    c = Clock()
    c.advance(1)
    with pytest.raises(ValueError):
        c.advance(-0.5)
    assert c.now() == 1


# ---------------------------------------------------------------- exhaustive exploration


def _explore(cls, threshold=2, timeout=1.0, callers=2, max_depth=14):
    """Every state reachable by <= max_depth operations among: caller c begins
    a call, caller c's call finishes ok / failed, one time unit passes.
    Operations are replayed from scratch (no copying of breakers).  Returns
    the set of property names found violated, with the ghost bookkeeping of
    spec/breaker*.spec (consecutive run, trials, justification of openings /
    closings / half-openings)."""
    ops = [("begin", c, None) for c in range(callers)]
    ops += [("finish", c, okv) for c in range(callers) for okv in (True, False)]
    ops += [("tick", None, None)]
    violated: set[str] = set()

    def replay(seq):
        clock = Clock()
        b = cls(threshold, timeout, clock)
        permits = [None] * callers
        g = dict(consecutive=0, trials=0)
        for op, c, okv in seq:
            before = b.state
            if op == "tick":
                clock.advance(1)
                continue
            if op == "begin":
                if permits[c] is not None:
                    return None
                try:
                    permits[c] = b.begin_call()
                except BreakerDeadlock:
                    violated.add("calls_always_return")
                    return None
                if permits[c] is None:
                    return None  # rejected: no change, not a new state
                if b.state is HALF_OPEN and before is not HALF_OPEN:
                    g["trials"] = 0
                    if not (before is OPEN):
                        violated.add("half_open_only_after_timeout")
                if permits[c].is_trial:
                    g["trials"] += 1
                    if g["trials"] > 1:
                        violated.add("half_open_single_trial")
                continue
            p = permits[c]
            if p is None:
                return None
            g["consecutive"] = 0 if okv else min(g["consecutive"] + 1, threshold)
            try:
                b.finish_call(okv, p)
            except BreakerDeadlock:
                violated.add("calls_always_return")
                return None
            permits[c] = None
            if not okv and p.is_trial and before is HALF_OPEN and b.state is not OPEN:
                violated.add("failed_trial_reopens")
            if b.state is OPEN and before is not OPEN:
                if not (g["consecutive"] >= threshold or (before is HALF_OPEN and p.is_trial)):
                    violated.add("open_only_after_consecutive_failures")
            if b.state is CLOSED and before is not CLOSED and not p.is_trial:
                violated.add("closed_only_by_successful_trial")
        if b.failure_count > threshold:
            violated.add("failure_count_within_threshold")
        if b.state is CLOSED and b.failure_count >= threshold:
            violated.add("closed_below_threshold")
        elapsed = None if b.last_failure_time is None else min(clock.now() - b.last_failure_time, timeout)
        return (b.state, b.failure_count, elapsed, g["consecutive"], g["trials"],
                tuple(None if p is None else (p.admitted_in, p.is_trial, p.holds_failure_time_guard)
                      for p in permits))

    seen = {replay(())}
    frontier = deque([()])
    while frontier:
        seq = frontier.popleft()
        if len(seq) >= max_depth:
            continue
        for op in ops:
            key = replay(seq + (op,))
            if key is not None and key not in seen:
                seen.add(key)
                frontier.append(seq + (op,))
    return violated, len(seen)


def test_exploration_of_faithful_model_finds_every_flaw():
    violated, states = _explore(CircuitBreaker)
    assert states > 20
    assert violated == {
        "open_only_after_consecutive_failures",
        "failure_count_within_threshold",
        "half_open_single_trial",
        "closed_only_by_successful_trial",
        "calls_always_return",
    }


@pytest.mark.parametrize("threshold,timeout,callers", [(2, 1.0, 2), (1, 1.0, 2), (3, 2.0, 1), (2, 2.0, 3)])
def test_exploration_of_fixed_model_finds_nothing(threshold, timeout, callers):
    depth = 12 if callers < 3 else 10
    violated, states = _explore(FixedCircuitBreaker, threshold, timeout, callers, depth)
    assert states > 10
    assert violated == set()


# ---------------------------------------------------------------- the specs' verdicts


def _check(name, consts=None):
    lang = pytest.importorskip("checker.lang")
    engine = pytest.importorskip("checker.explicit.engine")
    from checker.options import Options

    spec = lang.load_file(str(SPEC_DIR / name), consts)
    return engine.check(spec, Options())


def _verdicts(result):
    return {p.name: p.verdict.value for p in result.properties}


SPEC_PROPS = ["open_only_after_consecutive_failures", "failure_count_within_threshold",
              "closed_below_threshold", "half_open_single_trial", "half_open_only_after_timeout",
              "closed_only_by_successful_trial", "failed_trial_reopens", "calls_always_return"]


def test_spec_breaker_verdicts():
    r = _check("breaker.spec")
    v = _verdicts(r)
    assert r.exhaustive
    for name in ["open_only_after_consecutive_failures", "failure_count_within_threshold",
                 "calls_always_return"]:
        assert v[name] == "violated", name
    for name in ["closed_below_threshold", "half_open_single_trial",
                 "half_open_only_after_timeout", "closed_only_by_successful_trial",
                 "failed_trial_reopens"]:
        assert v[name] == "holds", name
    assert v.get("typeok", "holds") == "holds"
    assert v.get("deadlock") == "violated"
    # shortest counterexamples: fail, succeed, fail, fail / 3 fails, 2 ticks, failed trial
    assert len(r.trace("open_only_after_consecutive_failures")) == 4
    assert len(r.trace("calls_always_return")) == 6
    assert [s.label() for s in r.trace("calls_always_return").steps[1:]] == [
        "call_fails", "call_fails", "call_fails", "tick", "tick", "call_after_timeout"]


def test_spec_breaker_threshold_one_counts_every_failure_as_consecutive():
    v = _verdicts(_check("breaker.spec", {"THRESHOLD": 1, "TIMEOUT": 1}))
    assert v["open_only_after_consecutive_failures"] == "holds"
    assert v["calls_always_return"] == "violated"


def test_spec_concurrent_breaker_verdicts():
    r = _check("breaker_concurrent.spec")
    v = _verdicts(r)
    assert r.exhaustive
    for name in SPEC_PROPS:
        assert v[name] == "violated", name
    assert v.get("deadlock") == "violated"


@pytest.mark.parametrize("consts", [None, {"CALLERS": 1}, {"CALLERS": 3},
                                    {"THRESHOLD": 1, "TIMEOUT": 1, "CALLERS": 3},
                                    {"THRESHOLD": 5, "TIMEOUT": 4, "CALLERS": 3}])
def test_spec_fixed_breaker_all_properties_hold(consts):
    r = _check("breaker_fixed.spec", consts)
    v = _verdicts(r)
    assert r.exhaustive
    assert set(SPEC_PROPS) <= set(v)
    assert all(x == "holds" for x in v.values()), v
