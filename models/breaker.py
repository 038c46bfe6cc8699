"""Executable models of the circuit breaker of section 8.1 of the design document.

Two classes with one interface:

* :class:`CircuitBreaker` -- FAITHFUL to the document's Rust code, flaws
  included (nothing is fixed silently).  Every method mirrors a Rust method
  of the same name; the docstrings quote the line each behaviour comes from.
* :class:`FixedCircuitBreaker` -- the corrected design of
  ``spec/breaker_fixed.spec``.

Both take an explicit clock (``models.clock.Clock``) so that time only moves
when a test says so.

Calls can be made whole, ``call(f)``, or split in two to interleave several
callers by hand, the way concurrent tasks interleave in the Rust code::

    p = breaker.begin_call()      # None: rejected (f may not run); else a Permit
    ok = run_f_somehow()
    breaker.finish_call(ok, p)    # applies on_success / on_failure

What the faithful model cannot interleave
-----------------------------------------
``begin_call`` and ``finish_call`` are each atomic here.  The Rust code can
also interleave *inside* them, at every lock ``.await``: between reading
"Open, timed out" and ``transition_to_half_open()`` (a stale half-open
transition), and between the two lock acquisitions of ``on_success``
(``state`` then ``failure_count``) and ``on_failure`` (``failure_count`` then
``state``) -- a lock-order deadlock.  Those are in
``spec/breaker_concurrent.spec``, which has one step per lock acquisition.

The one lock effect this model does reproduce is the self-deadlock: a call
that got through by the timeout path runs its trial inside
``return self.call(f).await`` while still holding the read guard
``last_failure`` on ``last_failure_time``; if the trial fails, ``on_failure``
waits for the write lock on that same ``last_failure_time`` forever.  The model
raises :class:`BreakerDeadlock` where the Rust task would wait forever, and
from then on every operation that would block on the locks the stuck task
holds raises it too (``wedged``).
"""
from __future__ import annotations

import enum
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, TypeVar

from .clock import Clock

T = TypeVar("T")

U32_MAX = 2**32 - 1


class CircuitState(str, enum.Enum):
    """``CircuitBreakerState``."""

    CLOSED = "Closed"
    OPEN = "Open"
    HALF_OPEN = "HalfOpen"


class CircuitOpenError(Exception):
    """The call was rejected: ``Err("Circuit breaker is open".into())``."""


class BreakerDeadlock(RuntimeError):
    """In the Rust code this operation would await a lock forever.

    Raised instead of hanging, so that a test can see the hang.  ``reason``
    says which lock and why.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Permit:
    """One call in flight: admitted, ``f`` running, result not yet applied.

    ``admitted_in`` is the state the call read when it was let through
    (Closed or HalfOpen); ``is_trial`` says whether it was let through while
    HalfOpen.  ``holds_failure_time_guard`` is true for a call that came
    through the timeout path of the faithful model: its outer ``call`` frame
    still holds the read guard ``last_failure`` on ``last_failure_time``.
    """

    id: int
    admitted_in: CircuitState
    is_trial: bool
    holds_failure_time_guard: bool = False
    finished: bool = field(default=False, compare=False)

    def __bool__(self) -> bool:  # a Permit means "f may run"
        return True


def _run(breaker: Any, f: Callable[[], T]) -> T:
    """``call(f)`` on top of the split API: f raising is ``Err``."""
    permit = breaker.begin_call()
    if permit is None:
        raise CircuitOpenError("Circuit breaker is open")
    try:
        result = f()
    except Exception:
        breaker.finish_call(False, permit)
        raise
    breaker.finish_call(True, permit)
    return result


class CircuitBreaker:
    """The document's ``CircuitBreaker``, behaviour for behaviour.

    ``failure_threshold`` and ``timeout`` as in ``CircuitBreaker::new``;
    ``clock`` gives ``now()`` (``Instant::now()``); ``overflow`` says what
    ``*failure_count += 1`` does at ``u32::MAX``: ``"wrap"`` (a release build)
    or ``"panic"`` (a debug build: raises ``OverflowError``).

    Attributes mirror the struct fields: ``state``, ``failure_count``,
    ``last_failure_time`` (None or a clock time), ``failure_threshold``,
    ``timeout``.  ``wedged`` is set once a task is stuck forever holding the
    breaker's locks (see :class:`BreakerDeadlock`).

    This is a deterministic simulation, not a thread-safe breaker: interleave
    callers with ``begin_call`` / ``finish_call``.
    """

    def __init__(self, failure_threshold: int, timeout: float, clock: Optional[Clock] = None,
                 overflow: str = "wrap"):
        if overflow not in ("wrap", "panic"):
            raise ValueError("overflow must be 'wrap' or 'panic'")
        self.failure_threshold = failure_threshold
        self.timeout = timeout
        self.clock = clock if clock is not None else Clock()
        self.overflow = overflow
        self.state = CircuitState.CLOSED
        self.failure_count = 0
        self.last_failure_time: Optional[float] = None
        self.wedged: Optional[str] = None
        self._ids = itertools.count(1)
        self._in_flight: dict[int, Permit] = {}

    # ------------------------------------------------------------ calls

    def call(self, f: Callable[[], T]) -> T:
        """``async fn call(&self, f)``: run ``f`` through the breaker.

        Returns f's result; re-raises f's exception (after ``on_failure``);
        raises :class:`CircuitOpenError` when rejected, and
        :class:`BreakerDeadlock` where the Rust call would never return.
        """
        return _run(self, f)

    def begin_call(self) -> Optional[Permit]:
        """The part of ``call`` before ``f()`` runs.

        ``let state = self.state.read().await;`` then, when Open:
        ``if let Some(time) = *last_failure { if time.elapsed() >=
        self.timeout { drop(state); self.transition_to_half_open().await;
        return self.call(f).await; } }`` -- the recursive call reads the state
        again (now HalfOpen) and lets f run, while this frame keeps
        ``last_failure``.  Otherwise ``Err``: returns None.  When Closed or
        HalfOpen: ``drop(state)`` and f may run -- ANY number of callers in
        HalfOpen.
        """
        self._blocked_if_wedged("self.state.read()")
        if self.state is CircuitState.OPEN:
            last_failure = self.last_failure_time
            if last_failure is not None and self.clock.now() - last_failure >= self.timeout:
                self.transition_to_half_open()
                return self._admit(holds_guard=True)
            return None
        return self._admit(holds_guard=False)

    def _admit(self, holds_guard: bool) -> Optional[Permit]:
        # `CircuitBreakerState::HalfOpen | CircuitBreakerState::Closed => { drop(state); match f() {`
        if self.state is CircuitState.OPEN:  # cannot happen single-threaded; kept for fidelity
            return None
        p = Permit(next(self._ids), self.state, self.state is CircuitState.HALF_OPEN, holds_guard)
        self._in_flight[p.id] = p
        return p

    def finish_call(self, ok: bool, permit: Optional[Permit] = None) -> None:
        """The part of ``call`` after ``f()`` returned: ``on_success()`` if
        ``ok`` else ``on_failure()``, applied to the state as it is NOW, not
        as it was when the call was admitted.  ``permit`` may be omitted when
        exactly one call is in flight."""
        p = self._resolve(permit)
        if ok:
            self.on_success()
        else:
            self.on_failure()
        # the call returns: its frame, and the `last_failure` guard, go away
        p.finished = True
        del self._in_flight[p.id]

    def in_flight(self) -> list[Permit]:
        """The calls admitted whose results have not been applied yet."""
        return list(self._in_flight.values())

    # ------------------------------------------------------------ the Rust methods

    def on_success(self) -> None:
        """``on_success``: HalfOpen -> Closed with ``failure_count = 0``;
        Closed: ``// 保持关闭状态`` -- the counter is NOT reset; Open:
        ``_ => {}``, nothing."""
        self._blocked_if_wedged("self.state.write()")
        if self.state is CircuitState.HALF_OPEN:
            self.state = CircuitState.CLOSED
            self.failure_count = 0

    def on_failure(self) -> None:
        """``on_failure``: ``*failure_count += 1`` in EVERY state; if
        ``>= failure_threshold``: state Open and ``last_failure_time = now``.

        The write lock on ``last_failure_time`` waits until no read guard on
        it is left; a call in flight through the timeout path still holds one
        (its own, or another caller's) -- then this raises
        :class:`BreakerDeadlock` with the state already Open, the counter
        already incremented and ``last_failure_time`` NOT updated, and the
        breaker stays ``wedged``.
        """
        self._blocked_if_wedged("self.failure_count.write()")
        if self.failure_count >= U32_MAX:
            if self.overflow == "panic":
                raise OverflowError("attempt to add with overflow (failure_count: u32)")
            self.failure_count = 0
        else:
            self.failure_count += 1
        if self.failure_count >= self.failure_threshold:
            self.state = CircuitState.OPEN
            holders = [p.id for p in self._in_flight.values() if p.holds_failure_time_guard]
            if holders:
                self.wedged = (
                    "on_failure holds the failure_count and state write locks and awaits "
                    "self.last_failure_time.write(), but call(s) "
                    f"{holders} still hold the read guard `last_failure` across "
                    "`return self.call(f).await`")
                raise BreakerDeadlock(self.wedged)
            self.last_failure_time = self.clock.now()

    def transition_to_half_open(self) -> None:
        """``transition_to_half_open``: state = HalfOpen, unconditionally."""
        self._blocked_if_wedged("self.state.write()")
        self.state = CircuitState.HALF_OPEN

    # ------------------------------------------------------------ helpers

    def _blocked_if_wedged(self, what: str) -> None:
        if self.wedged:
            raise BreakerDeadlock(f"{what} waits forever: {self.wedged}")

    def _resolve(self, permit: Optional[Permit]) -> Permit:
        if permit is None:
            if len(self._in_flight) != 1:
                raise ValueError(f"{len(self._in_flight)} calls in flight: say which permit finishes")
            return next(iter(self._in_flight.values()))
        if permit.finished or self._in_flight.get(permit.id) is not permit:
            raise ValueError(f"permit {permit.id} is not in flight")
        return permit

    def __repr__(self) -> str:
        return (f"CircuitBreaker(state={self.state.value}, failure_count={self.failure_count}, "
                f"last_failure_time={self.last_failure_time}, in_flight={len(self._in_flight)}"
                + (", WEDGED" if self.wedged else "") + ")")


class FixedCircuitBreaker:
    """The corrected design of ``spec/breaker_fixed.spec``.

    * consecutive failures: a success in Closed resets ``failure_count``;
    * exactly one trial call in HalfOpen: the call that finds the breaker Open
      with the timeout run out moves it to HalfOpen and is its trial; every
      other call is rejected until the trial's result is in;
    * a failed trial re-opens the breaker (and restarts the timeout), a
      successful one closes it with ``failure_count = 0``;
    * results are applied by permit: while HalfOpen only the trial's result
      counts, while Open none does; in Closed every result counts;
    * one mutex, held only inside ``begin_call`` / ``finish_call``, never
      while ``f`` runs: this class is safe to share between threads, and
      cannot deadlock.
    """

    def __init__(self, failure_threshold: int, timeout: float, clock: Optional[Clock] = None):
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be >= 1")
        self.failure_threshold = failure_threshold
        self.timeout = timeout
        self.clock = clock if clock is not None else Clock()
        self.state = CircuitState.CLOSED
        self.failure_count = 0
        self.last_failure_time: Optional[float] = None
        self.trial_in_flight = False
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._in_flight: dict[int, Permit] = {}

    def call(self, f: Callable[[], T]) -> T:
        """Run ``f`` through the breaker; :class:`CircuitOpenError` when rejected."""
        return _run(self, f)

    def begin_call(self) -> Optional[Permit]:
        """Admit a call (a Permit) or reject it (None), in one critical section."""
        with self._lock:
            if self.state is CircuitState.OPEN:
                if self.clock.now() - self.last_failure_time < self.timeout:  # type: ignore[operator]
                    return None
                self.state = CircuitState.HALF_OPEN
                self.failure_count = 0
            if self.state is CircuitState.HALF_OPEN:
                if self.trial_in_flight:
                    return None
                self.trial_in_flight = True
                p = Permit(next(self._ids), CircuitState.HALF_OPEN, True)
            else:
                p = Permit(next(self._ids), CircuitState.CLOSED, False)
            self._in_flight[p.id] = p
            return p

    def finish_call(self, ok: bool, permit: Optional[Permit] = None) -> None:
        """Apply a call's result according to its permit, in one critical section."""
        with self._lock:
            if permit is None:
                if len(self._in_flight) != 1:
                    raise ValueError(f"{len(self._in_flight)} calls in flight: say which permit finishes")
                permit = next(iter(self._in_flight.values()))
            if permit.finished or self._in_flight.get(permit.id) is not permit:
                raise ValueError(f"permit {permit.id} is not in flight")
            if ok:
                self._on_success(permit)
            else:
                self._on_failure(permit)
            permit.finished = True
            del self._in_flight[permit.id]

    def on_success(self, permit: Permit) -> None:
        """Apply a success (same as ``finish_call(True, permit)``)."""
        self.finish_call(True, permit)

    def on_failure(self, permit: Permit) -> None:
        """Apply a failure (same as ``finish_call(False, permit)``)."""
        self.finish_call(False, permit)

    def in_flight(self) -> list[Permit]:
        """The calls admitted whose results have not been applied yet."""
        with self._lock:
            return list(self._in_flight.values())

    def _on_success(self, p: Permit) -> None:
        if self.state is CircuitState.CLOSED:
            self.failure_count = 0
        elif self.state is CircuitState.HALF_OPEN and p.is_trial:
            self.trial_in_flight = False
            self.state = CircuitState.CLOSED
            self.failure_count = 0

    def _on_failure(self, p: Permit) -> None:
        if self.state is CircuitState.CLOSED:
            self.failure_count += 1
            if self.failure_count >= self.failure_threshold:
                self._open()
        elif self.state is CircuitState.HALF_OPEN and p.is_trial:
            self.trial_in_flight = False
            self._open()

    def _open(self) -> None:
        self.state = CircuitState.OPEN
        self.last_failure_time = self.clock.now()

    def __repr__(self) -> str:
        return (f"FixedCircuitBreaker(state={self.state.value}, failure_count={self.failure_count}, "
                f"last_failure_time={self.last_failure_time}, in_flight={len(self._in_flight)})")
