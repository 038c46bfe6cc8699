"""The classic algorithms of the temporal-properties issue, with pinned state
counts and exact traces: Peterson's mutual exclusion (safe, and live under
weak fairness; a leads-to that fails without fairness and holds with it),
a naive lock (mutual exclusion violated) and the dining philosophers
(deadlock).  Also: the dead-action warning beyond the old 20,000-state cap."""
from __future__ import annotations

import os

import checker
from checker.explicit.compile import Program
from checker.explicit.edges import never_enabled
from checker.explicit.search import bfs
from checker.options import Options

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PETERSON = os.path.join(ROOT, "tests", "catalog", "specs", "peterson.spec")
PETERSON_UNFAIR = os.path.join(ROOT, "tests", "catalog", "specs", "peterson_unfair.spec")
NAIVE_LOCK = os.path.join(ROOT, "tests", "catalog", "specs", "naive_lock.spec")
PHILOSOPHERS = os.path.join(ROOT, "tests", "soundness", "specs", "philosophers3.spec")


def labels(trace):
    return [s.label() for s in trace.steps]


def test_peterson_is_safe_and_live_under_weak_fairness():
    r = checker.check(PETERSON)
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (26, 44, 7) and r.exhaustive
    for name in ("mutex", "progress", "progress1", "live"):
        assert r.get(name).verdict.value == "holds", name
    for name in ("progress", "progress1", "live"):
        assert r.get(name).method.endswith("checked under weak fairness of process proc")
    assert labels(r.get("both_waiting").trace) == ["init", "proc(0).raise", "proc(1).raise", "proc(0).yield_",
                                                   "proc(1).yield_"]


def test_peterson_leads_to_fails_without_fairness():
    """The same algorithm without `fair`: process 1 may never be scheduled
    while process 0 runs its loop for ever (the lasso loops from step 2)."""
    r = checker.check(PETERSON_UNFAIR)
    assert (r.stats.states, r.stats.transitions) == (26, 44)
    # while proc 0 waits, proc 1 blocks at its own wait: progress needs no fairness
    assert r.get("progress").verdict.value == "holds"
    for name in ("progress1", "live"):
        p = r.get(name)
        assert p.verdict.value == "violated"
        assert p.method.endswith("checked with no fairness: every path counts (only a state with no successor stutters)")
        assert labels(p.trace) == ["init", "proc(0).raise", "proc(0).yield_", "proc(0).wait", "proc(0).crit",
                                   "proc(0).exit", "proc(0).raise"]
        assert p.trace.loop_start == 2 and p.trace.closing.label() == "proc(0).yield_"
        assert all(s.state["proc.pc"][1] == "raise" for s in p.trace.steps)


def test_naive_lock_violates_mutual_exclusion():
    r = checker.check(NAIVE_LOCK)
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (24, 44, 8)
    p = r.get("mutex")
    assert p.verdict.value == "violated"
    assert labels(p.trace) == ["init", "proc(0).test", "proc(1).test", "proc(0).take", "proc(1).take"]
    assert p.trace.steps[-1].state["proc.pc"] == ("crit", "crit")


def test_dining_philosophers_deadlock():
    r = checker.check(PHILOSOPHERS)
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (14, 27, 3)
    p = r.get("deadlock")
    assert p.verdict.value == "violated"
    assert labels(p.trace) == ["init", "phil(0).take_left", "phil(1).take_left", "phil(2).take_left"]
    assert p.trace.steps[-1].state["fork"] == (True, True, True)


BIG = """spec big
var x: 0..30000 = 0
action inc { require x < 30000; x = x + 1 }
action back { require x == 30000; x = 0 }
action never { require x > 30000; x = 0 }
"""


def test_dead_action_warning_beyond_twenty_thousand_states():
    r = checker.check(BIG)
    assert r.stats.states == 30001
    assert r.stats.extra["never_enabled"] == ["never"]
    assert "warning: action never is never enabled in any reachable state (its guard may be wrong, or the " \
           "spec vacuous there)" in r.notes


def test_never_enabled_scan_finds_late_actions():
    """`back` is enabled in the last state only: the scan must reach it."""
    spec = checker.load(BIG)
    prog = Program(spec)
    out = bfs(prog, Options(check_deadlock=False), [], False, False, [], True)
    assert [spec.actions[ai].name for ai in never_enabled(prog, out.seen)] == ["never"]
