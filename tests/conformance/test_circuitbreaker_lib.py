"""The PyPI library ``circuitbreaker`` (``from circuitbreaker import
CircuitBreaker``) checked against spec/breaker.spec (the design document's
breaker) and spec/breaker_fixed.spec (the corrected design) with
checker.conformance.  See docs/conformance.md, "Checking a third-party
library".

What the library does (circuitbreaker.py, version 2.x):

* ``state`` is a property: ``closed``, ``open``, or ``half_open`` -- the last
  is not stored: it is ``open`` with ``recovery_timeout`` seconds of
  ``monotonic()`` elapsed since ``_opened``.  The decorated function's wrapper
  rejects a call (``CircuitBreakerError``) iff ``state == open``; in
  ``half_open`` every call is let through.
* A success -- in any state -- calls ``reset()``: closed, ``failure_count =
  0``.  So it counts CONSECUTIVE failures.
* A failure -- in any state -- does ``failure_count += 1`` and, if
  ``failure_count >= failure_threshold``, opens with ``_opened = monotonic()``
  (the timeout restarts).  The counter is not reset when the breaker becomes
  half-open, so a failed trial makes it threshold+1, then +2, ...

Time: the library reads ``circuitbreaker.monotonic`` (a module global, from
``from time import monotonic``).  The tests patch it with a test clock that
only moves in the spec's ``tick`` action (one tick = one second;
``recovery_timeout = TIMEOUT`` seconds).

Several callers (breaker_fixed.spec has CALLERS): a call is split into its
admission and its result with the library's own decorator for GENERATOR
functions: ``next(gen)`` runs the wrapper's ``if self.opened: raise
CircuitBreakerError`` and enters ``with self:`` up to the function's
``yield`` (the call is in flight); ``next(gen)`` again finishes it
successfully, ``gen.throw(Boom())`` makes it fail -- ``__exit__`` applies the
result to whatever state the breaker is in by then.  This is exactly the path
of a plain decorated function whose body takes a while, stopped in the middle.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional

import pytest

pytest.importorskip("hypothesis")
circuitbreaker = pytest.importorskip("circuitbreaker")

from unittest import mock  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402

from checker.api import load  # noqa: E402
from checker import conformance  # noqa: E402
from checker.conformance import ConformanceError, conformance_machine  # noqa: E402
from checker.interp import freeze, initial_states, run_action  # noqa: E402

SPEC = Path(__file__).resolve().parents[2] / "spec"
THRESHOLD, TIMEOUT = 3, 2  # the specs' defaults

# Deterministic: derandomize (the seed is derived from the test), no example
# database, so every run explores -- and shrinks to -- the same programs.
# 12 steps are enough for every difference below (the longest needs 9).
SETTINGS = settings(max_examples=100, stateful_step_count=12, deadline=None, derandomize=True,
                    database=None, suppress_health_check=list(HealthCheck))


class Boom(Exception):
    """The downstream service failed (what the protected function raises)."""


class _TestClock:
    """The library's monotonic(): seconds, moved only by the spec's `tick`."""

    t = 0


CLOCK = _TestClock()


@pytest.fixture(autouse=True)
def explicit_time():
    with mock.patch.object(circuitbreaker, "monotonic", lambda: CLOCK.t):
        yield


@pytest.fixture(autouse=True)
def memoized_spec_steps():
    """Speed only: the conformance machine asks checker.interp.run_action
    for every binding's precondition at every step, and Hypothesis' shrinking
    replays thousands of steps.  run_action is a pure function of (spec,
    action, args, state), so memoize it for this module's tests (halves
    their run time; the results are the same)."""
    memo: dict = {}
    step = conformance.run_action

    def run_action_memo(spec, name, args, state):
        key = (id(spec), name, tuple(args), freeze(spec, state))
        if key not in memo:
            memo[key] = step(spec, name, args, state)
        return memo[key]

    with mock.patch.object(conformance, "run_action", run_action_memo):
        yield


@functools.lru_cache(maxsize=None)
def _spec(file: str, callers: Optional[int] = None):
    return load(str(SPEC / file), {"CALLERS": callers} if callers else None)


def _new_breaker() -> "circuitbreaker.CircuitBreaker":
    CLOCK.t = 0
    return circuitbreaker.CircuitBreaker(failure_threshold=THRESHOLD, recovery_timeout=TIMEOUT,
                                         name="downstream")


def _waited(cb) -> int:
    """Seconds since the breaker last opened, saturating at TIMEOUT (the
    spec's `waited`).  open_remaining is the library's public countdown."""
    return max(0, min(TIMEOUT, TIMEOUT - cb.open_remaining))


def replay(e: ConformanceError) -> list[str]:
    """The steps of Hypothesis' minimal failing program, as printed."""
    notes = getattr(e, "__notes__", [])
    return [n[len("state."):-2] for n in notes
            if n.startswith("state.") and n not in ("state.spec_invariants()", "state.teardown()")]


def run_failing(machine) -> ConformanceError:
    with pytest.raises(ConformanceError) as e:
        run_state_machine_as_test(machine, settings=SETTINGS)
    return e.value


# =========================================================== (a) breaker.spec


class OneCaller:
    """The library wrapped around a function that succeeds or fails on demand;
    one caller, each call whole (breaker.spec)."""

    def __init__(self):
        self.cb = _new_breaker()
        self.fail = False

        @self.cb
        def downstream():
            if self.fail:
                raise Boom("503")
            return "ok"

        self.downstream = downstream

    def call(self, fail: bool) -> None:
        self.fail = fail
        if fail:
            with pytest.raises(Boom):
                self.downstream()
        else:
            assert self.downstream() == "ok"

    def tick(self) -> None:
        CLOCK.t += 1

    def state(self, with_failures: bool = True) -> dict:
        cb = self.cb
        # breaker.spec's HalfOpen is never visible between steps (the trial is
        # part of call_after_timeout); the library's lazily computed
        # `half_open` is the spec's "Open and waited == TIMEOUT".
        out = {"phase": {"closed": "Closed", "open": "Open", "half_open": "Open"}[cb.state],
               "waited": _waited(cb),
               # the library takes no lock at all: no call can block in it
               "hung": False}
        if with_failures:
            out["failures"] = cb.failure_count
        return out


def _document_machine(with_failures: bool = True, skip=()):
    actions = {"call_succeeds": lambda w: w.call(False),
               "call_fails": lambda w: w.call(True),
               "call_after_timeout": {"ok": lambda w: w.call(False), "fails": lambda w: w.call(True)},
               "tick": OneCaller.tick}
    for a in skip:
        del actions[a]
    return conformance_machine(_spec("breaker.spec"), factory=OneCaller,
                               state_of=lambda w: w.state(with_failures), actions=actions,
                               skip=skip, name="CircuitbreakerVsDocument")


def test_document_counter_reset_on_success():
    """Difference 1 (first step that differs): the library resets its failure
    counter on a success in closed; the document's breaker keeps counting."""
    e = run_failing(_document_machine())
    assert replay(e) == ["call_fails", "call_succeeds"]
    msg = str(e)
    assert msg.startswith("call_succeeds: the object's new state is not a successor allowed by spec breaker")
    assert "object: {'phase': 'Closed', 'waited': 0, 'hung': False, 'failures': 0}" in msg
    assert "spec allows: {'failures': 1, 'hung': False, 'phase': 'Closed', 'waited': 0}" in msg


def test_document_consecutive_failures_visible():
    """Difference 1, as a caller sees it (the counter left to the spec, only
    open/closed compared): fail, succeed, fail, fail -- the document's breaker
    is open, the library is still closed, because it counts consecutive
    failures."""
    # call_after_timeout left out: its failing trial shows difference 2 (the
    # document's breaker hangs), and which of the two Hypothesis meets first
    # depended on what ran before in the same process (seen with pytest-xdist)
    e = run_failing(_document_machine(with_failures=False, skip=("call_after_timeout",)))
    steps = replay(e)
    # three failures with one success between them (Hypothesis may place the
    # success after the first or the second failure: both are minimal)
    assert steps in (["call_fails", "call_succeeds", "call_fails", "call_fails"],
                     ["call_fails", "call_fails", "call_succeeds", "call_fails"]), steps
    msg = str(e)
    assert msg.startswith("call_fails: the object's new state is not a successor")
    assert "object: {'phase': 'Closed', 'waited': 0, 'hung': False}" in msg
    assert "spec allows: {'hung': False, 'phase': 'Open', 'waited': 0}" in msg


def test_document_failed_trial_does_not_hang():
    """Difference 2 (successes in closed left out, so that difference 1 cannot
    show): after the timeout, a failed trial call HANGS the document's breaker
    (the self-deadlock of breaker.spec, calls_always_return) and leaves
    last_failure_time as it was; the library returns the error, re-opens and
    restarts the timeout.  Both counters are at 4 = THRESHOLD + 1 (the
    library, too, never resets its counter on becoming half-open)."""
    e = run_failing(_document_machine(skip=("call_succeeds",)))
    assert replay(e) == ["call_fails", "call_fails", "call_fails", "tick", "tick",
                         "call_after_timeout__fails"]
    msg = str(e)
    assert msg.startswith("call_after_timeout [fails]: the object's new state is not a successor")
    assert "object: {'phase': 'Open', 'waited': 0, 'hung': False, 'failures': 4}" in msg
    # the spec's two outcomes of the trial: success closes, failure hangs
    assert "spec allows: {'failures': 0, 'hung': False, 'phase': 'Closed', 'waited': 2}\n" \
           "               {'failures': 4, 'hung': True, 'phase': 'Open', 'waited': 2}" in msg


def test_document_agrees_on_failures_and_timeout():
    """Where the two agree: with only failing calls before the timeout and
    successful trials after it, the library is step for step the document's
    breaker (counter included)."""
    m = conformance_machine(
        _spec("breaker.spec"), factory=OneCaller, state_of=OneCaller.state,
        actions={"call_fails": lambda w: w.call(True),
                 "call_after_timeout": {"ok": lambda w: w.call(False)},
                 "tick": OneCaller.tick},
        skip=("call_succeeds",), name="CircuitbreakerVsDocumentAgreeing")
    run_state_machine_as_test(m, settings=settings(SETTINGS, max_examples=60))


# =========================================================== (b) breaker_fixed.spec


SEEN: set = set()  # (phase before, phase after) of the steps run, for non-vacuity checks


class Callers:
    """The library shared by CALLERS callers, each call split into admission
    and result (a decorated generator function, see the module docstring)."""

    def __init__(self, callers: int):
        self.cb = _new_breaker()
        self.callers = callers

        @self.cb
        def downstream():
            yield "in flight"  # the request is out; its result comes later

        self.downstream = downstream
        self.gen: dict[int, object] = {}
        # For the mapping of `phase` only: the `_opened` time of the half-open
        # period in which the call in flight was admitted (None: admitted
        # while closed).  The library has no notion of "the trial call".
        self.admitted_half_open: dict[int, Optional[float]] = {}

    def begin(self, c: int) -> None:
        was_half_open = self.cb.state == "half_open"
        gen = self.downstream()
        assert next(gen) == "in flight"  # raises CircuitBreakerError if rejected
        self.gen[c] = gen
        self.admitted_half_open[c] = self.cb._opened if was_half_open else None

    def finish(self, c: int, ok: bool) -> None:
        gen = self.gen.pop(c)
        self.admitted_half_open.pop(c)
        if ok:
            with pytest.raises(StopIteration):
                next(gen)
        else:
            with pytest.raises(Boom):
                gen.throw(Boom("503"))

    def tick(self) -> None:
        CLOCK.t += 1

    def state(self, with_failures: bool) -> dict:
        out = self._state(with_failures)
        SEEN.add((getattr(self, "_last_phase", "Closed"), out["phase"]))
        self._last_phase = out["phase"]
        return out

    def _state(self, with_failures: bool) -> dict:
        cb = self.cb
        phase = {"closed": "Closed", "open": "Open", "half_open": "Open"}[cb.state]
        # The library's `half_open` means "the next call is let through as a
        # trial": the spec's Open with the timeout run out.  The spec's
        # HalfOpen means "a trial call is in flight": the library is
        # half_open AND a call admitted in this half-open period is in flight.
        if cb.state == "half_open" and cb._opened in self.admitted_half_open.values():
            phase = "HalfOpen"
        out = {"phase": phase, "waited": _waited(cb),
               "pc": tuple("Running" if c in self.gen else "Idle" for c in range(1, self.callers + 1))}
        if with_failures:
            out["failures"] = cb.failure_count
        return out


def _fixed_machine(callers: int, with_failures: bool):
    return conformance_machine(
        _spec("breaker_fixed.spec", callers),
        factory=lambda: Callers(callers), state_of=lambda w: w.state(with_failures),
        actions={"begin": Callers.begin, "finish": Callers.finish, "tick": Callers.tick},
        name=f"CircuitbreakerVsFixed{callers}")


def test_fixed_one_caller_conforms_on_what_callers_see():
    """One caller at a time: which calls are let through, and when the
    breaker is open, half-open or closed, are exactly the corrected design's
    (consecutive counting, timeout, one trial, a failed trial re-opens and
    restarts the timeout).  Only the counter is left to the spec."""
    SEEN.clear()
    run_state_machine_as_test(_fixed_machine(1, with_failures=False),
                              settings=settings(SETTINGS, max_examples=200, stateful_step_count=20))
    # not vacuous: trials were admitted, failed (re-open) and succeeded (close)
    assert {("Closed", "Open"), ("Open", "HalfOpen"), ("HalfOpen", "Open"), ("HalfOpen", "Closed")} <= SEEN


def test_fixed_one_caller_counter_not_reset_on_half_open():
    """Difference 3: the corrected design resets the counter when the breaker
    becomes half-open (FIX 2, failure_count_within_threshold); the library
    keeps it at THRESHOLD and a failed trial makes it THRESHOLD + 1 (then +2,
    ...).  No behaviour depends on it (any success resets it; the counter is
    always >= THRESHOLD while half-open, so a failed trial always re-opens),
    but the "failures" the library reports (CircuitBreakerError's message,
    failure_count) are failures since the last success, not a bounded count."""
    e = run_failing(_fixed_machine(1, with_failures=True))
    assert replay(e) == ["begin__1", "finish__1_false", "begin__1", "finish__1_false",
                         "begin__1", "finish__1_false", "tick", "tick", "begin__1"]
    msg = str(e)
    assert msg.startswith("begin(1): the object's new state is not a successor allowed by spec breaker_fixed")
    assert "object: {'phase': 'HalfOpen', 'waited': 2, 'pc': ('Running',), 'failures': 3}" in msg
    assert "spec allows: {'failures': 0, 'pc': ('Running',), 'phase': 'HalfOpen', 'waited': 2}" in msg


def test_fixed_two_callers_late_success_closes_open_breaker():
    """Difference 4 (two callers): a call admitted while closed whose success
    arrives after the breaker opened closes the library's breaker at once --
    no timeout, no trial.  The corrected design applies a result according to
    the state its call was admitted in: while open, no result counts (FIX 5,
    closed_only_by_successful_trial)."""
    e = run_failing(_fixed_machine(2, with_failures=False))
    steps = replay(e)
    msg = str(e)
    # one caller's call stays in flight while the other fails THRESHOLD times,
    # then the first one's success lands
    assert len(steps) == 2 + 2 * THRESHOLD, steps
    assert steps[-1] in ("finish__1_true", "finish__2_true"), steps
    slow = steps[-1][len("finish__")]
    fast = "2" if slow == "1" else "1"
    assert steps.count(f"begin__{slow}") == 1 and steps.count(f"finish__{fast}_false") == THRESHOLD
    assert f"finish({slow}, true): the object's new state is not a successor" in msg
    assert "object: {'phase': 'Closed', 'waited': 0, 'pc': ('Idle', 'Idle')}" in msg
    assert "spec allows: {'pc': ('Idle', 'Idle'), 'phase': 'Open', 'waited': 0}" in msg


def test_fixed_two_callers_second_call_let_through_half_open():
    """Difference 5 (two callers): while the one trial call is in flight, the
    corrected design rejects every other call (FIX 3, half_open_single_trial);
    the library lets any number through.  A rejected call is no step in the
    spec, so the conformance machine never offers it: checked here with the
    reference interpreter -- no successor of begin(2) in the spec, yet the
    library admits it."""
    spec = _spec("breaker_fixed.spec", 2)
    w = Callers(2)
    (s,) = initial_states(spec)
    script = [("begin", (1,))] + [("finish", (1, False)), ("begin", (1,))] * (THRESHOLD - 1) \
        + [("finish", (1, False)), ("tick", ()), ("tick", ()), ("begin", (1,))]
    for name, args in script:
        (s,) = run_action(spec, name, args, s)
        getattr(Callers, name)(w, *args)
        assert w.state(False) == {k: s[k] for k in ("phase", "waited", "pc")}
    assert s["phase"] == "HalfOpen" and s["trial_in_flight"]
    assert run_action(spec, "begin", (2,), s) == []  # the spec: rejected
    w.begin(2)  # the library: let through
    assert w.state(False)["pc"] == ("Running", "Running")
    assert w.cb.state == "half_open"
