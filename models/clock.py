"""Clocks for the executable models: time that a test moves by hand.

The models never read the wall clock themselves; they ask a clock object for
``now()``.  :class:`Clock` is a manual clock (time stands still until
``advance`` is called), which makes every timeout in a test explicit and
reproducible.  :class:`MonotonicClock` reads ``time.monotonic()`` for use
outside tests.
"""
from __future__ import annotations

import time


class Clock:
    """A manual clock: ``now()`` changes only through ``advance(dt)``.

    >>> c = Clock()
    >>> c.advance(2.5)
    2.5
    >>> c.now()
    2.5
    """

    def __init__(self, start: float = 0.0):
        self._now = start

    def now(self) -> float:
        """The current time, in the same unit as the breaker's timeout."""
        return self._now

    def advance(self, dt: float) -> float:
        """Move time forward by ``dt`` (>= 0) and return the new time."""
        if dt < 0:
            raise ValueError(f"time cannot go backwards (advance({dt}))")
        self._now += dt
        return self._now

    def __repr__(self) -> str:
        return f"Clock(now={self._now})"


class MonotonicClock:
    """The real monotonic clock, in seconds (``time.monotonic()``)."""

    def now(self) -> float:
        return time.monotonic()
