"""How a symbolic engine's stop or a solver's ``unknown`` becomes evidence
(checker/evidence.py): the *reason* as data, where ``Clock.why_unknown`` and
``Clock.stop_words`` give the same facts as words for ``detail``.

Kept apart from common.py (the solver set-up and the Clock) so that the
evidence of a stop is decided in one place for bmc, kind, pdr, induct and
the temporal checks."""
from __future__ import annotations

import z3

from .. import evidence as ev

# Z3's reasons for unknown when the per-query rlimit ran out (they vary by
# solver: SMT core, SAT core, tactics)
RLIMIT_REASONS = ("canceled", "sat.canceled", "max. resource limit exceeded", "resource limits reached")


def stop_reason(clock) -> str | None:
    """Why the clock's work must stop: the run's cancel reason
    (``timeout``, ``interrupted``, ``max_memory``), ``budget`` for the
    property's own time limit, or None while it may go on."""
    if clock.stopped():
        return clock.cancel.poll()
    if clock.expired():
        return ev.BUDGET
    return None


def gave_up(engine: str, clock, solver=None, depth: int | None = None,
            reason: str | None = None) -> ev.SolverGaveUp:
    """The solver said unknown (``solver``), or the work stopped before
    asking it (no ``solver``: the reason is the stop's).  ``reason`` given:
    a failure that is not Z3's own word (an invariant that failed
    validation, a violation without a usable trace)."""
    raw = reason
    if raw is None and solver is not None:
        try:
            raw = solver.reason_unknown()
        except z3.Z3Exception:
            raw = "unknown"
    stopped = stop_reason(clock)
    if raw is None:
        raw = "canceled" if stopped else "unknown"
    limited = bool(clock.rlimit) and solver is not None and reason is None and raw in RLIMIT_REASONS \
        and not clock.stopped()
    if stopped == ev.BUDGET and raw not in ("timeout", "canceled"):
        stopped = None   # the budget ran out after the solver gave up for its own reason
    return ev.SolverGaveUp(engine=engine, reason=raw, resource_limit=limited, stopped_by=stopped,
                           depth=depth)


class Searched(tuple):
    """What a deepening search (bmc.search, lasso_search.search) ended
    with: ``(found, reached, why, stats)`` as before, so callers unpack
    four; ``stopped`` is why it stopped, as evidence: the SolverGaveUp when
    the solver said unknown, or the stop reason (``budget`` or a cancel
    reason), None when it ran to its bound or found something.

    found: Found (lasso_search: (trace, detail, consts)) or None; reached:
    the depth searched completely (-1: none); why: "" or why it stopped, in
    words; stats: the solver's statistics."""

    def __new__(cls, found, reached: int, why: str, stats: dict, stopped=None):
        self = super().__new__(cls, (found, reached, why, stats))
        self.stopped = stopped
        return self

    found = property(lambda self: self[0])
    reached = property(lambda self: self[1])


def not_found_evidence(searched: Searched, lasso: bool = False):
    """Nothing found: up to the bound (``max_depth``), or stopped earlier."""
    depth = max(searched.reached, 0)
    if isinstance(searched.stopped, ev.SolverGaveUp):
        return searched.stopped
    return ev.Bounded(depth=depth, lasso=lasso, stopped_by=searched.stopped or ev.MAX_DEPTH)


def deepen(query, lengths: range, clock, prop_name: str, progress=None, steps_before: int = 0) -> Searched:
    """One query per length in ``lengths``, shortest first (``query.check(n,
    clock)``: what it found, None, or "unknown"; ``query.last``: the solver
    of an unknown; ``query.stats``), until a find, an unknown, the run's
    stop or the last length.  A length n shows as ``n - steps_before``
    steps.  The deepening of bmc.search and lasso_search.search."""
    reached = -1
    for n in lengths:
        if clock.expired():
            return Searched(None, reached, clock.stop_words(), query.stats, stop_reason(clock))
        r = query.check(n, clock)
        if r == "unknown":   # the run's stop (interrupt, time, memory) in its own words
            return Searched(None, reached, clock.why_unknown(query.last), query.stats,
                            gave_up("bmc", clock, query.last, max(reached, 0)))
        depth = n - steps_before
        if r is not None:
            return Searched(r, depth, "", query.stats)
        reached = depth
        if progress:
            progress(depth, prop_name)
    return Searched(None, reached, "", query.stats)
